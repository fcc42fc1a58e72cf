// One TCP or TLS connection (a TLSSocket is a Socket), accepted or opened: frames the incoming stream into messages, answers keep-alive
// pings, enforces the idle and message-completion timeouts and queues outgoing messages with a bound on unread bytes.
import type { Socket } from 'node:net';
import { ok } from '../result.ts';
import { type Endpoint, formatEndpoint, normalizeAddress, type StreamProto } from './endpoint.ts';
import { type SendResult, sendErrorCode, sendFailure } from './send-result.ts';
import type { Source } from './source.ts';
import { type FrameEvent, StreamFramer } from './stream-framer.ts';
import type { TransportContext } from './transport-context.ts';

export type Direction = 'inbound' | 'outbound';

/** What the connection table and the transport need of a connection, whatever carries it. */
export interface Connection {
  readonly id: number;
  readonly proto: StreamProto;
  readonly direction: Direction;
  readonly remote: Endpoint;
  readonly local: Endpoint;
  readonly source: Source;
  readonly open: boolean;
  send(bytes: Buffer, target: string): Promise<SendResult>;
  close(): Promise<void>;
}

const PONG = Buffer.from('\r\n', 'latin1');

export class TcpConnection implements Connection {
  readonly id: number;
  readonly proto: 'tcp' | 'tls';
  readonly direction: Direction;
  readonly remote: Endpoint;
  readonly local: Endpoint;
  readonly source: Source;
  readonly #socket: Socket;
  readonly #ctx: TransportContext;
  readonly #framer: StreamFramer;
  readonly #closed: Promise<void>;
  #closing = false;
  #linger: NodeJS.Timeout | undefined;
  /** Runs from the first byte of an incomplete message until it completes (limits.messageTimeoutMs). */
  #incomplete: NodeJS.Timeout | undefined;

  /** `socket` must be connected. `onClosed` runs once when the socket has closed, for any reason. */
  constructor(
    id: number,
    socket: Socket,
    direction: Direction,
    ctx: TransportContext,
    onClosed: (c: TcpConnection) => void,
    proto: 'tcp' | 'tls' = 'tcp',
  ) {
    this.id = id;
    this.proto = proto;
    this.direction = direction;
    this.#socket = socket;
    this.#ctx = ctx;
    this.remote = { address: normalizeAddress(socket.remoteAddress ?? ''), port: socket.remotePort ?? 0 };
    this.local = { address: normalizeAddress(socket.localAddress ?? ''), port: socket.localPort ?? 0 };
    this.source = { proto, remote: this.remote, local: this.local, connectionId: id };
    this.#framer = new StreamFramer(ctx.limits);

    socket.setNoDelay(true);
    socket.setTimeout(ctx.limits.idleTimeoutMs);
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('timeout', () => {
      ctx.counters.idleTimeouts++;
      ctx.log.debug(this.#logFields(), 'tcp connection idle, closing');
      this.#socket.destroy();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      ctx.counters.socketErrors++;
      ctx.log.debug({ ...this.#logFields(), code: err.code, err: err.message }, 'tcp connection error');
    });
    this.#closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.#closing = true;
        clearTimeout(this.#linger);
        clearTimeout(this.#incomplete);
        ctx.counters.connectionsClosed++;
        ctx.log.debug(this.#logFields(), 'tcp connection closed');
        onClosed(this);
        resolve();
      });
    });
  }

  /** False once closing has started: sends then fail with 'connection-closed'. */
  get open(): boolean {
    return !this.#closing && !this.#socket.destroyed;
  }

  send(bytes: Buffer, target: string): Promise<SendResult> {
    const { counters, limits, log, logLimit } = this.#ctx;
    const fail = (result: SendResult): SendResult => {
      counters[this.proto].sendErrors++;
      if (!result.ok)
        logLimit.warn(
          log,
          'tcp-send-failed',
          { ...this.#logFields(), target, kind: result.error.code, code: result.error.systemCode },
          'tcp send failed',
        );
      return result;
    };
    if (!this.open) {
      return Promise.resolve(
        fail(
          sendFailure(
            'connection-closed',
            target,
            `send to ${target}: connection ${this.id} to ${formatEndpoint(this.remote)} is closed`,
          ),
        ),
      );
    }
    if (this.#socket.writableLength + bytes.length > limits.maxPendingWriteBytes) {
      return Promise.resolve(
        fail(
          sendFailure(
            'write-buffer-full',
            target,
            `send to ${target}: connection ${this.id} has ${this.#socket.writableLength} bytes unread by the peer, maxPendingWriteBytes is ${limits.maxPendingWriteBytes}`,
          ),
        ),
      );
    }
    const tap = this.#ctx.tap;
    if (tap !== undefined) tap.sent(bytes, this.proto, this.local, this.remote);
    return new Promise((resolve) => {
      this.#socket.write(bytes, (err) => {
        if (err) {
          const code = (err as NodeJS.ErrnoException).code;
          resolve(
            fail(
              sendFailure(
                sendErrorCode(code),
                target,
                `send to ${target} over connection ${this.id} failed: ${code ?? err.message}`,
                code,
              ),
            ),
          );
          return;
        }
        counters[this.proto].sent++;
        counters[this.proto].bytesSent += bytes.length;
        resolve(ok({ proto: this.proto, local: this.local, remote: this.remote, connectionId: this.id }));
      });
    });
  }

  /** Closes at once (no linger) and resolves when the socket has closed. */
  close(): Promise<void> {
    this.#closing = true;
    this.#socket.destroy();
    return this.#closed;
  }

  #receive(chunk: Buffer): void {
    let completed = false;
    for (const event of this.#framer.push(chunk)) {
      if (event.type === 'message') completed = true;
      this.#handle(event);
    }
    this.#watchCompletion(completed);
  }

  /**
   * Starts the completion clock when a message has begun, stops it when one completes. Bytes that do not
   * complete a message leave it running: a drip of single bytes cannot extend it.
   */
  #watchCompletion(completed: boolean): void {
    if (completed || !this.#framer.inMessage || this.#closing) {
      clearTimeout(this.#incomplete);
      this.#incomplete = undefined;
    }
    if (this.#incomplete !== undefined || !this.#framer.inMessage || this.#closing) return;
    this.#incomplete = setTimeout(() => {
      const { counters, limits, log, logLimit } = this.#ctx;
      counters.messageTimeouts++;
      logLimit.warn(
        log,
        'tcp-message-timeout',
        { ...this.#logFields(), buffered: this.#framer.buffered, limit: limits.messageTimeoutMs },
        'tcp message not complete within messageTimeoutMs, closing',
      );
      this.#closing = true;
      this.#socket.destroy();
    }, this.#ctx.limits.messageTimeoutMs);
  }

  #handle(event: FrameEvent): void {
    const { counters, log, logLimit } = this.#ctx;
    switch (event.type) {
      case 'message':
        counters[this.proto].received++;
        counters[this.proto].bytesReceived += event.bytes.length;
        this.#ctx.deliver(event.bytes, this.source);
        return;
      case 'ping':
        counters[this.proto].keepalives++;
        if (this.open) this.#socket.write(PONG);
        return;
      case 'error':
        counters.framingErrors++;
        logLimit.warn(
          log,
          'tcp-framing-error',
          {
            ...this.#logFields(),
            kind: event.error.code,
            reason: event.error.message,
            streamOffset: event.error.streamOffset,
          },
          'tcp framing error, closing',
        );
        // The caller may answer (a 400) over this connection from inside the handler, before the FIN.
        this.#ctx.framingError(event.error, this.source);
        this.#closing = true;
        this.#socket.end();
        this.#linger = setTimeout(() => this.#socket.destroy(), this.#ctx.limits.closeLingerMs);
        return;
    }
  }

  #logFields() {
    return {
      connectionId: this.id,
      proto: this.proto,
      direction: this.direction,
      remote: formatEndpoint(this.remote),
      local: formatEndpoint(this.local),
    };
  }
}
