// Where a response to a request goes (RFC 3261 18.2.2, RFC 3581) as a transport send target: the request's
// own connection for TCP, the received/rport address for UDP, from the listener it arrived on.
import { responseDestination, type SipRequest } from '../sip/index.ts';
import type { AddressTarget, Source } from '../transport/index.ts';

export function replyTarget(request: SipRequest, source: Source): AddressTarget {
  const destination = responseDestination(request.via);
  return {
    proto: source.proto,
    address: destination.host,
    port: destination.port,
    connectionId: destination.reuseConnection ? source.connectionId : undefined,
    local: source.local,
  };
}
