// Resource limits of the transport layer. Every limit has a default chosen for a proxy on a public address;
// the config layer passes overrides. Time values are milliseconds.

import { err, ok, type Result } from '../result.ts';

export interface TransportLimits {
  /** Largest SIP message accepted, start line + headers + body (UDP datagram or framed TCP message). */
  readonly maxMessageBytes: number;
  /** Largest header section (start line up to CRLFCRLF) buffered while looking for its end on a stream. */
  readonly maxHeaderBytes: number;
  /**
   * Open inbound TCP connections at once. A budget of its own, apart from outbound ones, so peers that fill
   * it cannot stop the relays the proxy opens.
   */
  readonly maxInboundConnections: number;
  /** Open (and opening) outbound TCP connections at once: relays and replies to a closed connection's source. */
  readonly maxOutboundConnections: number;
  /**
   * Open inbound TCP connections from one remote IP, so one source cannot hold the whole inbound budget;
   * 0 means no per-IP limit.
   */
  readonly maxConnectionsPerIp: number;
  /**
   * A message whose first byte has arrived must be complete (headers and body) within this time, or the
   * connection is closed. Counted from the first byte and never extended by later ones, so a peer dripping
   * a byte at a time (which keeps resetting the idle timeout) cannot hold a connection with half a message.
   */
  readonly messageTimeoutMs: number;
  /** A TCP connection with no traffic either way for this long is closed. */
  readonly idleTimeoutMs: number;
  /** An outgoing TCP connect that has not completed by then fails with 'connect-timeout'. */
  readonly connectTimeoutMs: number;
  /** Bytes queued for a TCP peer that does not read; a send that would exceed it fails with 'write-buffer-full'. */
  readonly maxPendingWriteBytes: number;
  /** After a framing error the connection is half-closed; it is destroyed if the peer has not closed by then. */
  readonly closeLingerMs: number;
}

export const DEFAULT_LIMITS: TransportLimits = {
  // Kamailio's BUF_SIZE; also the largest UDP payload.
  maxMessageBytes: 65_535,
  maxHeaderBytes: 32_768,
  maxInboundConnections: 2048,
  maxOutboundConnections: 1024,
  // Room for a NAT'd site or an SBC with many flows; an operator with bigger ones raises it.
  maxConnectionsPerIp: 64,
  messageTimeoutMs: 10_000,
  idleTimeoutMs: 120_000,
  connectTimeoutMs: 10_000,
  maxPendingWriteBytes: 1_048_576,
  closeLingerMs: 2_000,
};

/** Merges overrides onto the defaults; rejects values that are not non-negative integers (or 0 where positive). */
export function resolveLimits(overrides: Partial<TransportLimits> = {}): Result<TransportLimits> {
  const limits = { ...DEFAULT_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits) as [keyof TransportLimits, number][]) {
    const mayBeZero = name === 'maxConnectionsPerIp';
    if (!Number.isSafeInteger(value) || value < 0 || (value === 0 && !mayBeZero)) {
      return err(
        `transport limit ${name}: ${value} is not a ${mayBeZero ? 'non-negative' : 'positive'} integer`,
      );
    }
  }
  if (limits.maxHeaderBytes > limits.maxMessageBytes) {
    return err(
      `transport limit maxHeaderBytes (${limits.maxHeaderBytes}) exceeds maxMessageBytes (${limits.maxMessageBytes})`,
    );
  }
  return ok(limits);
}
