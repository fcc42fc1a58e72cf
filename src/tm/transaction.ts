// What the four transaction state machines (RFC 3261 17) share: how they send, and what they tell the
// transaction user (TU) above them. A transaction owns its timers; the TU owns what a response means.
import type { SipResponse } from '../sip/index.ts';
import type { SendError, SendResult, Source } from '../transport/index.ts';
import type { Clock } from './clock.ts';
import type { TimerValues } from './timer-values.ts';

/** Where one transaction's messages go: a fixed next hop (client) or the request's source (server). */
export interface TransactionTransport {
  /** Reliable transports (TCP) have no retransmissions and no lingering states (17.1.1.2, 17.2.1). */
  readonly reliable: boolean;
  /** Never rejects: a failure is a value (the transport layer's contract). */
  send(bytes: Buffer): Promise<SendResult>;
}

/** Time and timer values, shared by every transaction of a layer. */
export interface TransactionTiming {
  readonly clock: Clock;
  readonly timers: TimerValues;
}

/** What a client transaction tells its TU (for a proxy: one branch). */
export interface ClientTransactionUser {
  /**
   * A response to pass up (every provisional and final one, and in Accepted each further 2xx), with where
   * it came from.
   */
  receiveResponse(response: SipResponse, source: Source): void;
  /** Timer B or F fired before a final response (the TU treats it as a 408, 17.1.1.2 and 17.1.2.2). */
  timeout(): void;
  /** The request could not be sent (17.1.4: the TU treats it as a 503). */
  transportError(error: SendError): void;
  /** The transaction is over: the TU can forget it. */
  terminated(): void;
}

/** What a server transaction tells its TU. */
export interface ServerTransactionUser {
  /** A response could not be sent (17.2.4). */
  transportError(error: SendError): void;
  /** Timer H fired: the ACK for a non-2xx final response never came (17.2.1). */
  ackTimeout(): void;
  /** The transaction is over. */
  terminated(): void;
}

/** What receiving a request does to a server transaction. */
export type ServerReceipt =
  /** A retransmission (or an ACK for a non-2xx response) the transaction took care of. */
  | 'absorbed'
  /** Not the transaction's business: route it (an ACK for a 2xx matched by RFC 2543 rules). */
  | 'pass';
