// What send() takes and gives back. Failures are values: a transaction layer maps any of them to a 503 for
// the branch (RFC 3261 16.7 step 10 / 17.1.4); `code` lets it tell "try the next target" from a local fault.
import { err, type Problem, type Result } from '../result.ts';
import type { Endpoint, Proto } from './endpoint.ts';

/** Send to an address; for TCP an open connection to it is reused, else one is opened. */
export interface AddressTarget {
  readonly proto: Proto;
  /** IP literal, or a host name resolved with the transport's lookup. */
  readonly address: string;
  readonly port: number;
  /** TCP: try this connection first (the one the request came on), fall back to the address if it closed. */
  readonly connectionId?: number;
  /**
   * Send from this listener (e.g. the one a request arrived on); default: the first of the address family.
   * TCP: it picks the bind address of a new connection; an open connection to the peer is reused whatever
   * its local end.
   */
  readonly local?: Endpoint;
  /** TCP: only an open connection to the address is used; fails with 'connection-closed' when none is. */
  readonly noConnect?: boolean;
  /** TLS: the next hop came from a sips: URI, so its certificate is verified whatever the config says. */
  readonly secure?: boolean;
}

/** Send over an existing TCP connection only; fails with 'connection-closed' if it is gone. */
export interface ConnectionTarget {
  readonly connectionId: number;
}

export type SendTarget = AddressTarget | ConnectionTarget;

export type SendErrorCode =
  /** The target is not a valid address/port. */
  | 'invalid-target'
  /** The host name did not resolve. */
  | 'unresolvable'
  /** No listener of that protocol and address family (or none matching `local`). */
  | 'no-listener'
  /** TCP connect got a RST (ECONNREFUSED). */
  | 'connection-refused'
  | 'connect-timeout'
  /** The TLS handshake failed: the peer's certificate did not verify, or the protocol failed. */
  | 'tls-handshake'
  /** The connection was closed, reset (ECONNRESET, EPIPE), or closed while the bytes were queued. */
  | 'connection-closed'
  /** maxOutboundConnections reached: no new outgoing connection. */
  | 'too-many-connections'
  /** The peer does not read: maxPendingWriteBytes would be exceeded. */
  | 'write-buffer-full'
  /** The OS refused the datagram as too big (EMSGSIZE). */
  | 'message-too-large'
  /** Other errors from the OS (EHOSTUNREACH, ENETUNREACH, EADDRNOTAVAIL ...): see `systemCode`. */
  | 'network'
  /** The transport is closing or closed. */
  | 'transport-closed';

/** `message` is one line: what failed, where and why. */
export interface SendError extends Problem<SendErrorCode> {
  /** The OS or Node error code when there is one (`ECONNREFUSED`, `ENOTFOUND`, `EMSGSIZE` ...). */
  readonly systemCode?: string;
  /** The target as text: `tcp:127.0.0.1:5060`, `tcp:[::1]:5060`, `connection 12`. */
  readonly target: string;
}

/** Where the bytes went. */
export interface Sent {
  readonly proto: Proto;
  /** The address and port the bytes left from. */
  readonly local: Endpoint;
  readonly remote: Endpoint;
  /** TCP: the connection used, reusable for later sends in the same dialog/transaction. */
  readonly connectionId?: number;
}

export type SendResult = Result<Sent, SendError>;

/** Hears how a send went: once, and never before the send call returned. */
export type SendDone = (result: SendResult) => void;

export function isConnectionTarget(target: SendTarget): target is ConnectionTarget {
  return !('proto' in target);
}

/** Maps a Node/OS error code to a SendErrorCode. */
export function sendErrorCode(systemCode: string | undefined): SendErrorCode {
  switch (systemCode) {
    case 'ECONNREFUSED':
      return 'connection-refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EAI_FAIL':
    case 'ENODATA':
      return 'unresolvable';
    case 'EMSGSIZE':
      return 'message-too-large';
    case 'ERR_STREAM_DESTROYED':
    case 'ERR_STREAM_WRITE_AFTER_END':
    case 'EPIPE':
    case 'ECONNRESET':
      return 'connection-closed';
    default:
      return 'network';
  }
}

export function sendFailure(
  code: SendErrorCode,
  target: string,
  message: string,
  systemCode?: string,
): Result<never, SendError> {
  return err(systemCode === undefined ? { code, target, message } : { code, systemCode, target, message });
}
