// One UDP socket: receives whole datagrams and sends from the listen address, so replies leave from the
// port requests arrived on. The socket is unconnected: Linux does not report ICMP port unreachable for it.
import { createSocket, type Socket } from 'node:dgram';
import { type LookupOneOptions, lookup } from 'node:dns';
import { isIP } from 'node:net';
import { ok, type Result } from '../result.ts';
import { bindListener } from './bind-listener.ts';
import { type Endpoint, familyOf, formatEndpoint, normalizeAddress } from './endpoint.ts';
import type { LocalAddress } from './local-addresses.ts';
import { type SendDone, type SendError, sendErrorCode, sendFailure } from './send-result.ts';
import type { TransportContext } from './transport-context.ts';

export class UdpListener {
  readonly local: LocalAddress;
  readonly #socket: Socket;
  readonly #ctx: TransportContext;

  private constructor(socket: Socket, local: LocalAddress, ctx: TransportContext) {
    this.#socket = socket;
    this.local = local;
    this.#ctx = ctx;
    socket.on('message', (msg, rinfo) =>
      this.#receive(msg, { address: normalizeAddress(rinfo.address), port: rinfo.port }),
    );
    socket.on('error', (err: NodeJS.ErrnoException) => {
      ctx.counters.socketErrors++;
      ctx.logLimit.warn(
        ctx.log,
        'udp-socket-error',
        { local: spec(local), code: err.code, err: err.message },
        'udp socket error',
      );
    });
  }

  /** Binds `address` (an IP literal) and `port`; 0 picks a free port. */
  static bind(
    address: string,
    port: number,
    specText: string,
    ctx: TransportContext,
    /** Shared with the other worker threads' sockets on the same address (SO_REUSEPORT). */
    reusePort = false,
  ): Promise<Result<UdpListener>> {
    const family = familyOf(address);
    // IPv6 sockets are v6-only so that `udp:0.0.0.0:P` and `udp:[::]:P` can both be listed.
    const socket = createSocket({
      type: family === 6 ? 'udp6' : 'udp4',
      ipv6Only: family === 6,
      lookup: literalLookup,
      reusePort,
    });
    return bindListener(socket, {
      proto: 'udp',
      address,
      spec: specText,
      listen: (onBound) => socket.bind({ address, port, exclusive: true }, onBound),
      bound: () => socket.address(),
      adopt: (local) => new UdpListener(socket, local, ctx),
    });
  }

  #receive(msg: Buffer, remote: Endpoint): void {
    const { counters, limits, log, logLimit } = this.#ctx;
    if (msg.length === 0) {
      counters.dropped++;
      return;
    }
    if (isKeepalive(msg)) {
      counters.udp.keepalives++;
      return;
    }
    if (msg.length > limits.maxMessageBytes) {
      counters.dropped++;
      logLimit.warn(
        log,
        'udp-oversize',
        { remote: formatEndpoint(remote), bytes: msg.length, limit: limits.maxMessageBytes },
        'udp datagram over maxMessageBytes dropped',
      );
      return;
    }
    counters.udp.received++;
    counters.udp.bytesReceived += msg.length;
    this.#ctx.deliver(msg, { proto: 'udp', remote, local: this.local });
  }

  /**
   * Sends one datagram to `remote` (an IP literal of this socket's family). `done`, when given, hears the
   * result once, always after send returned (dgram's callback, or a microtask when the socket threw). No
   * Promise: this is the per-datagram path, one closure (dgram's callback) per datagram. A failure is
   * counted and logged whether or not `done` is given. `target` is the target as the caller wrote it when
   * that is not `remote` as text (a name, another spelling); else its text is made only on a failure.
   */
  send(bytes: Buffer, remote: Endpoint, done?: SendDone, target?: string): void {
    try {
      // Told before the write: a record of what was sent never follows the answer to it.
      const tap = this.#ctx.tap;
      if (tap !== undefined) tap.sent(bytes, 'udp', this.local, remote);
      // The (bytes, port, address, callback) form: dgram neither slices the buffer nor reshuffles arguments.
      this.#socket.send(bytes, remote.port, remote.address, (err) => {
        if (err) {
          const failed = this.#failed(err, target ?? udpTarget(remote));
          if (done !== undefined) done(failed);
          return;
        }
        const udp = this.#ctx.counters.udp;
        udp.sent++;
        udp.bytesSent += bytes.length;
        if (done !== undefined) done(ok({ proto: 'udp', local: this.local, remote }));
      });
    } catch (err) {
      // Thrown synchronously when the socket is already closed: reported later all the same, so a caller
      // never hears of a send before it returned (a transaction's failover must not run inside its send).
      const failed = this.#failed(err as Error, target ?? udpTarget(remote));
      if (done !== undefined) queueMicrotask(() => done(failed));
    }
  }

  #failed(err: Error, target: string): Result<never, SendError> {
    const { counters, log, logLimit } = this.#ctx;
    const code = (err as NodeJS.ErrnoException).code;
    counters.udp.sendErrors++;
    logLimit.warn(log, 'udp-send-failed', { target, code, err: err.message }, 'udp send failed');
    return sendFailure(
      sendErrorCode(code),
      target,
      `send to ${target} from ${spec(this.local)} failed: ${code ?? err.message}`,
      code,
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      try {
        this.#socket.close(() => resolve());
      } catch {
        resolve(); // already closed
      }
    });
  }
}

/**
 * The socket's address lookup: the transport sends to IP literals only (it resolves names itself), which
 * dns.lookup would hand back one tick later; answered at once, a send costs no extra tick. Anything else
 * still goes to dns.lookup.
 */
function literalLookup(
  address: string,
  options: LookupOneOptions | number, // dgram passes the socket's family
  callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  const literal = isIP(address);
  if (literal !== 0) callback(null, address, literal);
  else if (typeof options === 'number') lookup(address, options, callback);
  else lookup(address, options, callback);
}

/** A datagram of only CR and LF: a NAT keep-alive, not a message. */
function isKeepalive(msg: Buffer): boolean {
  for (const byte of msg) if (byte !== 0x0d && byte !== 0x0a) return false;
  return true;
}

function spec(local: LocalAddress): string {
  return `udp:${formatEndpoint(local)}`;
}

/** `udp:1.2.3.4:5060`, `udp:[::1]:5060`: a send target as SendError names it. */
function udpTarget(remote: Endpoint): string {
  return `udp:${formatEndpoint(remote)}`;
}
