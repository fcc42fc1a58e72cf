// Address tests of the nathelper module: which IPv4 addresses count as private (Kamailio 5.6's nets_1918
// plus, with its default nat_addr_mode 1, the extra nets), and the source as nathelper writes it.
import { isIPv4, isIPv6 } from 'node:net';
import { ipAddressKey } from '../sip/index.ts';
import type { RouteContext } from './context.ts';

/** [network, prefix length]: RFC 1918, RFC 6598 (carrier-grade NAT) and RFC 7335's 192.0.0.0/29. */
const PRIVATE_NETS: readonly (readonly [number, number])[] = [
  [0x0a000000, 8],
  [0xac100000, 12],
  [0xc0a80000, 16],
  [0x64400000, 10],
  [0xc0000000, 29],
];

function ipv4Number(key: string): number | undefined {
  const parts = key.split('.');
  if (parts.length !== 4) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

/**
 * True when `text` is an IPv4 address in a private net. Only a socket address (`mapped`) may be an
 * IPv4-mapped IPv6 one: Kamailio reads the addresses written in a message with inet_aton, IPv4 only.
 */
export function isPrivateAddress(text: string, mapped = false): boolean {
  if (!mapped && !isIPv4(text.trim())) return false;
  const key = ipAddressKey(text.trim());
  const n = key === undefined ? undefined : ipv4Number(key);
  if (n === undefined) return false;
  return PRIVATE_NETS.some(
    ([net, bits]) => Math.floor(n / 2 ** (32 - bits)) === Math.floor(net / 2 ** (32 - bits)),
  );
}

/** True when the two texts are the same IP address (false for host names). */
export function sameAddress(a: string, b: string): boolean {
  const ka = ipAddressKey(a);
  return ka !== undefined && ka === ipAddressKey(b);
}

/** The source address as written in a URI: IPv6 in brackets. */
export function sourceHost(ctx: RouteContext): string {
  const address = ctx.source.remote.address;
  return isIPv6(address) ? `[${address}]` : address;
}

/** Kamailio's protocol numbers as the alias parameter writes them (PROTO_UDP 1 ... PROTO_WSS 6). */
export const PROTO_NUMBERS: Readonly<Record<string, number>> = {
  udp: 1,
  tcp: 2,
  tls: 3,
  sctp: 4,
  ws: 5,
  wss: 6,
};

/** Kamailio's get_src_uri: `sip:ip:port`, with `;transport=` unless UDP. */
export function sourceUri(ctx: RouteContext): string {
  const { proto, remote } = ctx.source;
  return `sip:${sourceHost(ctx)}:${remote.port}${proto === 'udp' ? '' : `;transport=${proto}`}`;
}
