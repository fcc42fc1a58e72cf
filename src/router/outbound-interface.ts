// Which listener a request leaves from, and the address that names it in Via and Record-Route: the
// listener the request arrived on when protocol and address family fit (replies and in-dialog requests
// then come back the way the caller reached us), else the first listener of that protocol and family.
// A wildcard listener is named by a concrete address: the one the request arrived on, else the first
// interface address of the family (this host's addresses, as read at start).
import { networkInterfaces } from 'node:os';
import type { OutboundInterface } from '../tm/index.ts';
import type { Endpoint, LocalAddress, Proto, Source, Transport } from '../transport/index.ts';

const isWildcard = (address: string) => address === '0.0.0.0' || address === '::';
// Only IPv6 literals hold a colon (host names and IPv4 never do): cheaper than net.isIPv6's regex.
const familyOf = (address: string): 4 | 6 => (address.includes(':') ? 6 : 4);

function firstInterfaceAddress(family: 4 | 6): string {
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (
        !entry.internal &&
        entry.family === (family === 4 ? 'IPv4' : 'IPv6') &&
        !entry.address.startsWith('fe80')
      ) {
        return entry.address;
      }
    }
  }
  return family === 4 ? '127.0.0.1' : '::1';
}

const WEBSOCKETS: readonly Proto[] = ['ws', 'wss'];
/** The listener protocols a next hop's protocol may leave from (transport=ws names both WebSocket flavours). */
const ONLY: Record<Proto, readonly Proto[]> = {
  udp: ['udp'],
  tcp: ['tcp'],
  tls: ['tls'],
  ws: ['ws'],
  wss: ['wss'],
};

export class OutboundInterfaces {
  readonly #transport: Transport;
  readonly #named = new Map<4 | 6, string>();
  readonly #replyPorts: ReadonlyMap<string, LocalAddress> | undefined;
  #listeners: readonly LocalAddress[] | undefined;
  /**
   * The endpoint each listener is sent from, one object per listener: the transport finds a datagram's
   * socket by this object (transport.ts #udpListener), so a new one per request missed its cache on every
   * send and grew its WeakMap by a key per relayed request.
   */
  readonly #endpoints = new WeakMap<LocalAddress, Endpoint>();

  /**
   * `replyPorts`: in a worker thread, the private UDP socket of each shared listener (keyed `address:port`
   * of the shared one): requests leave from it and our Via names its port, so the next hop's responses
   * come to this worker; Record-Route still names the shared listener (docs/workers.md).
   */
  constructor(transport: Transport, replyPorts?: ReadonlyMap<string, LocalAddress>) {
    this.#transport = transport;
    this.#replyPorts = replyPorts;
  }

  /** The listener for a request to `host` over `proto`, preferring the one `near` arrived on. */
  pick(proto: Proto, host: string, near: Source): OutboundInterface | undefined {
    const family = familyOf(host);
    // The transport's listeners are fixed once it started (it was, to be handed here): read once.
    this.#listeners ??= this.#transport.localAddresses;
    const listeners = this.#listeners;
    const here = near.local;
    // transport=ws names both WebSocket flavours: either listener will do, ws first.
    const kinds = proto === 'ws' ? WEBSOCKETS : ONLY[proto];
    // A TCP connection's local end is a concrete address even on a wildcard listener: find the listener.
    let listener: LocalAddress | undefined = kinds.includes(near.proto)
      ? listeners.find(
          (l) =>
            l.proto === near.proto &&
            l.family === family &&
            l.port === here.port &&
            (l.address === here.address || isWildcard(l.address)),
        )
      : undefined;
    for (const kind of kinds) listener ??= listeners.find((l) => l.proto === kind && l.family === family);
    if (listener === undefined) return undefined;
    let address = listener.address;
    if (isWildcard(address)) {
      address =
        !isWildcard(here.address) && familyOf(here.address) === family ? here.address : this.#name(family);
    }
    const reply =
      listener.proto === 'udp' ? this.#replyPorts?.get(`${listener.address}:${listener.port}`) : undefined;
    const chosen = reply
      ? { listener: this.#endpoint(reply), address, port: listener.port, viaPort: reply.port }
      : { listener: this.#endpoint(listener), address, port: listener.port };
    return listener.proto === proto ? chosen : { ...chosen, proto: listener.proto };
  }

  #endpoint(listener: LocalAddress): Endpoint {
    let endpoint = this.#endpoints.get(listener);
    if (endpoint === undefined) {
      endpoint = { address: listener.address, port: listener.port };
      this.#endpoints.set(listener, endpoint);
    }
    return endpoint;
  }

  #name(family: 4 | 6): string {
    let address = this.#named.get(family);
    if (address === undefined) {
      address = firstInterfaceAddress(family);
      this.#named.set(family, address);
    }
    return address;
  }
}
