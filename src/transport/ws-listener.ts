// One WebSocket listener (RFC 7118): a node:http server (ws:) or node:https server (wss:) whose upgrades
// become WsConnections. The `sip` subprotocol is required (RFC 7118 4.1): an upgrade without it is refused
// with an HTTP 400 naming the missing protocol, and a plain HTTP request gets 426 Upgrade Required; both are
// counted (wsUpgradesRefused). The owner applies the connection budgets before the handshake completes.
import { createServer as createHttpServer, type Server as HttpServer, type IncomingMessage } from 'node:http';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Result } from '../result.ts';
import { bindListener } from './bind-listener.ts';
import { familyOf, formatEndpoint } from './endpoint.ts';
import type { LocalAddress } from './local-addresses.ts';
import type { TransportContext } from './transport-context.ts';

/** wss: the TLS handshake on an accepted socket (the owner's, shared with tls:); undefined when it failed. */
export type SecureSocket = (socket: Socket) => Promise<Socket | undefined>;

export class WsListener {
  readonly local: LocalAddress;
  readonly #server: Server;
  readonly #http: HttpServer;
  readonly #wss: WebSocketServer;
  /** Every accepted socket until it closes: close() ends those still in a handshake too. */
  readonly #sockets: Set<Socket>;

  private constructor(
    server: Server,
    http: HttpServer,
    wss: WebSocketServer,
    sockets: Set<Socket>,
    local: LocalAddress,
  ) {
    this.#sockets = sockets;
    this.#server = server;
    this.#http = http;
    this.#wss = wss;
    this.local = local;
  }

  /**
   * Binds a ws: (no `tls`) or wss: listener. `admit` applies the connection budgets to an upgrade (false:
   * the socket is destroyed); `accept` receives each opened WebSocket with its socket.
   */
  static bind(
    proto: 'ws' | 'wss',
    address: string,
    port: number,
    specText: string,
    ctx: TransportContext,
    secure: SecureSocket | undefined,
    admit: (socket: Duplex) => boolean,
    accept: (ws: WebSocket, request: IncomingMessage, listener: WsListener) => void,
  ): Promise<Result<WsListener>> {
    // The HTTP server never listens itself: sockets reach it from a net server, after the TLS handshake for
    // wss: (so certificates, SNI, reload and handshake counting are the tls: listener's).
    const http = createHttpServer();
    const sockets = new Set<Socket>();
    const server = createNetServer({ noDelay: true }, (socket) => {
      socket.on('error', () => {}); // a reset before the upgrade must not crash the process
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      if (secure === undefined) http.emit('connection', socket);
      else
        void secure(socket).then((tlsSocket) => {
          if (tlsSocket !== undefined) http.emit('connection', tlsSocket);
        });
    });
    const wss = new WebSocketServer({
      noServer: true,
      maxPayload: ctx.limits.maxMessageBytes,
      handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false),
      perMessageDeflate: false,
    });
    const refuse = (why: string, remote: string) => {
      ctx.counters.wsUpgradesRefused++;
      ctx.logLimit.warn(
        ctx.log,
        'ws-upgrade-refused',
        { remote, local: `${proto}:${address}:${port}`, reason: why },
        'websocket upgrade refused',
      );
    };
    return bindListener(server, {
      proto,
      address,
      spec: specText,
      listen: (onBound) =>
        server.listen({ host: address, port, ipv6Only: familyOf(address) === 6, exclusive: true }, onBound),
      bound: () => {
        const bound = server.address();
        if (bound === null || typeof bound === 'string')
          throw new Error(`${proto} listener ${specText}: not an IP socket`);
        return bound;
      },
      adopt: (local) => {
        const listener = new WsListener(server, http, wss, sockets, local);
        http.on('request', (request, response) => {
          refuse('not a websocket upgrade', `${request.socket.remoteAddress}:${request.socket.remotePort}`);
          response.writeHead(426, {
            Upgrade: 'websocket',
            Connection: 'close',
            'Content-Type': 'text/plain',
          });
          response.end('426 Upgrade Required: this is a SIP WebSocket endpoint (subprotocol "sip")\n');
        });
        http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
          socket.on('error', () => {}); // a reset during the handshake must not crash the process
          const remote = `${request.socket.remoteAddress}:${request.socket.remotePort}`;
          const offered = String(request.headers['sec-websocket-protocol'] ?? '')
            .split(',')
            .map((p) => p.trim().toLowerCase());
          if (!offered.includes('sip')) {
            refuse('no sip subprotocol', remote);
            const body = 'the "sip" WebSocket subprotocol is required (RFC 7118)\n';
            socket.end(
              `HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
            );
            return;
          }
          if (!admit(socket)) {
            socket.destroy();
            return;
          }
          wss.handleUpgrade(request, socket, head, (ws) => accept(ws, request, listener));
        });
        server.on('error', (error: NodeJS.ErrnoException) => {
          ctx.counters.socketErrors++;
          ctx.logLimit.warn(
            ctx.log,
            'ws-listener-error',
            { local: `${proto}:${formatEndpoint(local)}`, code: error.code, err: error.message },
            'websocket listener error',
          );
        });
        return listener;
      },
    });
  }

  close(): Promise<void> {
    for (const client of this.#wss.clients) client.terminate();
    this.#wss.close();
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#http.closeAllConnections();
      for (const socket of this.#sockets) socket.destroy();
    });
  }
}
