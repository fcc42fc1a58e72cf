// Open TCP, TLS and WebSocket connections, by id and by remote address:port, so a reply or a later request to the same peer
// reuses the connection (RFC 3261 18.2.2, RFC 5923 style reuse) instead of opening another.
import { type Endpoint, formatEndpoint, normalizeAddress, type Proto } from './endpoint.ts';
import type { Connection, Direction } from './tcp-connection.ts';

export class ConnectionTable {
  readonly #byId = new Map<number, Connection>();
  readonly #byRemote = new Map<string, Set<Connection>>();
  readonly #inboundPerIp = new Map<string, number>();
  /** Open connections by direction: each has its own budget (limits.ts). */
  readonly #byDirection = { inbound: 0, outbound: 0 };

  get size(): number {
    return this.#byId.size;
  }

  add(connection: Connection): void {
    this.#byId.set(connection.id, connection);
    const key = formatEndpoint(connection.remote);
    let peers = this.#byRemote.get(key);
    if (!peers) {
      peers = new Set();
      this.#byRemote.set(key, peers);
    }
    peers.add(connection);
    this.#byDirection[connection.direction]++;
    if (connection.direction === 'inbound') {
      const ip = connection.remote.address;
      this.#inboundPerIp.set(ip, (this.#inboundPerIp.get(ip) ?? 0) + 1);
    }
  }

  remove(connection: Connection): void {
    if (this.#byId.get(connection.id) !== connection) return;
    this.#byId.delete(connection.id);
    const key = formatEndpoint(connection.remote);
    const peers = this.#byRemote.get(key);
    peers?.delete(connection);
    if (peers?.size === 0) this.#byRemote.delete(key);
    this.#byDirection[connection.direction]--;
    if (connection.direction === 'inbound') {
      const ip = connection.remote.address;
      const left = (this.#inboundPerIp.get(ip) ?? 1) - 1;
      if (left > 0) this.#inboundPerIp.set(ip, left);
      else this.#inboundPerIp.delete(ip);
    }
  }

  get(id: number): Connection | undefined {
    return this.#byId.get(id);
  }

  /** The newest open connection to `remote` over one of `protos`, whichever end opened it. */
  find(protos: readonly Proto[], remote: Endpoint): Connection | undefined {
    const peers = this.#byRemote.get(
      formatEndpoint({ address: normalizeAddress(remote.address), port: remote.port }),
    );
    let newest: Connection | undefined;
    for (const connection of peers ?? [])
      if (connection.open && protos.includes(connection.proto)) newest = connection;
    return newest;
  }

  count(direction: Direction): number {
    return this.#byDirection[direction];
  }

  inboundFrom(ip: string): number {
    return this.#inboundPerIp.get(ip) ?? 0;
  }

  all(): Connection[] {
    return [...this.#byId.values()];
  }
}
