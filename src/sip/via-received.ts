// What a server does to the top Via of a request it receives (RFC 3261 18.2.1, RFC 3581 4): add `received`
// with the source IP when the sent-by host differs from it, and fill `rport` with the source port when the
// client asked for it (or the script forces it, Kamailio's force_rport), which also requires `received`.
// Values the client wrote itself are never kept (issue 11): a Via that carries received, or rport with a
// value, gets both overwritten from the source, so no Via downstream or echoed back names a third party.
// A pure function of the message and the source: the transport layer stays SIP-free.
//
// Every request from a client that asks for rport comes through here, so the rewritten Via is not parsed
// again: its value is the parsed one with received and rport set, built here from what is already known.

import { isHost } from './host.ts';
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
  const { address } = source;
  const port = String(source.port);
  // formatVia of the Via with received and rport set in its parameter Map: set in place, else appended.
  const sentBy = via.port === undefined ? via.host : `${via.host}:${via.port}`;
  const head = `${via.protocol}/${via.version}/${via.transport} ${sentBy}`;
  let params = '';
  let hasReceived = false;
  let hasRport = false;
  for (const [name, written] of via.params) {
    let value = written;
    if (name === 'received') {
      value = address;
      hasReceived = true;
    } else if (fillRport && name === 'rport') {
      value = port;
      hasRport = true;
    }
    params += value === '' ? `;${name}` : `;${name}=${value}`;
  }
  if (!hasReceived) params += address === '' ? ';received' : `;received=${address}`;
  if (fillRport && !hasRport) params += `;rport=${port}`;

  // What parseViaIn reads from the new value: the same Via but for received and rport, which are valid
  // only as parseViaIn checks them (else undefined, and parseViaIn refuses the edit).
  const valid =
    (isIPv4(address) || isHost(address) || isIPv6(address)) &&
    (!fillRport || (Number.isInteger(source.port) && source.port >= 0 && source.port <= 65535));
  return request.replaceTopVia(head + params, (text, start, end): Via | undefined =>
    valid
      ? {
          protocol: via.protocol,
          version: via.version,
          transport: via.transport,
          host: via.host,
          port: via.port,
          params: paramsIn(text, start + head.length, end),
          branch: via.branch,
          received: address,
          rport: fillRport ? source.port : undefined,
          maddr: via.maddr,
          ttl: via.ttl,
        }
      : undefined,
  );
}
