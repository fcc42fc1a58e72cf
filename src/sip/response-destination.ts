// Where a response goes by a Via alone (RFC 3261 18.2.2 with RFC 3581 4 and 18.2.2's reliable-transport
// rule): over the request's connection for reliable transports (received or sent-by, at the sent-by port,
// name the peer), else to maddr when multicast is enabled and it names a multicast group, else to received
// and rport, else to sent-by. Ports default to 5060, or 5061 for TLS transports.
// A Via is what a peer wrote: replies to a request go by its source instead (router/reply-target.ts); this
// serves a Via this server wrote received/rport into itself (the next Via of a forwarded response).

import { isMulticastAddress } from './ip-address.ts';
import type { Via } from './via.ts';

export interface ResponseDestination {
  /** The transport the request came over ("UDP", "TCP", "TLS", ...). */
  transport: string;
  /** Reliable transport: send over the connection the request came on; host/port serve if it is closed. */
  reuseConnection: boolean;
  /** IP address or host name (to resolve per RFC 3263 5); IPv6 without brackets. */
  host: string;
  port: number;
  /** Multicast TTL when the response goes to maddr. */
  ttl?: number;
}

const RELIABLE = new Set(['TCP', 'TLS', 'SCTP', 'TLS-SCTP', 'WS', 'WSS']);
const SECURE = new Set(['TLS', 'TLS-SCTP', 'WSS']);

export interface DestinationOptions {
  /** Honour maddr when it names a multicast group (off: a unicast maddr would steer replies anywhere). */
  readonly multicast?: boolean;
}

export function responseDestination(via: Via, options: DestinationOptions = {}): ResponseDestination {
  const transport = via.transport;
  const defaultPort = SECURE.has(transport) ? 5061 : 5060;
  const rport = typeof via.rport === 'number' ? via.rport : undefined;
  if (RELIABLE.has(transport)) {
    return {
      transport,
      reuseConnection: true,
      host: unbracket(via.received ?? via.host),
      port: via.port ?? defaultPort,
    };
  }
  if (options.multicast && via.maddr !== undefined && isMulticastAddress(via.maddr)) {
    return {
      transport,
      reuseConnection: false,
      host: unbracket(via.maddr),
      port: via.port ?? defaultPort,
      ttl: via.ttl ?? 1,
    };
  }
  if (via.received !== undefined) {
    return {
      transport,
      reuseConnection: false,
      host: unbracket(via.received),
      port: rport ?? via.port ?? defaultPort,
    };
  }
  return { transport, reuseConnection: false, host: unbracket(via.host), port: via.port ?? defaultPort };
}

function unbracket(host: string): string {
  return host.charCodeAt(0) === 91 && host.charCodeAt(host.length - 1) === 93 ? host.slice(1, -1) : host;
}
