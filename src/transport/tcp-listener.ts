// One listening TCP socket (tcp: or tls:; the owner runs the TLS handshake on accepted sockets). Accepted sockets go to the owner, which applies the connection limits.
import { createServer, type Server, type Socket } from 'node:net';
import type { Result } from '../result.ts';
import { bindListener } from './bind-listener.ts';
import { familyOf, formatEndpoint } from './endpoint.ts';
import type { LocalAddress } from './local-addresses.ts';
import type { TransportContext } from './transport-context.ts';

export class TcpListener {
  readonly local: LocalAddress;
  readonly #server: Server;

  private constructor(server: Server, local: LocalAddress) {
    this.#server = server;
    this.local = local;
  }

  /** Binds `address` (an IP literal) and `port`; each accepted socket is passed to `accept`. */
  static bind(
    address: string,
    port: number,
    specText: string,
    ctx: TransportContext,
    accept: (socket: Socket, listener: TcpListener) => void,
    proto: 'tcp' | 'tls' = 'tcp',
  ): Promise<Result<TcpListener>> {
    const server = createServer({ noDelay: true });
    return bindListener(server, {
      proto,
      address,
      spec: specText,
      // IPv6 listeners are v6-only so that `tcp:0.0.0.0:P` and `tcp:[::]:P` can both be listed.
      listen: (onBound) =>
        server.listen({ host: address, port, ipv6Only: familyOf(address) === 6, exclusive: true }, onBound),
      bound: () => {
        const bound = server.address();
        if (bound === null || typeof bound === 'string')
          throw new Error(`${proto} listener ${specText}: not an IP socket`);
        return bound;
      },
      adopt: (local) => {
        const listener = new TcpListener(server, local);
        server.on('connection', (socket) => accept(socket, listener));
        server.on('error', (err: NodeJS.ErrnoException) => {
          ctx.counters.socketErrors++;
          // Accept failures (EMFILE ...) come once per connection attempt: limited like the rest.
          ctx.logLimit.warn(
            ctx.log,
            'tcp-listener-error',
            { local: `${proto}:${formatEndpoint(local)}`, code: err.code, err: err.message },
            'tcp listener error',
          );
        });
        return listener;
      },
    });
  }

  /** Stops accepting; resolves once the server has closed (its connections are closed by the owner). */
  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
