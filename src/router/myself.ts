// "Is this address me?": a listen address (IP and port) or one of the configured domains. Kamailio's
// check_self, used by is-myself, loose routing and Record-Route handling.
import type { Transport } from '../transport/index.ts';

export class Myself {
  readonly #transport: Transport;
  readonly #domains: Set<string>;

  constructor(transport: Transport, domains: readonly string[]) {
    this.#transport = transport;
    this.#domains = new Set(domains.map((d) => d.toLowerCase()));
  }

  /**
   * True for a configured domain (any port) or a local IP listening on `port`. Without a port, a local IP
   * listening on any port: Kamailio's check_self passes port 0, which grep_sock_info takes as "any", so
   * `sip:127.0.0.1` is the server itself whatever port it listens on.
   */
  is(host: string, port: number | undefined): boolean {
    const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
    if (this.#domains.has(bare.toLowerCase())) return true;
    return this.#transport.isLocal(bare, port);
  }
}
