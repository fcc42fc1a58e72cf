// Via values (RFC 3261 20.42, 25.1; rport of RFC 3581).
//
//   via-parm = sent-protocol LWS sent-by *( SEMI via-params )
//   sent-protocol = protocol-name SLASH protocol-version SLASH transport
//   sent-by = host [ COLON port ]
//   via-params = via-ttl / via-maddr / via-received / via-branch / response-port / via-extension

import { DIGIT, TOKEN } from './char-classes.ts';
import { hostEnd, isHost } from './host.ts';
import { parseDigits } from './integers.ts';
import { isIPv4, isIPv6 } from './ip-address.ts';
import { formatParams, isName, type Params, paramSpans, paramsIn, scanParams } from './params.ts';
import { skipClass, skipSeparator, skipWsp } from './scan.ts';

export interface Via {
  /** protocol-name as written ("SIP"). */
  readonly protocol: string;
  /** protocol-version as written ("2.0"). */
  readonly version: string;
  /** transport in upper case ("UDP", "TCP", "TLS", "SCTP", "WS", "WSS", ...). */
  readonly transport: string;
  /** sent-by host as written; an IPv6 reference keeps its brackets. */
  readonly host: string;
  /** sent-by port, if written. */
  readonly port: number | undefined;
  /** All parameters, in order. */
  readonly params: Params;
  readonly branch: string | undefined;
  /** received: the source address the next hop saw (IPv6 without brackets). */
  readonly received: string | undefined;
  /** rport: the source port the next hop saw, or true when present without a value (RFC 3581). */
  readonly rport: number | true | undefined;
  readonly maddr: string | undefined;
  readonly ttl: number | undefined;
}

/** The magic cookie that starts RFC 3261 branch values (8.1.1.7). */
export const BRANCH_MAGIC_COOKIE = 'z9hG4bK';

/** One via-parm, or undefined when malformed. */
export function parseVia(value: string): Via | undefined {
  return parseViaIn(value, 0, value.length);
}

/** The via-parm text[start, end), or undefined when malformed. */
export function parseViaIn(text: string, start: number, end: number): Via | undefined {
  let p = skipWsp(text, start, end);
  let protocol = 'SIP';
  let version = '2.0';
  if (p + 8 <= end && text.startsWith('SIP/2.0/', p)) {
    p += 8;
  } else {
    const protocolEnd = skipClass(text, p, end, TOKEN);
    const versionStart = skipSeparator(text, protocolEnd, end, 47);
    const versionEnd = versionStart < 0 ? -1 : skipClass(text, versionStart, end, TOKEN);
    const transportStart = versionEnd < 0 ? -1 : skipSeparator(text, versionEnd, end, 47);
    if (protocolEnd === p || versionEnd <= versionStart || transportStart < 0) return undefined;
    protocol = text.slice(p, protocolEnd);
    version = text.slice(versionStart, versionEnd);
    p = transportStart;
  }
  const transportEnd = skipClass(text, p, end, TOKEN);
  if (transportEnd === p) return undefined;
  const transport = transportName(text, p, transportEnd);

  const hostStart = skipWsp(text, transportEnd, end);
  if (hostStart === transportEnd) return undefined;
  p = hostEnd(text, hostStart, end);
  if (p < 0) return undefined;
  const host = text.slice(hostStart, p);

  let port: number | undefined;
  const portStart = skipSeparator(text, p, end, 58);
  if (portStart >= 0) {
    p = skipClass(text, portStart, end, DIGIT);
    port = parseDigits(text, portStart, p, 5);
    if (port < 0 || port > 65535) return undefined;
  }

  const paramsStart = p;
  p = scanParams(text, p, end);
  if (p < 0 || skipWsp(text, p, end) !== end) return undefined;

  // Pick out the parameters with meaning here; validate their values where they lie.
  let branch: string | undefined;
  let received: string | undefined;
  let rport: number | true | undefined;
  let maddr: string | undefined;
  let ttl: number | undefined;
  const spans = paramSpans.spans;
  for (let i = 0; i < 4 * paramSpans.count; i += 4) {
    const nameStart = spans[i];
    const nameEnd = spans[i + 1];
    const valueStart = spans[i + 2];
    const valueEnd = spans[i + 3];
    switch (nameEnd - nameStart) {
      case 6:
        if (isName(text, nameStart, nameEnd, 'branch')) branch = text.slice(valueStart, valueEnd);
        break;
      case 8:
        if (isName(text, nameStart, nameEnd, 'received')) {
          if (
            !isIPv4(text, valueStart, valueEnd) &&
            !isHost(text, valueStart, valueEnd) &&
            !isIPv6(text, valueStart, valueEnd)
          ) {
            return undefined;
          }
          received = text.slice(valueStart, valueEnd);
        }
        break;
      case 5:
        if (isName(text, nameStart, nameEnd, 'rport')) {
          const number = valueStart === valueEnd ? 0 : parseDigits(text, valueStart, valueEnd, 5);
          if (number < 0 || number > 65535) return undefined;
          rport = valueStart === valueEnd ? true : number;
        } else if (isName(text, nameStart, nameEnd, 'maddr')) {
          if (!isHost(text, valueStart, valueEnd)) return undefined;
          maddr = text.slice(valueStart, valueEnd);
        }
        break;
      case 3:
        if (isName(text, nameStart, nameEnd, 'ttl')) {
          ttl = parseDigits(text, valueStart, valueEnd, 3);
          if (ttl < 0 || ttl > 255) return undefined;
        }
        break;
    }
  }

  return {
    protocol,
    version,
    transport,
    host,
    port,
    params: paramsIn(text, paramsStart, p),
    branch,
    received,
    rport,
    maddr,
    ttl,
  };
}

const TRANSPORTS = ['UDP', 'TCP', 'TLS', 'WS', 'WSS', 'SCTP'];

// The transport in upper case, without a copy for the usual ones.
function transportName(text: string, start: number, end: number): string {
  for (const name of TRANSPORTS) {
    if (end - start !== name.length) continue;
    let i = 0;
    // & 0xdf upper-cases a letter; no other token character lands on an upper-case letter.
    while (i < name.length && (text.charCodeAt(start + i) & 0xdf) === name.charCodeAt(i)) i++;
    if (i === name.length) return name;
  }
  return text.slice(start, end).toUpperCase();
}

/** `via` written back: sent-protocol, sent-by, then its parameters in order. */
export function formatVia(
  via: Pick<Via, 'protocol' | 'version' | 'transport' | 'host' | 'port' | 'params'>,
): string {
  const sentBy = via.port === undefined ? via.host : `${via.host}:${via.port}`;
  return `${via.protocol}/${via.version}/${via.transport} ${sentBy}${formatParams(via.params)}`;
}
