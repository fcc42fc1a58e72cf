// Resource limits of the transport layer. Every limit has a default chosen for a proxy on a public address;
// the config layer passes overrides. Time values are milliseconds.

import { err, ok, type Result } from '../result.ts';

export interface TransportLimits {
  /** Largest SIP message accepted, start line + headers + body (UDP datagram or framed TCP message). */
  readonly maxMessageBytes: number;
  /** Largest header section (start line up to CRLFCRLF) buffered while looking for its end on a stream. */
  readonly maxHeaderBytes: number;
  /** Open TCP connections at once, inbound and outbound together. */
  readonly maxConnections: number;
  /** Open inbound TCP connections from one remote IP; 0 means no per-IP limit. */
  readonly maxConnectionsPerIp: number;
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
  maxConnections: 2048,
  maxConnectionsPerIp: 0,
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
