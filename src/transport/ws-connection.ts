// One WebSocket connection (RFC 7118), accepted on a ws:/wss: listener: each frame is one whole SIP message,
// as a datagram is, so no stream framing. Frames over maxMessageBytes close the connection with 1009 (the
// `ws` package enforces maxPayload and closes; this counts it). Messages are sent as text frames, which
// browser clients (JsSIP, SIP.js) expect.
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { ok } from '../result.ts';
import { type Endpoint, formatEndpoint, normalizeAddress } from './endpoint.ts';
import { type SendResult, sendErrorCode, sendFailure } from './send-result.ts';
import type { Source } from './source.ts';
import type { Connection, Direction } from './tcp-connection.ts';
import type { TransportContext } from './transport-context.ts';

const BLANK = /^[\r\n]*$/;

export class WsConnection implements Connection {
  readonly id: number;
  readonly proto: 'ws' | 'wss';
  readonly direction: Direction = 'inbound';
  readonly remote: Endpoint;
  readonly local: Endpoint;
  readonly source: Source;
  readonly #ws: WebSocket;
  readonly #ctx: TransportContext;
  readonly #closed: Promise<void>;
  #closing = false;
  readonly #liveness: NodeJS.Timeout;

  constructor(
    id: number,
    proto: 'ws' | 'wss',
    ws: WebSocket,
    socket: Socket,
    ctx: TransportContext,
    onClosed: (c: WsConnection) => void,
  ) {
    this.id = id;
    this.proto = proto;
    this.#ws = ws;
    this.#ctx = ctx;
    this.remote = { address: normalizeAddress(socket.remoteAddress ?? ''), port: socket.remotePort ?? 0 };
    this.local = { address: normalizeAddress(socket.localAddress ?? ''), port: socket.localPort ?? 0 };
    this.source = { proto, remote: this.remote, local: this.local, connectionId: id };
    const { counters, log, logLimit } = ctx;

    // Browsers send nothing between registration refreshes (JsSIP: every 600 s), so silence is not idleness
    // here: a WebSocket ping goes out every idleTimeoutMs / 2 and a connection whose peer did not answer
    // the previous one is closed (counted as an idle timeout).
    let answered = true;
    ws.on('pong', () => {
      answered = true;
    });
    this.#liveness = setInterval(
      () => {
        if (!answered) {
          counters.idleTimeouts++;
          log.debug(this.#logFields(), 'websocket did not answer a ping, closing');
          ws.terminate();
          return;
        }
        answered = false;
        ws.ping();
      },
      Math.max(1000, ctx.limits.idleTimeoutMs / 2),
    );
    this.#liveness.unref();
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
      // A frame of CRLFs only is a keep-alive some clients send: not a message.
      if (bytes.length <= 4 && BLANK.test(bytes.toString('latin1'))) {
        counters[proto].keepalives++;
        return;
      }
      counters[proto].received++;
      counters[proto].bytesReceived += bytes.length;
      ctx.deliver(bytes, this.source);
    });
    ws.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        // `ws` has sent the 1009 close already (maxPayload): count and tell the operator once in a while.
        counters.wsOversizedFrames++;
        logLimit.warn(
          log,
          'ws-oversized-frame',
          { ...this.#logFields(), limit: ctx.limits.maxMessageBytes },
          'websocket frame over maxMessageBytes, closed with 1009',
        );
        return;
      }
      counters.socketErrors++;
      log.debug({ ...this.#logFields(), code: error.code, err: error.message }, 'websocket error');
    });
    this.#closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.#closing = true;
        clearInterval(this.#liveness);
        counters.connectionsClosed++;
        log.debug(this.#logFields(), 'websocket closed');
        onClosed(this);
        resolve();
      });
    });
  }

  get open(): boolean {
    return !this.#closing && this.#ws.readyState === this.#ws.OPEN;
  }

  send(bytes: Buffer, target: string): Promise<SendResult> {
    const { counters, limits, log, logLimit } = this.#ctx;
    const fail = (result: SendResult): SendResult => {
      counters[this.proto].sendErrors++;
      if (!result.ok)
        logLimit.warn(
          log,
          'ws-send-failed',
          { ...this.#logFields(), target, kind: result.error.code },
          'websocket send failed',
        );
      return result;
    };
    if (!this.open) {
      return Promise.resolve(
        fail(
          sendFailure(
            'connection-closed',
            target,
            `send to ${target}: websocket ${this.id} to ${formatEndpoint(this.remote)} is closed`,
          ),
        ),
      );
    }
    if (this.#ws.bufferedAmount + bytes.length > limits.maxPendingWriteBytes) {
      return Promise.resolve(
        fail(
          sendFailure(
            'write-buffer-full',
            target,
            `send to ${target}: websocket ${this.id} has ${this.#ws.bufferedAmount} bytes unread by the peer, maxPendingWriteBytes is ${limits.maxPendingWriteBytes}`,
          ),
        ),
      );
    }
    const tap = this.#ctx.tap;
    if (tap !== undefined) tap.sent(bytes, this.proto, this.local, this.remote);
    return new Promise((resolve) => {
      this.#ws.send(bytes, { binary: false }, (error) => {
        if (error) {
          const code = (error as NodeJS.ErrnoException).code;
          resolve(
            fail(
              sendFailure(
                sendErrorCode(code),
                target,
                `send to ${target} over websocket ${this.id} failed: ${code ?? error.message}`,
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

  close(): Promise<void> {
    this.#closing = true;
    this.#ws.terminate();
    return this.#closed;
  }

  #logFields() {
    return {
      connectionId: this.id,
      proto: this.proto,
      remote: formatEndpoint(this.remote),
      local: formatEndpoint(this.local),
    };
  }
}
