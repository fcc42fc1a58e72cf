// Where a request goes (RFC 3261 16.6 steps 6-7, RFC 3263 4 without NAPTR/SRV): the destination URI ($du)
// when set, else the Request-URI; its maddr or host, its port (5060 when absent) and its transport
// parameter (UDP when absent). Host names are resolved by the transport when sending. The server speaks
// UDP and TCP: sips: and other transports are refused here rather than failing later.

import { err, ok, type Result } from '../result.ts';
import { parseUri } from '../sip/index.ts';
import type { Proto } from '../transport/index.ts';
import { E_ADM_PROHIBITED, E_BAD_PROTO, E_BAD_URI, type RelayError, relayError } from './relay-error.ts';

export interface NextHop {
  readonly proto: Proto;
  /** IP literal (IPv6 without brackets) or host name. */
  readonly host: string;
  readonly port: number;
}

const PROTOS: Record<string, Proto> = { udp: 'udp', tcp: 'tcp' };

/** The next hop for `uri`. */
export function nextHop(uri: string): Result<NextHop, RelayError> {
  const parsed = parseUri(uri);
  if (parsed === undefined) return err(relayError(E_BAD_URI, `'${uri}' is not a SIP URI`));
  if (parsed.scheme !== 'sip') {
    return err(
      relayError(E_BAD_PROTO, `cannot relay to '${uri}': only sip: URIs over UDP or TCP are supported`),
    );
  }
  const transport = (parsed.params.get('transport') ?? 'udp').toLowerCase();
  const proto = PROTOS[transport];
  if (proto === undefined) {
    return err(
      relayError(E_BAD_PROTO, `cannot relay to '${uri}': transport '${transport}' is not supported`),
    );
  }
  const host = unbracket(parsed.params.get('maddr') || parsed.host);
  return ok({ proto, host, port: parsed.port ?? 5060 });
}

/** A next hop given by the script (t_relay_to_proto_addr). */
export function forcedHop(proto: string, host: string, port: number): Result<NextHop, RelayError> {
  const known = PROTOS[proto.toLowerCase()];
  if (known === undefined)
    return err(relayError(E_BAD_PROTO, `transport '${proto}' is not supported (udp, tcp)`));
  if (host === '' || /[\s;,<>]/.test(host) || !Number.isInteger(port) || port < 1 || port > 65535) {
    return err(relayError(E_BAD_URI, `'${host}:${port}' is not a host and port`));
  }
  return ok({ proto: known, host: unbracket(host), port });
}

/**
 * The next hop for `uri` (or `forced`, t_relay_to_proto_addr) when the tenant may send there: `refuse` is
 * its allow-list, saying why not.
 */
export function allowedHop(
  uri: string,
  forced: NextHop | undefined,
  refuse: (hop: NextHop) => string | undefined,
): Result<NextHop, RelayError> {
  const found = forced === undefined ? nextHop(uri) : ok(forced);
  if (!found.ok) return found;
  const why = refuse(found.value);
  if (why === undefined) return found;
  const where = `${found.value.proto}:${hostPort(found.value.host, found.value.port)}`;
  return err(relayError(E_ADM_PROHIBITED, `destination ${where} refused: ${why}`));
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** host:port for a Via sent-by or a URI (IPv6 in brackets). */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
