// Which listener a request leaves from, and the address that names it in Via and Record-Route: the
// listener the request arrived on when protocol and address family fit (replies and in-dialog requests
// then come back the way the caller reached us), else the first listener of that protocol and family.
// A wildcard listener is named by a concrete address: the one the request arrived on, else the first
// interface address of the family (this host's addresses, as read at start).
import { networkInterfaces } from 'node:os';
import type { OutboundInterface } from '../tm/index.ts';
import type { LocalAddress, Proto, Source, Transport } from '../transport/index.ts';

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

export class OutboundInterfaces {
  readonly #transport: Transport;
  readonly #named = new Map<4 | 6, string>();

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** The listener for a request to `host` over `proto`, preferring the one `near` arrived on. */
  pick(proto: Proto, host: string, near: Source): OutboundInterface | undefined {
    const family = familyOf(host);
    const listeners = this.#transport.localAddresses;
    const here = near.local;
    // transport=ws names both WebSocket flavours: either listener will do, ws first.
    const kinds: readonly Proto[] = proto === 'ws' ? ['ws', 'wss'] : [proto];
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
    const chosen = {
      listener: { address: listener.address, port: listener.port },
      address,
      port: listener.port,
    };
    return listener.proto === proto ? chosen : { ...chosen, proto: listener.proto };
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
