// The Via a proxy puts on top of a request it forwards (RFC 3261 16.6 step 8): `SIP/2.0/<transport>
// <address>:<port>;branch=<id>`, from the listener it leaves by and the branch id it minted.
//
// Every forwarded request gets one, so the new value is not parsed again: its Via is built here from the
// parts it was written from, as via-received.ts does for the stamped one. Parts the Via grammar would not
// read back as written (a lower-case or unknown transport, a host or branch it refuses, a port out of
// range) leave the value to parseViaIn, which refuses the edit when it does not parse.

import { GEN_VALUE } from './char-classes.ts';
import { hostEnd } from './host.ts';
import type { SipMessage } from './message.ts';
import { paramsIn } from './params.ts';
import { skipClass } from './scan.ts';
import type { Via } from './via.ts';

// The transports parseViaIn reads as written (it upper-cases the rest).
const KNOWN_TRANSPORTS = new Set(['UDP', 'TCP', 'TLS', 'WS', 'WSS', 'SCTP']);

// The last host hostEnd accepted followed by a colon: a proxy writes its few listeners' addresses over and
// over, and checking a numeric one (the IPv4 grammar) is a fifth of the work here.
let checkedHost = '';

/**
 * Pushes `SIP/2.0/<transport> <address>:<port>;branch=<branch>` on top of `message`'s Vias (an IPv6
 * address goes in brackets); false when refused (see SipMessage.pushVia).
 */
export function pushOwnVia(
  message: SipMessage,
  transport: string,
  address: string,
  port: number,
  branch: string,
): boolean {
  const host = address.includes(':') ? `[${address}]` : address;
  const head = `SIP/2.0/${transport} ${host}:${port}`;
  const valid =
    KNOWN_TRANSPORTS.has(transport) && Number.isInteger(port) && port >= 0 && port <= 65535 && branch !== '';
  return message.pushVia(`${head};branch=${branch}`, (text, start, end): Via | undefined => {
    if (!valid) return undefined;
    const hostStart = start + 9 + transport.length;
    const paramsStart = start + head.length;
    // The host ends where the port's colon is, and the branch value runs to the end of the field.
    if (host !== checkedHost) {
      if (hostEnd(text, hostStart, end) !== hostStart + host.length) return undefined;
      checkedHost = host;
    }
    if (skipClass(text, paramsStart + 8, end, GEN_VALUE) !== end) return undefined;
    return {
      protocol: 'SIP',
      version: '2.0',
      transport,
      host,
      port,
      params: paramsIn(text, paramsStart, end),
      branch,
      received: undefined,
      rport: undefined,
      maddr: undefined,
      ttl: undefined,
    };
  });
}
