// Listen specs as operators write them: `udp:127.0.0.1:5060`, `tcp:[::1]:5060`, `udp:0.0.0.0:0`.
// A host may also be a name (`tcp:localhost:5060`); it is resolved when the transport starts.
import { isIP, isIPv4, isIPv6 } from 'node:net';
import { err, ok, type Result } from '../result.ts';
import { PROTOS, type Proto } from './endpoint.ts';

export interface ListenSpec {
  readonly proto: Proto;
  /** IP literal without brackets, or a host name to resolve at start. */
  readonly host: string;
  /** 0 asks the OS for a free port; the bound port is then in Transport.localAddresses. */
  readonly port: number;
}

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

export function parseListenSpec(text: string): Result<ListenSpec> {
  const fail = (why: string) =>
    err(
      `listen spec '${text}': ${why} (expected PROTO:HOST:PORT, e.g. udp:127.0.0.1:5060 or tcp:[::1]:5060)`,
    );
  const colon = text.indexOf(':');
  if (colon < 0) return fail('no protocol');
  const proto = text.slice(0, colon).toLowerCase();
  if (!PROTOS.includes(proto as Proto)) {
    return fail(`unsupported protocol '${text.slice(0, colon)}', supported: ${PROTOS.join(', ')}`);
  }
  const rest = text.slice(colon + 1);

  let host: string;
  let portText: string;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return fail("'[' without ']' around the IPv6 address");
    host = rest.slice(1, close);
    if (!isIPv6(host)) return fail(`'${host}' in brackets is not an IPv6 address`);
    if (rest[close + 1] !== ':') return fail('no port after the IPv6 address');
    portText = rest.slice(close + 2);
  } else {
    const last = rest.lastIndexOf(':');
    if (last < 0) return fail('no port');
    host = rest.slice(0, last);
    portText = rest.slice(last + 1);
    if (host.includes(':')) return fail(`IPv6 address '${host}' must be in brackets, e.g. [${host}]`);
    if (host === '') return fail('empty host');
    if (!isIPv4(host) && (/^[0-9.]+$/.test(host) || !HOSTNAME.test(host))) {
      return fail(`'${host}' is neither an IPv4 address nor a host name`);
    }
  }

  if (!/^\d{1,5}$/.test(portText)) return fail(`port '${portText}' is not a number`);
  const port = Number(portText);
  if (port > 65535) return fail(`port ${port} is out of range 0-65535`);
  return ok({ proto: proto as Proto, host: isIP(host) ? host.toLowerCase() : host, port });
}
