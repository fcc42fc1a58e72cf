// What the four transaction state machines (RFC 3261 17) share: how they send, what they tell the
// transaction user (TU) above them, and how they end. A transaction owns its timers; the TU owns what a
// response means.
import type { SipRequest, SipResponse } from '../sip/index.ts';
import type { SendDone, SendError, SendResult, SendTarget, Source } from '../transport/index.ts';
import type { Clock } from './clock.ts';
import type { TimerValues } from './timer-values.ts';

/** Where one transaction's messages go: a fixed next hop (client) or the request's source (server). */
export interface TransactionTransport {
  /** Reliable transports (TCP) have no retransmissions and no lingering states (17.1.1.2, 17.2.1). */
  readonly reliable: boolean;
  /** `done` hears the result once, never before send returned; a failure is a value (the transport's contract). */
  send(bytes: Buffer, done: SendDone): void;
}

/**
 * A transaction's way out to one fixed target through the server's send (`sender.send`): an object of its
 * own rather than a closure, which with its context would be two more objects per transaction, kept while
 * it lingers.
 */
export class TargetTransport implements TransactionTransport {
  readonly reliable: boolean;
  readonly #sender: { send(target: SendTarget, bytes: Buffer, done?: SendDone): void };
  readonly #target: SendTarget;

  constructor(
    sender: { send(target: SendTarget, bytes: Buffer, done?: SendDone): void },
    target: SendTarget,
    reliable: boolean,
  ) {
    this.#sender = sender;
    this.#target = target;
    this.reliable = reliable;
  }

  send(bytes: Buffer, done: SendDone): void {
    this.#sender.send(this.#target, bytes, done);
  }
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

/** What a transaction is made with: its request, the way out, its TU, time. */
export type TransactionArgs<U> = [
  request: SipRequest,
  transport: TransactionTransport,
  user: U,
  timing: TransactionTiming,
];

/**
 * The part of the four state machines that is the same (as SIP.js's Transaction): the request, the
 * transport, the TU and time; sends that do not wait and report a failure to the TU while the transaction
 * lives; and the Terminated state, entered once, after the timers stopped.
 */
export abstract class Transaction<S extends string, U extends ClientTransactionUser | ServerTransactionUser> {
  /**
   * The request, parsed. A client transaction drops it once its final response came (releaseRequest):
   * from then on it only absorbs retransmissions and, for an INVITE, resends the ACK it made already.
   */
  protected request: SipRequest | undefined;
  protected readonly transport: TransactionTransport;
  protected readonly user: U;
  protected readonly timing: TransactionTiming;
  #state: S | 'terminated';

  // Parameters one by one, not a destructured rest tuple: that pattern runs the array iterator (an object
  // per element) for every transaction made.
  protected constructor(
    initial: S,
    request: SipRequest,
    transport: TransactionTransport,
    user: U,
    timing: TransactionTiming,
  ) {
    this.request = request;
    this.transport = transport;
    this.user = user;
    this.timing = timing;
    this.#state = initial;
  }

  /** Clock.schedule's callback for the timers that end a transaction (lingering states: D, I, J, K, L, M). */
  static terminate(tx: Transaction<string, ClientTransactionUser | ServerTransactionUser>): void {
    tx.terminate();
  }

  get state(): S | 'terminated' {
    return this.#state;
  }

  /** Ends the transaction now (also when the TU gives up on it, e.g. after a CANCEL never answered). */
  terminate(): void {
    if (this.#state === 'terminated') return;
    this.release();
    this.#state = 'terminated';
    this.user.terminated();
  }

  protected enter(state: S): void {
    this.#state = state;
  }

  /** Stops every timer of the state machine and drops what it kept for retransmissions. */
  protected abstract release(): void;

  protected send(bytes: Buffer): void {
    this.transport.send(bytes, this.#sent);
  }

  /** A send failed (17.1.4, 17.2.4): the TU hears of it. */
  protected sendFailed(error: SendError): void {
    this.user.transportError(error);
  }

  readonly #sent = (result: SendResult): void => {
    if (!result.ok && this.#state !== 'terminated') this.sendFailed(result.error);
  };
}
