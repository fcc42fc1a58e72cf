// Where a received message came from, as the server glue needs it: Via received/rport, the reply route
// (RFC 3261 18.2.2) and the socket to answer from.
import type { Endpoint, Proto } from './endpoint.ts';

export interface Source {
  readonly proto: Proto;
  /** The peer: for UDP the datagram's source, for TCP the connection's remote end. */
  readonly remote: Endpoint;
  /** The address and port the message arrived on. On a wildcard UDP listener this is the wildcard. */
  readonly local: Endpoint;
  /** TCP only: the connection it arrived on; send to it to answer over the same connection. */
  readonly connectionId?: number;
}
