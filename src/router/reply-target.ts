// Where a response to a request goes, as a transport send target, decided by where the request came from
// and never by what the peer wrote (issue 11: a Via must not steer replies to a third party):
// - TCP, TLS, WS: over the request's connection; when it closed, only to the request's own source address and port.
//   The Via's received/sent-by are not dialled (RFC 3261 18.2.2 would open a connection there).
// - UDP: to the datagram's source address, at the source port when the Via asks for rport (RFC 3581) or
//   names another transport (its sent-by port is a stream listener's), else at the sent-by port (RFC 3261
//   18.1.1: a client listens there on its own host). addReceived (via-received.ts) has written received and
//   rport from the source already, so the Via of the response says the same.
// - set-reply-no-connect (noConnect): TCP replies use an open connection only; none opened (Kamailio's
//   SND_F_FORCE_CON_REUSE).
// - maddr is ignored, unless the operator enabled multicast replies and it names a multicast group.
import { responseDestination, type SipRequest } from '../sip/index.ts';
import type { AddressTarget, Source } from '../transport/index.ts';

export interface ReplyTargetOptions {
  /** Honour a Via maddr that names a multicast group (config `multicast_replies`, off by default). */
  readonly multicast?: boolean;
  /** TCP: never open a connection for the reply (set-reply-no-connect). */
  readonly noConnect?: boolean;
}

export function replyTarget(
  request: SipRequest,
  source: Source,
  options: ReplyTargetOptions = {},
): AddressTarget {
  const { address, port } = source.remote;
  if (source.proto !== 'udp') {
    const target = {
      proto: source.proto,
      address,
      port,
      connectionId: source.connectionId,
      local: source.local,
    } as const;
    return options.noConnect ? { ...target, noConnect: true } : target;
  }
  const via = request.via;
  if (options.multicast) {
    const group = responseDestination(via, { multicast: true });
    if (group.ttl !== undefined)
      return { proto: 'udp', address: group.host, port: group.port, local: source.local };
  }
  const sourcePort = via.rport !== undefined || via.transport !== 'UDP';
  return { proto: 'udp', address, port: sourcePort ? port : (via.port ?? 5060), local: source.local };
}
