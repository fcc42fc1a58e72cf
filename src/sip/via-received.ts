// What a server does to the top Via of a request it receives (RFC 3261 18.2.1, RFC 3581 4): add `received`
// with the source IP when the sent-by host differs from it, and fill `rport` with the source port when the
// client asked for it (or the script forces it, Kamailio's force_rport), which also requires `received`.
// Values the client wrote itself are never kept (issue 11): a Via that carries received, or rport with a
// value, gets both overwritten from the source, so no Via downstream or echoed back names a third party.
// A pure function of the message and the source: the transport layer stays SIP-free.

import { ipAddressKey } from './ip-address.ts';
import type { SipRequest } from './request.ts';
import { formatVia } from './via.ts';

export interface SourceAddress {
  /** IP address the request came from (IPv6 without brackets, as sockets give it). */
  address: string;
  port: number;
}

/**
 * Adds received / rport to the top Via of `request` for a request from `source`; true when the Via
 * changed. `forceRport` fills rport as if the client had sent it.
 */
export function addReceived(request: SipRequest, source: SourceAddress, forceRport = false): boolean {
  const via = request.via;
  const fillRport = via.rport !== undefined || forceRport;
  if (!fillRport && via.received === undefined) {
    const host = ipAddressKey(via.host);
    if (host !== undefined && host === ipAddressKey(source.address)) return false;
  }
  const params = new Map(via.params);
  params.set('received', source.address);
  if (fillRport) params.set('rport', String(source.port));
  return request.replaceFirstValue('Via', formatVia({ ...via, params }));
}
