// Test harness: transports on loopback with ephemeral ports, raw peers, and bounded waits.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import { pino } from 'pino';
import type { Proto } from '../../src/transport/endpoint.ts';
import type { LocalAddress } from '../../src/transport/local-addresses.ts';
import type { SendResult, SendTarget } from '../../src/transport/send-result.ts';
import type { Source } from '../../src/transport/source.ts';
import type { FramingError } from '../../src/transport/stream-framer.ts';
import { Transport, type TransportOptions } from '../../src/transport/transport.ts';

export const silent = pino({ level: 'silent' });
const WAIT_MS = 5000;

export const LOOPBACKS = [
  { family: 'IPv4', host: '127.0.0.1', bracketed: '127.0.0.1' },
  { family: 'IPv6', host: '::1', bracketed: '[::1]' },
] as const;

/** Whether ::1 can be bound here; the IPv6 suites assert it so a host without it fails loudly. */
export function ipv6LoopbackAvailable(): Promise<boolean> {
  const socket = createSocket('udp6');
  return new Promise((resolve) => {
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(0, '::1', () => socket.close(() => resolve(true)));
  });
}

/** Resolves when `predicate` holds, polling; rejects after a bound saying what was awaited. */
export async function until(predicate: () => boolean, what: string, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface Received {
  readonly bytes: Buffer;
  readonly source: Source;
}

/** A started transport that records what it receives. */
export interface Harness {
  readonly transport: Transport;
  readonly received: Received[];
  readonly framingErrors: { error: FramingError; source: Source }[];
  /** The nth received message (0-based), waiting for it. */
  message(n: number): Promise<Received>;
  /** The bound listener of a protocol (the first one). */
  listener(proto: Proto): LocalAddress;
}

export async function startHarness(
  listen: string[],
  extra: Partial<TransportOptions> = {},
  onFramingError?: (h: Harness, error: FramingError, source: Source) => void,
): Promise<Harness> {
  const received: Received[] = [];
  const framingErrors: Harness['framingErrors'] = [];
  let harness: Harness | undefined;
  const started = await Transport.start({
    listen,
    logger: silent,
    onMessage: (bytes, source) => received.push({ bytes, source }),
    onFramingError: (error, source) => {
      framingErrors.push({ error, source });
      if (harness) onFramingError?.(harness, error, source);
    },
    ...extra,
  });
  if (!started.ok) throw new Error(started.error);
  const transport = started.value;
  harness = {
    transport,
    received,
    framingErrors,
    message: async (n) => {
      await until(() => received.length > n, `message #${n + 1}`);
      return received[n];
    },
    listener: (proto) => {
      const found = transport.localAddresses.find((l) => l.proto === proto);
      if (!found) throw new Error(`no ${proto} listener`);
      return found;
    },
  };
  return harness;
}

/** The result of one send, awaited: the transport reports it through a callback. */
export function sendAndWait(transport: Transport, target: SendTarget, bytes: Buffer): Promise<SendResult> {
  return new Promise((done) => transport.send(target, bytes, done));
}

/** A raw TCP peer that records everything it reads. */
export interface RawTcpPeer {
  readonly socket: Socket;
  /** All bytes read so far, latin1. */
  text(): string;
  readonly closed: Promise<void>;
  isClosed(): boolean;
  waitFor(text: string): Promise<void>;
}

/** `localAddress` picks the source address (another loopback address is another source IP). */
export function connectRaw(host: string, port: number, localAddress?: string): Promise<RawTcpPeer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, noDelay: true, ...(localAddress ? { localAddress } : {}) });
    const chunks: Buffer[] = [];
    let isClosed = false;
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', () => {}); // resets are expected in limit tests; `closed` reports the end
    const closed = new Promise<void>((r) =>
      socket.once('close', () => {
        isClosed = true;
        r();
      }),
    );
    const text = () => Buffer.concat(chunks).toString('latin1');
    socket.once('connect', () =>
      resolve({
        socket,
        text,
        closed,
        isClosed: () => isClosed,
        waitFor: (wanted) => until(() => text().includes(wanted), `peer to read ${JSON.stringify(wanted)}`),
      }),
    );
    socket.once('error', reject);
  });
}

/** A raw UDP peer bound to an ephemeral loopback port. */
export interface RawUdpPeer {
  readonly socket: UdpSocket;
  readonly port: number;
  readonly received: Buffer[];
  send(bytes: Buffer | string, port: number): Promise<void>;
  close(): Promise<void>;
}

export function bindRawUdp(host: string): Promise<RawUdpPeer> {
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  const received: Buffer[] = [];
  socket.on('message', (m) => received.push(m));
  return new Promise((resolve) =>
    socket.bind(0, host, () =>
      resolve({
        socket,
        port: socket.address().port,
        received,
        send: (bytes, port) =>
          new Promise<void>((res, rej) =>
            socket.send(
              typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes,
              port,
              host,
              (err) => (err ? rej(err) : res()),
            ),
          ),
        close: () => new Promise<void>((res) => socket.close(() => res())),
      }),
    ),
  );
}

/** A loopback TCP port with nothing listening (bound once, then closed). */
export function closedTcpPort(host: string): Promise<number> {
  const server = createServer();
  return new Promise((resolve) =>
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    }),
  );
}

export function sipRequest(method: string, callId: string, body = ''): string {
  return (
    `${method} sip:bob@example.com SIP/2.0\r\n` +
    'Via: SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bK-test\r\n' +
    `Call-ID: ${callId}\r\n` +
    `CSeq: 1 ${method}\r\n` +
    `Content-Length: ${Buffer.byteLength(body, 'latin1')}\r\n\r\n${body}`
  );
}

/**
 * A loopback TCP port whose accept queue is full, so further SYNs go unanswered, as from a host that drops
 * them: a worker thread listens with backlog 1 and blocks its event loop so it never accepts; `fill` opens
 * connections until one hangs. `release` unblocks and stops it.
 */
export async function unansweredTcpPort(): Promise<{ port: number; release(): Promise<void> }> {
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads');
     const server = require('node:net').createServer();
     server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
       parentPort.postMessage(server.address().port);
       setImmediate(() => { Atomics.wait(workerData, 0, 0, ${WAIT_MS * 4}); server.close(); });
     });`,
    { eval: true, workerData: gate },
  );
  const port = await new Promise<number>((resolve) => worker.once('message', resolve));
  const fillers: Socket[] = [];
  for (let i = 0; i < 16; i++) {
    const socket = connect({ host: '127.0.0.1', port });
    socket.on('error', () => {});
    fillers.push(socket);
    const answered = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 300);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!answered) break;
    if (i === 15) throw new Error('the accept queue never filled: cannot make an unanswered port here');
  }
  return {
    port,
    release: async () => {
      for (const s of fillers) s.destroy();
      Atomics.store(gate, 0, 1);
      Atomics.notify(gate, 0);
      await worker.terminate();
    },
  };
}
