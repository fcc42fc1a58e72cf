// Where a request goes (RFC 3261 16.6 steps 6-7): the destination URI ($du) when set, else the Request-URI;
// its maddr or host, its port (5060, 5061 for sips: and TLS, when absent) and its transport parameter (UDP
// when absent). sips: goes over TLS whatever the transport parameter says (RFC 3261 26.2) and marks the hop
// `secure`: its certificate is verified even when the config turned next-hop verification off.
// transport=ws is a WebSocket (ws or wss: RFC 7118 writes ws for both), reached only over a connection the
// peer opened. SCTP and unknown transports are refused here rather than failing later. Host names are
// resolved when the branch is sent (RFC 3263: NAPTR and SRV when the URI gave no port, and no transport for
// NAPTR; src/dns/rfc3263.ts), which may choose another port and transport. A host that is not an IP
// literal but looks like a number (`127.1`, `2130706433`, `0x7f.1`, `0177.0.0.1`) is refused too: the
// resolver (inet_aton) would read it as an IPv4 address the allow-list never saw as one.

import { isIP } from 'node:net';
import { err, ok, type Result } from '../result.ts';
import { parseUri } from '../sip/index.ts';
import type { Proto } from '../transport/index.ts';
import {
  E_ADM_PROHIBITED,
  E_BAD_ADDRESS,
  E_BAD_PROTO,
  E_BAD_URI,
  type RelayError,
  relayError,
} from './relay-error.ts';

export interface NextHop {
  readonly proto: Proto;
  /** IP literal (IPv6 without brackets) or host name. */
  readonly host: string;
  readonly port: number;
  /** The URI gave the port / the transport (a host name then skips SRV / NAPTR, RFC 3263 4). */
  readonly explicitPort?: boolean;
  readonly explicitProto?: boolean;
  /** From a sips: URI: TLS with a verified certificate. */
  readonly secure?: boolean;
}

const PROTOS: Record<string, Proto> = { udp: 'udp', tcp: 'tcp', tls: 'tls', ws: 'ws', wss: 'wss' };

/** The next hop for `uri`. */
export function nextHop(uri: string): Result<NextHop, RelayError> {
  const parsed = parseUri(uri);
  if (parsed === undefined) return err(relayError(E_BAD_URI, `'${uri}' is not a SIP URI`));
  if (parsed.scheme !== 'sip' && parsed.scheme !== 'sips') {
    return err(relayError(E_BAD_PROTO, `cannot relay to '${uri}': only sip: and sips: URIs are supported`));
  }
  const secure = parsed.scheme === 'sips';
  const given = parsed.params.get('transport');
  const transport = (given ?? 'udp').toLowerCase();
  const named = PROTOS[transport];
  if (named === undefined) {
    return err(
      relayError(E_BAD_PROTO, `cannot relay to '${uri}': transport '${transport}' is not supported`),
    );
  }
  // sips: over WebSocket is wss; any other sips: is TLS.
  const proto: Proto = secure ? (named === 'ws' || named === 'wss' ? 'wss' : 'tls') : named;
  const host = unbracket(parsed.params.get('maddr') || parsed.host);
  if (looksNumeric(host)) return err(disguised(host));
  const port = parsed.port ?? (proto === 'tls' ? 5061 : 5060);
  const hop = {
    proto,
    host,
    port,
    explicitPort: parsed.port !== undefined,
    explicitProto: given !== undefined,
  };
  return ok(secure ? { ...hop, secure } : hop);
}

/**
 * True for a host name whose last label is a number (decimal, octal with a leading 0, or 0x hex), as the
 * WHATWG URL standard's "ends in a number" test: getaddrinfo reads `127.1`, `2130706433`, `0x7f.1` and
 * `0177.0.0.1` as IPv4 addresses, and no DNS top-level label is numeric. IP literals are not names: false.
 */
export function looksNumeric(host: string): boolean {
  if (isIP(unbracket(host)) !== 0) return false;
  const labels = host.replace(/\.$/, '').split('.');
  return /^(0x[0-9a-f]*|\d+)$/i.test(labels[labels.length - 1]);
}

function disguised(host: string): RelayError {
  return relayError(E_BAD_ADDRESS, `'${host.slice(0, 64)}' is an IP address in disguise, not a host name`);
}

/** A next hop given by the script (t_relay_to_proto_addr). */
export function forcedHop(proto: string, host: string, port: number): Result<NextHop, RelayError> {
  const known = PROTOS[proto.toLowerCase()];
  if (known === undefined)
    return err(relayError(E_BAD_PROTO, `transport '${proto}' is not supported (udp, tcp, tls, ws, wss)`));
  if (host === '' || /[\s;,<>]/.test(host) || !Number.isInteger(port) || port < 1 || port > 65535) {
    return err(relayError(E_BAD_URI, `'${host}:${port}' is not a host and port`));
  }
  if (looksNumeric(host)) return err(disguised(host));
  return ok({ proto: known, host: unbracket(host), port, explicitPort: true, explicitProto: true });
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
