// The proxy's own addresses: what it listens on, for "is this address myself" checks and Via sent-by.
import { networkInterfaces } from 'node:os';
import { type Endpoint, familyOf, isWildcard, normalizeAddress, type Proto } from './endpoint.ts';

export interface LocalAddress extends Endpoint {
  readonly proto: Proto;
  readonly family: 4 | 6;
  /** The listen spec it came from, as written. */
  readonly spec: string;
}

/** Every address of this host's interfaces, for matching wildcard listeners. A snapshot: taken once. */
export function interfaceAddresses(): Set<string> {
  const all = new Set<string>();
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) all.add(normalizeAddress(entry.address.replace(/%.*$/, '')));
  }
  return all;
}

/**
 * True when `address` (an IP literal) and `port` name one of the listeners. A wildcard listener matches any
 * address in `hostAddresses` of its family. Without `port` or `proto`, any port or protocol matches.
 */
export function matchesLocal(
  listeners: readonly LocalAddress[],
  hostAddresses: ReadonlySet<string>,
  address: string,
  port?: number,
  proto?: Proto,
): boolean {
  const wanted = normalizeAddress(address);
  const family = familyOf(wanted);
  return listeners.some(
    (l) =>
      (proto === undefined || l.proto === proto) &&
      (port === undefined || l.port === port) &&
      l.family === family &&
      (l.address === wanted || (isWildcard(l.address) && hostAddresses.has(wanted))),
  );
}
