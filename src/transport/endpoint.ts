// Addresses as the transport layer sees them: an IP literal and a port. Keys built here index the connection
// table, so every address goes through normalizeAddress first.
import { isIPv6, SocketAddress } from 'node:net';

export type Proto = 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';
export const PROTOS: readonly Proto[] = ['udp', 'tcp', 'tls', 'ws', 'wss'];
/** The protocols carried by a connection (everything but UDP). */
export type StreamProto = Exclude<Proto, 'udp'>;

/** True for connection-oriented protocols: replies go back over the request's connection. */
export function isStream(proto: Proto): proto is StreamProto {
  return proto !== 'udp';
}

export interface Endpoint {
  /** IP literal without brackets: `127.0.0.1`, `::1`. */
  readonly address: string;
  readonly port: number;
}

const V4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * One spelling per address: IPv6 in canonical form (`0:0::1` becomes `::1`), IPv4-mapped IPv6
 * (`::ffff:1.2.3.4`) as IPv4. Zone ids (`fe80::1%eth0`) are kept as written. Other strings pass unchanged.
 */
export function normalizeAddress(address: string): string {
  // Every IPv6 spelling has a colon: IPv4 and names pass without the regular expressions (per datagram).
  if (!address.includes(':')) return address;
  const mapped = V4_MAPPED.exec(address);
  if (mapped) return mapped[1];
  if (!isIPv6(address)) return address;
  if (address.includes('%')) return address.toLowerCase();
  return new SocketAddress({ address, family: 'ipv6' }).address;
}

/** `1.2.3.4:5060` or `[::1]:5060`, for keys and log lines. */
export function formatEndpoint(endpoint: Endpoint): string {
  return endpoint.address.includes(':') && isIPv6(endpoint.address)
    ? `[${endpoint.address}]:${endpoint.port}`
    : `${endpoint.address}:${endpoint.port}`;
}

export function familyOf(address: string): 4 | 6 {
  return address.includes(':') && isIPv6(address) ? 6 : 4;
}

export function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}
