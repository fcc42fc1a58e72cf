// The HEP export: captures of traced messages sent to a collector (Homer, heplify-server, sngrep) over UDP
// or TCP. The message path only ever appends to a bounded queue; the queue is drained on a later turn of
// the event loop. A collector that is down, slow or never reads costs queue slots, never time: past the
// queue new captures are dropped and counted; a TCP connection whose peer does not read is written to
// only while its socket buffer is below a bound, and is reconnected with a growing delay when it fails.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, isIP, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { encodeHep3 } from './hep.ts';
import type { TraceExport } from './message-trace.ts';
import type { TraceRecord } from './trace-record.ts';

export interface HepClientOptions {
  readonly host: string;
  readonly port: number;
  readonly proto: 'udp' | 'tcp';
  readonly captureId: number;
  /** Node name of every capture, and by tenant. */
  readonly agent?: string;
  readonly tenantTags: Readonly<Record<string, string>>;
  /** Captures waiting (queued, or written and not yet taken by the socket). */
  readonly queue: number;
  readonly log: Logger;
}

export interface HepCounters {
  sent: number;
  /** Dropped because the queue was full (collector down or slow). */
  dropped: number;
  /** Dropped because larger than a HEP packet can be. */
  tooLarge: number;
  /** Socket errors: failed sends, refused or broken connections. */
  errors: number;
}

/** Bytes a TCP connection may hold unsent before the client stops writing to it. */
const MAX_TCP_BUFFERED = 256 * 1024;
const CONNECT_TIMEOUT_MS = 5000;
const RECONNECT_MIN_MS = 200;
const RECONNECT_MAX_MS = 30_000;

export class HepClient implements TraceExport {
  readonly counters: HepCounters = { sent: 0, dropped: 0, tooLarge: 0, errors: 0 };
  readonly #options: HepClientOptions;
  readonly #queue: Buffer[] = [];
  /** UDP datagrams handed to the socket and not yet confirmed. */
  #inFlight = 0;
  #flushScheduled = false;
  #udp: UdpSocket | undefined;
  #tcp: Socket | undefined;
  #tcpReady = false;
  #reconnectDelay = RECONNECT_MIN_MS;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #closed = false;
  #lastErrorLog = 0;

  constructor(options: HepClientOptions) {
    this.#options = options;
  }

  capture(record: TraceRecord, text: string): void {
    if (this.#closed) return;
    if (this.#queue.length + this.#inFlight >= this.#options.queue) {
      this.counters.dropped++;
      return;
    }
    const inbound = record.direction === 'in';
    const packet = encodeHep3({
      proto: record.proto,
      source: inbound ? record.remote : record.local,
      destination: inbound ? record.local : record.remote,
      time: record.time,
      captureId: this.#options.captureId,
      nodeName:
        (record.tenant !== undefined && this.#options.tenantTags[record.tenant]) || this.#options.agent,
      payload: Buffer.from(text, 'latin1'),
    });
    if (packet === undefined) {
      this.counters.tooLarge++;
      return;
    }
    this.#queue.push(packet);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  /** Captures waiting for the collector. */
  get pending(): number {
    return this.#queue.length + this.#inFlight;
  }

  close(): void {
    this.#closed = true;
    this.#queue.length = 0;
    clearTimeout(this.#reconnectTimer);
    this.#udp?.close();
    this.#tcp?.destroy();
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#closed) return;
    if (this.#options.proto === 'udp') this.#flushUdp();
    else this.#flushTcp();
  }

  #flushUdp(): void {
    if (this.#udp === undefined) {
      const socket = createSocket(isIP(this.#options.host) === 6 ? 'udp6' : 'udp4');
      socket.on('error', (err) => this.#error(err));
      socket.unref();
      this.#udp = socket;
    }
    const socket = this.#udp;
    for (const packet of this.#queue.splice(0)) {
      this.#inFlight++;
      socket.send(packet, this.#options.port, this.#options.host, (err) => {
        this.#inFlight--;
        if (err) this.#error(err);
        else this.counters.sent++;
      });
    }
  }

  #flushTcp(): void {
    if (this.#tcp === undefined) {
      if (this.#reconnectTimer === undefined) this.#connect();
      return;
    }
    if (!this.#tcpReady) return;
    const socket = this.#tcp;
    while (this.#queue.length > 0 && socket.writableLength < MAX_TCP_BUFFERED) {
      const packet = this.#queue.shift() as Buffer;
      socket.write(packet);
      this.counters.sent++;
    }
  }

  #connect(): void {
    const socket = connect({ host: this.#options.host, port: this.#options.port });
    socket.unref();
    socket.setNoDelay(true);
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => socket.destroy(new Error('connect timeout')));
    this.#tcp = socket;
    socket.on('connect', () => {
      socket.setTimeout(0);
      this.#tcpReady = true;
      this.#reconnectDelay = RECONNECT_MIN_MS;
      this.#flushTcp();
    });
    socket.on('drain', () => this.#flushTcp());
    // What the collector writes back is not read into memory: a hostile peer cannot fill it.
    socket.on('data', () => undefined);
    socket.on('error', (err) => this.#error(err));
    socket.on('close', () => {
      if (this.#tcp === socket) {
        this.#tcp = undefined;
        this.#tcpReady = false;
      }
      if (this.#closed) return;
      this.#reconnectTimer = setTimeout(() => {
        this.#reconnectTimer = undefined;
        if (!this.#closed && this.#tcp === undefined) this.#connect();
      }, this.#reconnectDelay);
      this.#reconnectTimer.unref();
      this.#reconnectDelay = Math.min(this.#reconnectDelay * 2, RECONNECT_MAX_MS);
    });
  }

  /** Counted; logged at most once a minute (a dead collector errs on every packet). */
  #error(err: Error): void {
    this.counters.errors++;
    const now = Date.now();
    if (now - this.#lastErrorLog < 60_000) return;
    this.#lastErrorLog = now;
    this.#options.log.warn(
      { collector: `${this.#options.proto}:${this.#options.host}:${this.#options.port}`, err: err.message },
      'HEP collector unreachable: captures are queued, then dropped and counted',
    );
  }
}

/** "host:port" or "[v6]:port" of the config, split. */
export function splitCollector(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(address.slice(at + 1)) };
}
