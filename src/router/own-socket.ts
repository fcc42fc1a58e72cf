// "Would this destination reach one of the server's own sockets?", asked of every relay destination (an IP
// literal, or the address a name resolved to). A script relaying to the server itself injects requests that
// a route (its own or another tenant's) sees as coming from the proxy, and loops: refused unless the
// operator sets relay_to_self. Stricter than Myself.is: the kernel delivers 0.0.0.0 and :: to the loopback
// interface, and a wildcard listener receives every local address, loopback range included.
import { BlockList, isIP } from 'node:net';
import type { NextHop } from '../tm/index.ts';
import { normalizeAddress, type Transport } from '../transport/index.ts';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

const UNSPECIFIED = new Set(['0.0.0.0', '::']);

/** True when `hop` (an IP literal) reaches a listener of `transport` on its protocol and port. */
export function isOwnSocket(transport: Transport, hop: NextHop): boolean {
  const address = normalizeAddress(hop.host);
  const family = isIP(address);
  if (family === 0) return false;
  if (transport.isLocal(address, hop.port, hop.proto)) return true;
  const listeners = transport.localAddresses.filter((l) => l.proto === hop.proto && l.port === hop.port);
  if (listeners.length === 0) return false;
  const loopback = UNSPECIFIED.has(address) || LOOPBACK.check(address, family === 4 ? 'ipv4' : 'ipv6');
  const wildcard = listeners.some((l) => UNSPECIFIED.has(l.address));
  if (wildcard) return loopback || transport.isLocal(address);
  // 0.0.0.0 and :: are delivered to the loopback address of their family.
  return UNSPECIFIED.has(address) && listeners.some((l) => LOOPBACK.check(l.address, `ipv${l.family}`));
}

/**
 * isOwnSocket remembered per protocol, address and port: the answer depends only on the listeners and the
 * host's addresses as found at start, which do not change while the server runs, and it is asked for
 * every relay (two or three times per call). Bounded: a script choosing destinations at will only makes
 * the cache start over.
 */
export class OwnSockets {
  readonly #transport: Transport;
  /** By protocol, host and port: no key string to build per relay. */
  readonly #known = new Map<string, Map<string, Map<number, boolean>>>();
  readonly #maxEntries: number;
  #entries = 0;

  constructor(transport: Transport, maxEntries = 1024) {
    this.#transport = transport;
    this.#maxEntries = maxEntries;
  }

  /** isOwnSocket(transport, hop). */
  reaches(hop: NextHop): boolean {
    const known = this.#known.get(hop.proto)?.get(hop.host)?.get(hop.port);
    if (known !== undefined) return known;
    const own = isOwnSocket(this.#transport, hop);
    if (++this.#entries > this.#maxEntries) {
      this.#known.clear();
      this.#entries = 1;
    }
    let byHost = this.#known.get(hop.proto);
    if (byHost === undefined) {
      byHost = new Map();
      this.#known.set(hop.proto, byHost);
    }
    let byPort = byHost.get(hop.host);
    if (byPort === undefined) {
      byPort = new Map();
      byHost.set(hop.host, byPort);
    }
    byPort.set(hop.port, own);
    return own;
  }
}
