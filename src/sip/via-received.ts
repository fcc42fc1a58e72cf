// What a server does to the top Via of a request it receives (RFC 3261 18.2.1, RFC 3581 4): add `received`
// with the source IP when the sent-by host differs from it, and fill `rport` with the source port when the
// client asked for it (or the script forces it, Kamailio's force_rport), which also requires `received`.
// Values the client wrote itself are never kept (issue 11): a Via that carries received, or rport with a
// value, gets both overwritten from the source, so no Via downstream or echoed back names a third party.
// A pure function of the message and the source: the transport layer stays SIP-free.
//
// Every request received goes through here, so the stamped Via is not parsed back: what parseViaIn would
// read from the text written here is known field by field (the received Via's, with received and rport
// from the source), and the message keeps it as the new field's parse (SipMessage.replaceTopVia).

import { ipAddressKey, isIPv4, isIPv6 } from './ip-address.ts';
import { paramsIn } from './params.ts';
import type { SipRequest } from './request.ts';
import type { Via } from './via.ts';

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
  const { address, port } = source;
  const rport = String(port);
  // formatVia of the parameters with received and rport set as in a Map: one written where the client had
  // it, else appended (received first), every other parameter written back as formatParams does.
  const head = `${via.protocol}/${via.version}/${via.transport} ${via.port === undefined ? via.host : `${via.host}:${via.port}`}`;
  let params = '';
  let hadReceived = false;
  let hadRport = false;
  for (const [name, value] of via.params) {
    if (name === 'received') {
      hadReceived = true;
      params += `;received=${address}`;
    } else if (name === 'rport' && fillRport) {
      hadRport = true;
      params += `;rport=${rport}`;
    } else params += value === '' ? `;${name}` : `;${name}=${value}`;
  }
  if (!hadReceived) params += `;received=${address}`;
  if (fillRport && !hadRport) params += `;rport=${rport}`;
  const value = head + params;
  // parseViaIn's reading of `value`, when the source's values are what it accepts (a socket's always are).
  const known = (isIPv4(address) || isIPv6(address)) && Number.isInteger(port) && port >= 0 && port <= 65535;
  if (!known) return request.replaceFirstValue('Via', value);
  const stamped: Via = {
    protocol: via.protocol,
    version: via.version,
    transport: via.transport,
    host: via.host,
    port: via.port,
    params: paramsIn(value, head.length, value.length),
    branch: via.branch,
    received: address,
    rport: fillRport ? port : undefined,
    maddr: via.maddr,
    ttl: via.ttl,
  };
  return request.replaceTopVia(value, stamped);
}
