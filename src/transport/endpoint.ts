// Addresses as the transport layer sees them: an IP literal and a port. Keys built here index the connection
// table, so every address goes through normalizeAddress first.
import { isIPv6 } from 'node:net';

export type Proto = 'udp' | 'tcp';
export const PROTOS: readonly Proto[] = ['udp', 'tcp'];

export interface Endpoint {
  /** IP literal without brackets: `127.0.0.1`, `::1`. */
  readonly address: string;
  readonly port: number;
}

const V4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** Lower-cases IPv6 and unwraps IPv4-mapped IPv6 (`::ffff:1.2.3.4`), so one peer has one spelling. */
export function normalizeAddress(address: string): string {
  const mapped = V4_MAPPED.exec(address);
  if (mapped) return mapped[1];
  return isIPv6(address) ? address.toLowerCase() : address;
}

/** `1.2.3.4:5060` or `[::1]:5060`, for keys and log lines. */
export function formatEndpoint(endpoint: Endpoint): string {
  return isIPv6(endpoint.address)
    ? `[${endpoint.address}]:${endpoint.port}`
    : `${endpoint.address}:${endpoint.port}`;
}

export function familyOf(address: string): 4 | 6 {
  return isIPv6(address) ? 6 : 4;
}

export function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}
