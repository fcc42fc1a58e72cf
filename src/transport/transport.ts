// The transport layer's one object: owns the UDP and TCP listeners and the TCP connections, hands every
// received message to the caller with its Source, and sends bytes to an address or over a connection.
// It moves bytes only: no SIP parsing beyond stream framing, no routing.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { LogLimiter } from '../log-limit.ts';
import { err, ok, type Result } from '../result.ts';
import { ConnectionTable } from './connection-table.ts';
import { createCounters, type TransportCounters } from './counters.ts';
import {
  type Endpoint,
  familyOf,
  formatEndpoint,
  isWildcard,
  normalizeAddress,
  PROTOS,
  type Proto,
} from './endpoint.ts';
import { resolveLimits, type TransportLimits } from './limits.ts';
import { parseListenSpec } from './listen-spec.ts';
import { interfaceAddresses, type LocalAddress, matchesLocal } from './local-addresses.ts';
import { type Resolve, type ResolveError, resolveHost } from './resolve.ts';
import {
  type AddressTarget,
  isConnectionTarget,
  type SendDone,
  type SendError,
  type SendResult,
  type SendTarget,
  sendErrorCode,
  sendFailure,
} from './send-result.ts';
import type { Source } from './source.ts';
import type { FramingError } from './stream-framer.ts';
import { connectTcp } from './tcp-connect.ts';
import { type Connection, type Direction, TcpConnection } from './tcp-connection.ts';
import { TcpListener } from './tcp-listener.ts';
import type { TlsContexts } from './tls-contexts.ts';
import { connectTls, secureInbound } from './tls-handshake.ts';
import type { TransportContext, WireTap } from './transport-context.ts';
import { UdpListener } from './udp-listener.ts';
import { WsConnection } from './ws-connection.ts';
import type { WsListener } from './ws-listener.ts';

export interface TransportOptions {
  /**
   * Listen specs: `udp:127.0.0.1:5060`, `tcp:[::1]:5060`, `tls:0.0.0.0:5061`, `ws:127.0.0.1:8080`,
   * `wss:[::]:8443`, port 0 for any free port. At least one.
   */
  readonly listen: readonly string[];
  /** Certificates for tls:/wss: listeners and the CAs outbound TLS verifies with; required for those listeners. */
  readonly tls?: TlsContexts;
  readonly logger: Logger;
  /** Every received message: a whole UDP datagram or one framed TCP message. */
  readonly onMessage: (bytes: Buffer, source: Source) => void;
  /**
   * A TCP stream that cannot be framed. Called before the connection is closed: a reply sent from inside
   * this handler (`send({ connectionId: source.connectionId }, bytes)`) goes out before the FIN.
   */
  readonly onFramingError?: (error: FramingError, source: Source) => void;
  /** Overrides of DEFAULT_LIMITS. */
  readonly limits?: Partial<TransportLimits>;
  /** Host name resolution for listen specs and send targets; default: the OS resolver. */
  readonly resolve?: Resolve;
  /** Rate limit of the lines peers can cause (one per datagram, connection or send); default limits when absent. */
  readonly logLimit?: LogLimiter;
  /**
   * UDP listen specs bound with SO_REUSEPORT: each worker thread binds the same address and the kernel
   * spreads the flows over them (src/workers/, docs/workers.md). Absent: every socket is exclusive.
   */
  readonly reusePort?: ReadonlySet<string>;
}

export interface ConnectionInfo {
  readonly id: number;
  readonly direction: Direction;
  readonly remote: Endpoint;
  readonly local: Endpoint;
}

type Listener = UdpListener | TcpListener | WsListener;

export class Transport {
  readonly #counters = createCounters();
  readonly limits: TransportLimits;
  readonly #options: TransportOptions;
  readonly #log: Logger;
  readonly #ctx: TransportContext;
  readonly #listeners: Listener[] = [];
  readonly #connections = new ConnectionTable();
  /** Outgoing connects in progress, by protocol and remote endpoint, so concurrent sends share one connection. */
  readonly #connecting = new Map<string, Promise<Result<Connection, SendError>>>();
  /** Inbound TLS handshakes in progress, in total and per remote IP: they count against the inbound budgets. */
  readonly #handshaking = new Map<string, number>();
  #handshakingTotal = 0;
  readonly #abort = new AbortController();
  readonly #hostAddresses = interfaceAddresses();
  /** #udpListener's answers, the IPv4 and the IPv6 listener: by local endpoint object, and for any. */
  readonly #udpByLocal = new WeakMap<Endpoint, [UdpListener | undefined, UdpListener | undefined]>();
  #udpFromAny: [UdpListener | undefined, UdpListener | undefined] | undefined;
  #nextConnectionId = 1;
  #closing: Promise<void> | undefined;

  private constructor(options: TransportOptions, limits: TransportLimits) {
    this.#options = options;
    this.limits = limits;
    this.#log = options.logger.child({ component: 'transport' });
    const counters = this.#counters;
    const log = this.#log;
    const logLimit = options.logLimit ?? new LogLimiter();
    this.#ctx = {
      tap: undefined,
      limits,
      counters,
      log,
      logLimit,
      deliver: (bytes, source) => {
        try {
          options.onMessage(bytes, source);
        } catch (err) {
          counters.handlerErrors++;
          logLimit.error(
            log,
            'handler-error',
            { err, proto: source.proto, remote: formatEndpoint(source.remote) },
            'onMessage threw',
          );
        }
      },
      framingError: (error, source) => {
        try {
          options.onFramingError?.(error, source);
        } catch (err) {
          counters.handlerErrors++;
          logLimit.error(
            log,
            'handler-error',
            { err, remote: formatEndpoint(source.remote) },
            'onFramingError threw',
          );
        }
      },
    };
  }

  /** Parses the listen specs, binds every listener, and fails as a whole (nothing left open) if one cannot. */
  static async start(options: TransportOptions): Promise<Result<Transport>> {
    const limits = resolveLimits(options.limits);
    if (!limits.ok) return limits;
    if (options.listen.length === 0) return err('transport: no listen specs given');
    const specs = [];
    for (const text of options.listen) {
      const parsed = parseListenSpec(text);
      if (!parsed.ok) return parsed;
      specs.push({ text, ...parsed.value });
    }

    const transport = new Transport(options, limits.value);
    for (const spec of specs) {
      const host = await transport.#resolve(spec.host, [4, 6]);
      if (!host.ok) {
        await transport.close();
        return err(`listen spec '${spec.text}': ${host.error.message}`);
      }
      const bound = await transport.#bind(spec.proto, host.value, spec.port, spec.text);
      if (!bound.ok) {
        await transport.close();
        return bound;
      }
      transport.#listeners.push(bound.value);
      transport.#log.info(
        { proto: spec.proto, local: formatEndpoint(bound.value.local), spec: spec.text },
        'listening',
      );
    }
    return ok(transport);
  }

  #bind(proto: Proto, address: string, port: number, text: string): Promise<Result<Listener>> {
    const ctx = this.#ctx;
    if (proto === 'udp')
      return UdpListener.bind(address, port, text, ctx, this.#options.reusePort?.has(text) ?? false);
    const tls = this.#options.tls;
    if ((proto === 'tls' || proto === 'wss') && !tls?.hasCertificate(text)) {
      return Promise.resolve(
        err(`listen spec '${text}': no certificate for it (configure [[tls.certificates]])`),
      );
    }
    if (proto === 'tcp' || proto === 'tls') {
      return TcpListener.bind(address, port, text, ctx, (socket, l) => this.#accept(socket, l), proto);
    }
    // wss: the budgets apply at accept (before the TLS handshake) and again at the upgrade.
    const local = `${proto}:${address}:${port}`;
    const secure =
      proto === 'wss'
        ? (socket: Socket) => {
            if (this.#admit(socket, local)) return this.#handshake(socket, text);
            socket.destroy();
            return Promise.resolve(undefined);
          }
        : undefined;
    // Imported with the first ws/wss listener: the ws package stays out of a server without one.
    return import('./ws-listener.ts').then(({ WsListener }) =>
      WsListener.bind(
        proto,
        address,
        port,
        text,
        ctx,
        secure,
        (socket) => this.#admit(socket as Socket, local),
        (ws, request, l) => this.#acceptWs(ws, request, l),
      ),
    );
  }

  /** Reads the TLS certificates and CAs again (SIGHUP); new handshakes use them, open connections stay. */
  reloadTls(): Result<void> {
    const tls = this.#options.tls;
    if (tls === undefined) return err('tls: no certificates configured');
    const reloaded = tls.reload();
    if (reloaded.ok) this.#log.info('tls certificates reloaded');
    else this.#log.error({ reason: reloaded.error }, 'tls reload failed, the previous certificates stay');
    return reloaded;
  }

  /** Tells `tap` of every message written to a socket from now on (the message trace). */
  set wireTap(tap: WireTap | undefined) {
    this.#ctx.tap = tap;
  }

  /** Live counters: plain numbers, read them at any time. */
  get counters(): Readonly<TransportCounters> {
    return this.#counters;
  }

  /** What the listeners are bound to, in listen-spec order, with the actual port when 0 was asked for. */
  get localAddresses(): readonly LocalAddress[] {
    return this.#listeners.map((l) => l.local);
  }

  /**
   * Whether an IP literal (and port, and protocol, when given) is one of this transport's listen addresses;
   * a wildcard listener matches this host's interface addresses as found at start. Host names are not
   * matched: the caller compares them with its configured domains.
   */
  isLocal(address: string, port?: number, proto?: Proto): boolean {
    if (!isIP(address)) return false;
    return matchesLocal(this.localAddresses, this.#hostAddresses, address, port, proto);
  }

  /** Open TCP connections, inbound and outbound. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  connection(id: number): ConnectionInfo | undefined {
    const c = this.#connections.get(id);
    return c && { id: c.id, direction: c.direction, remote: c.remote, local: c.local };
  }

  /** Closes one TCP connection at once; false if there was no such open connection. */
  async closeConnection(id: number): Promise<boolean> {
    const connection = this.#connections.get(id);
    if (!connection?.open) return false;
    await connection.close();
    return true;
  }

  /**
   * Sends one message. `done`, when given, hears how it went: once, never before send returned, never a
   * throw. Every failure, from an unresolvable name to a refused connect or a connection closed under the
   * write, is an `{ ok: false, error }` naming the target; on success `value` says where the bytes went.
   * Failures are counted and logged here whether or not anyone listens. UDP to an IP literal makes no
   * Promise (the per-datagram path); names and connections take the general, asynchronous path.
   */
  send(target: SendTarget, bytes: Buffer, done?: SendDone): void {
    if (
      !isConnectionTarget(target) &&
      target.proto === 'udp' &&
      this.#closing === undefined &&
      this.#sendUdpToLiteral(target, bytes, done)
    ) {
      return;
    }
    const sending = this.#send(target, bytes);
    if (done !== undefined) void sending.then(done);
  }

  /**
   * The per-datagram case, without the general path's resolution and listener search: UDP to an IP literal
   * from a listener that is there. False when the general path must decide (names, bad ports, no listener
   * for the family), which then also words the failure.
   */
  #sendUdpToLiteral(target: AddressTarget, bytes: Buffer, done: SendDone | undefined): boolean {
    const { address, port } = target;
    if (!Number.isInteger(port) || port < 1 || port > 65535 || isIP(address) === 0) return false;
    const normalized = normalizeAddress(address);
    const remote: Endpoint = { address: normalized, port };
    const listener = this.#udpListener(target.local, familyOf(normalized));
    if (listener === undefined) return false;
    // The target's text is made only on a failure, from `remote`, unless the caller spelled it otherwise.
    const text =
      normalized === address ? undefined : `udp:${address.includes(':') ? `[${address}]` : address}:${port}`;
    listener.send(bytes, remote, done, text);
    return true;
  }

  /**
   * The UDP listener a send from `local` (any when undefined) to an address of `family` leaves from, as
   * #sendToAddress picks it. Remembered: the listeners do not change once the transport started.
   */
  #udpListener(local: Endpoint | undefined, family: 4 | 6): UdpListener | undefined {
    // By the endpoint object (senders pass a listener's own `local`), no key string per datagram.
    let byFamily = local === undefined ? this.#udpFromAny : this.#udpByLocal.get(local);
    if (byFamily === undefined) {
      const address = local && normalizeAddress(local.address);
      const candidates = this.#listeners.filter(
        (l) =>
          l.local.proto === 'udp' &&
          (local === undefined || (l.local.port === local.port && l.local.address === address)),
      );
      const pick = (f: 4 | 6) => candidates.find((l) => l.local.family === f);
      const v4 = pick(4);
      const v6 = pick(6);
      byFamily = [v4 instanceof UdpListener ? v4 : undefined, v6 instanceof UdpListener ? v6 : undefined];
      if (local === undefined) this.#udpFromAny = byFamily;
      else this.#udpByLocal.set(local, byFamily);
    }
    return byFamily[family === 4 ? 0 : 1];
  }

  async #send(target: SendTarget, bytes: Buffer): Promise<SendResult> {
    if (isConnectionTarget(target)) {
      const text = `connection ${target.connectionId}`;
      if (this.#closing) return this.#closed('tcp', text);
      const connection = this.#connections.get(target.connectionId);
      if (!connection) {
        return this.#fail(
          'tcp',
          sendFailure('connection-closed', text, `send to ${text}: no such open connection`),
        );
      }
      return connection.send(bytes, text);
    }
    return this.#sendToAddress(target, bytes);
  }

  /** Closes listeners and connections, cancels pending connects; resolves when all are closed. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#abort.abort();
      await Promise.all([
        ...this.#connections.all().map((c) => c.close()),
        ...this.#listeners.map((l) => l.close()),
        ...[...this.#connecting.values()].map((p) => p.then(() => undefined)),
      ]);
      this.#log.info('transport closed');
    })();
    return this.#closing;
  }

  async #sendToAddress(target: AddressTarget, bytes: Buffer): Promise<SendResult> {
    const { proto } = target;
    const text = `${proto}:${isIP(target.address) === 6 ? `[${target.address}]` : target.address}:${target.port}`;
    if (!PROTOS.includes(proto)) {
      return this.#fail(
        undefined,
        sendFailure('invalid-target', text, `send to ${text}: unknown protocol '${proto}'`),
      );
    }
    if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535 || target.address === '') {
      return this.#fail(
        proto,
        sendFailure('invalid-target', text, `send to ${text}: not a valid address and port`),
      );
    }
    if (this.#closing) return this.#closed(proto, text);

    if (proto !== 'udp' && target.connectionId !== undefined) {
      const connection = this.#connections.get(target.connectionId);
      if (connection?.open) return connection.send(bytes, text);
    }

    // A ws next hop may be a wss connection: Record-Route and aliases write transport=ws for both (RFC 7118).
    const kinds: readonly Proto[] = proto === 'ws' || proto === 'wss' ? ['ws', 'wss'] : [proto];
    const candidates = this.#listeners.filter(
      (l) =>
        kinds.includes(l.local.proto) &&
        (target.local === undefined ||
          (l.local.port === target.local.port && l.local.address === normalizeAddress(target.local.address))),
    );
    const families = [...new Set(candidates.map((l) => l.local.family))];
    if (families.length === 0 && proto !== 'tls') {
      const from = target.local ? ` from ${proto}:${formatEndpoint(target.local)}` : '';
      return this.#fail(
        proto,
        sendFailure('no-listener', text, `send to ${text}${from}: no ${proto} listener`),
      );
    }
    const resolved = await this.#resolve(target.address, families.length === 0 ? [4, 6] : families);
    if (!resolved.ok) {
      const { systemCode, message } = resolved.error;
      return this.#fail(
        proto,
        sendFailure(sendErrorCode(systemCode), text, `send to ${text}: ${message}`, systemCode),
      );
    }
    if (this.#closing) return this.#closed(proto, text);
    const remote: Endpoint = { address: resolved.value, port: target.port };
    const listener = candidates.find((l) => l.local.family === familyOf(remote.address));
    if (!listener && proto !== 'tls') {
      return this.#fail(
        proto,
        sendFailure(
          'no-listener',
          text,
          `send to ${text}: no ${proto} listener for IPv${familyOf(remote.address)}`,
        ),
      );
    }
    if (proto === 'udp') {
      if (listener instanceof UdpListener)
        return new Promise((done) => listener.send(bytes, remote, done, text));
      return this.#fail(proto, sendFailure('no-listener', text, `send to ${text}: no udp listener`));
    }

    const existing = this.#connections.find(kinds, remote);
    if (existing) return existing.send(bytes, text);
    if (target.noConnect || proto === 'ws' || proto === 'wss') {
      // WebSocket peers are browsers: they cannot be dialled, only reached over the connection they opened.
      const why = target.noConnect
        ? 'no-connect'
        : 'websocket peers are reached only over their own connection';
      return this.#fail(
        proto,
        sendFailure('connection-closed', text, `send to ${text}: no open connection (${why})`),
      );
    }
    const from =
      listener === undefined || isWildcard(listener.local.address) ? undefined : listener.local.address;
    const servername = isIP(target.address) === 0 ? target.address : undefined;
    const opened = await this.#connect(proto, remote, from, text, servername, target.secure === true);
    return opened.ok ? opened.value.send(bytes, text) : opened;
  }

  /**
   * Opens (or joins an opening of) a TCP or TLS connection to `remote`, bound to `from`. TLS without a tls:
   * listener leaves from an address the OS picks; its certificate is verified unless the config turned that
   * off, and always for sips: (`secure`).
   */
  #connect(
    proto: 'tcp' | 'tls',
    remote: Endpoint,
    from: string | undefined,
    text: string,
    servername: string | undefined,
    secure: boolean,
  ): Promise<Result<Connection, SendError>> {
    const key = `${proto}:${formatEndpoint(remote)}${servername === undefined ? '' : `/${servername}`}`;
    const pending = this.#connecting.get(key);
    if (pending) return pending;
    const { maxOutboundConnections, connectTimeoutMs } = this.limits;
    if (this.#connections.count('outbound') + this.#connecting.size >= maxOutboundConnections) {
      this.#counters.outboundRefused++;
      return Promise.resolve(
        this.#fail(
          proto,
          sendFailure(
            'too-many-connections',
            text,
            `send to ${text}: maxOutboundConnections (${maxOutboundConnections}) reached`,
          ),
        ),
      );
    }
    const tls = this.#options.tls;
    const verify = secure || (tls?.settings.verifyServer ?? true);
    const connecting =
      proto === 'tcp'
        ? connectTcp(remote, from, connectTimeoutMs, this.#abort.signal)
        : connectTls(remote, from, servername, tls, verify, connectTimeoutMs, this.#abort.signal);
    const opening = connecting.then((result): Result<Connection, SendError> => {
      this.#connecting.delete(key);
      if (!result.ok) {
        if (this.#closing) return this.#closed(proto, text);
        const { systemCode, timedOut } = result.error;
        if ('verify' in result.error && !timedOut && !isSocketCode(systemCode)) {
          this.#counters.tlsHandshakeFailures++;
          if (result.error.verify) this.#counters.tlsVerifyFailures++;
          const what = result.error.verify ? 'certificate not verified' : 'handshake failed';
          return this.#fail(
            proto,
            sendFailure(
              'tls-handshake',
              text,
              `tls to ${text}: ${what}: ${systemCode} (${result.error.reason})`,
              systemCode,
            ),
          );
        }
        const code = timedOut ? 'connect-timeout' : sendErrorCode(systemCode);
        const why = timedOut ? `no answer within connectTimeoutMs (${connectTimeoutMs})` : systemCode;
        return this.#fail(proto, sendFailure(code, text, `connect to ${text} failed: ${why}`, systemCode));
      }
      if (this.#closing) {
        result.value.destroy();
        return this.#closed(proto, text);
      }
      const connection = this.#adopt(result.value, 'outbound', proto);
      this.#counters.connectionsOpened++;
      return ok(connection);
    });
    this.#connecting.set(key, opening);
    return opening;
  }

  /**
   * Whether a new inbound connection from the socket's IP fits the budgets (handshakes in progress count);
   * when not, it is counted and logged, and the caller destroys it.
   */
  #admit(socket: Socket, local: string): boolean {
    if (this.#closing || socket.remoteAddress === undefined) return false;
    const ip = normalizeAddress(socket.remoteAddress);
    const { maxInboundConnections, maxConnectionsPerIp } = this.limits;
    const full = this.#connections.count('inbound') + this.#handshakingTotal >= maxInboundConnections;
    const fromIp = this.#connections.inboundFrom(ip) + (this.#handshaking.get(ip) ?? 0);
    const perIp = maxConnectionsPerIp > 0 && fromIp >= maxConnectionsPerIp;
    if (!full && !perIp) return true;
    this.#counters.connectionsRejected++;
    if (!full) this.#counters.connectionsRejectedPerIp++;
    const limit = full
      ? `maxInboundConnections (${maxInboundConnections})`
      : `maxConnectionsPerIp (${maxConnectionsPerIp})`;
    this.#ctx.logLimit.warn(
      this.#log,
      'tcp-connection-rejected',
      { remote: `${ip}:${socket.remotePort}`, local, limit },
      // "tcp connection rejected", "tls ...", "wss ...": the listener's protocol first.
      `${local.slice(0, local.indexOf(':'))} connection rejected`,
    );
    return false;
  }

  #accept(socket: Socket, listener: TcpListener): void {
    socket.on('error', () => {}); // a reset before adoption must not crash the process
    const proto = listener.local.proto === 'tls' ? 'tls' : 'tcp';
    if (!this.#admit(socket, `${proto}:${formatEndpoint(listener.local)}`)) {
      socket.destroy();
      return;
    }
    if (proto === 'tcp') {
      this.#adopt(socket, 'inbound', 'tcp');
      this.#counters.connectionsAccepted++;
      return;
    }
    void this.#handshake(socket, listener.local.spec).then((secured) => {
      if (secured === undefined) return;
      this.#adopt(secured, 'inbound', 'tls');
      this.#counters.connectionsAccepted++;
    });
  }

  /** The server side of TLS on an accepted socket (tls: and wss:), counted against the inbound budgets meanwhile. */
  async #handshake(socket: Socket, spec: string): Promise<Socket | undefined> {
    const tls = this.#options.tls;
    if (tls === undefined || socket.remoteAddress === undefined) {
      socket.destroy();
      return undefined;
    }
    const ip = normalizeAddress(socket.remoteAddress);
    const remote = `${ip}:${socket.remotePort}`;
    this.#handshakingTotal++;
    this.#handshaking.set(ip, (this.#handshaking.get(ip) ?? 0) + 1);
    const secured = await secureInbound(socket, tls, spec, this.limits.connectTimeoutMs);
    this.#handshakingTotal--;
    const left = (this.#handshaking.get(ip) ?? 1) - 1;
    if (left > 0) this.#handshaking.set(ip, left);
    else this.#handshaking.delete(ip);
    if (secured.ok && !this.#closing) return secured.value;
    if (secured.ok) {
      secured.value.destroy();
      return undefined;
    }
    this.#counters.tlsHandshakeFailures++;
    this.#ctx.logLimit.warn(
      this.#log,
      'tls-handshake-failed',
      { remote, spec, code: secured.error.systemCode, reason: secured.error.reason },
      'inbound tls handshake failed',
    );
    return undefined;
  }

  #acceptWs(ws: WebSocket, request: IncomingMessage, listener: WsListener): void {
    const proto = listener.local.proto === 'wss' ? 'wss' : 'ws';
    const connection = new WsConnection(this.#nextConnectionId++, proto, ws, request.socket, this.#ctx, (c) =>
      this.#connections.remove(c),
    );
    this.#connections.add(connection);
    this.#counters.connectionsAccepted++;
    this.#log.debug(
      { connectionId: connection.id, proto, remote: formatEndpoint(connection.remote) },
      'websocket open',
    );
  }

  #adopt(socket: Socket, direction: Direction, proto: 'tcp' | 'tls'): TcpConnection {
    const connection = new TcpConnection(
      this.#nextConnectionId++,
      socket,
      direction,
      this.#ctx,
      (c) => this.#connections.remove(c),
      proto,
    );
    this.#connections.add(connection);
    this.#log.debug(
      { connectionId: connection.id, proto, direction, remote: formatEndpoint(connection.remote) },
      'connection open',
    );
    return connection;
  }

  /** IP literals are used as they are; only names go to the resolver. */
  #resolve(host: string, families: readonly (4 | 6)[]): Promise<Result<string, ResolveError>> {
    if (isIP(host)) return Promise.resolve(ok(normalizeAddress(host)));
    return (this.#options.resolve ?? resolveHost)(host, families);
  }

  #closed(proto: Proto, text: string): Result<never, SendError> {
    return this.#fail(proto, sendFailure('transport-closed', text, `send to ${text}: transport is closed`));
  }

  #fail(proto: Proto | undefined, failure: Result<never, SendError>): Result<never, SendError> {
    if (!failure.ok) {
      if (proto) this.#counters[proto].sendErrors++;
      const { target, code, systemCode } = failure.error;
      this.#ctx.logLimit.warn(
        this.#log,
        'transport-send-failed',
        { target, kind: code, code: systemCode },
        'send failed',
      );
    }
    return failure;
  }
}

/** Socket-level codes, as opposed to TLS ones: a refused or reset connect is not a handshake failure. */
function isSocketCode(code: string): boolean {
  return /^E[A-Z]+$/.test(code);
}
