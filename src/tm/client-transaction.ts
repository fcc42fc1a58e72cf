// What both client transactions do alike (RFC 3261 17.1.1.2, 17.1.2.2): send the request, retransmit it
// over an unreliable transport on a timer that starts at T1 (timer A for an INVITE, E otherwise), give up
// when no final response came in time (timer B / F, Kamailio's fr timers), and end when a send fails
// (17.1.4). Each state machine says while these request timers run and how the interval grows.
import type { SipRequest } from '../sip/index.ts';
import type { SendError } from '../transport/index.ts';
import type { Timer } from './clock.ts';
import {
  type ClientTransactionUser,
  Transaction,
  type TransactionArgs,
  type TransactionTiming,
  type TransactionTransport,
} from './transaction.ts';

/** A client transaction's TransactionArgs, and timer B or F when not Kamailio's fr (t_set_fr). */
export type ClientTransactionArgs = [...TransactionArgs<ClientTransactionUser>, timeout?: number];

export abstract class ClientTransaction<S extends string> extends Transaction<S, ClientTransactionUser> {
  /** The request as sent, for retransmissions; dropped with the parsed request once a final response came. */
  #bytes: Buffer | undefined;
  readonly #timeout: number;
  #interval = 0;
  #retransmission: Timer | undefined;
  #giveUp: Timer | undefined;

  protected constructor(
    initial: S,
    request: SipRequest,
    transport: TransactionTransport,
    user: ClientTransactionUser,
    timing: TransactionTiming,
    timeout?: number,
  ) {
    super(initial, request, transport, user, timing);
    this.#bytes = request.toBuffer();
    this.#timeout = timeout ?? timing.timers.fr;
  }

  /** Sends the request and starts its retransmission timer (unreliable transports) and its timeout. */
  start(): void {
    const { clock, timers } = this.timing;
    this.send(this.#bytes!);
    if (!this.transport.reliable) {
      this.#interval = timers.t1;
      this.#retransmission = clock.schedule(this.#interval, ClientTransaction.#retransmit, this);
    }
    this.#giveUp = clock.schedule(this.#timeout, ClientTransaction.#timedOut, this);
  }

  /** Whether the request timers still matter in the current state. */
  protected abstract get sendingRequest(): boolean;

  /** The wait before the next retransmission, after one of `interval`. */
  protected abstract nextInterval(interval: number): number;

  /** Stops retransmitting the request and waiting for its final response. */
  protected stopRequestTimers(): void {
    this.#retransmission?.cancel();
    this.#giveUp?.cancel();
    this.#retransmission = undefined;
    this.#giveUp = undefined;
  }

  /**
   * A final response came: the request is never sent again (timers A/E stopped), so neither its bytes nor
   * its parsed form are needed while the transaction lingers (timers D, K, M) for retransmitted responses.
   */
  protected releaseRequest(): void {
    this.request = undefined;
    this.#bytes = undefined;
  }

  /** 17.1.4: the TU treats it as a 503, and the transaction is over. */
  protected override sendFailed(error: SendError): void {
    super.sendFailed(error);
    this.terminate();
  }

  // Timers A/E and B/F: static functions scheduled with the transaction (Clock.schedule), not closures
  // made for each transaction.
  static #retransmit(tx: ClientTransaction<string>): void {
    if (!tx.sendingRequest || tx.#bytes === undefined) return;
    tx.send(tx.#bytes);
    tx.#interval = tx.nextInterval(tx.#interval);
    tx.#retransmission = tx.timing.clock.schedule(tx.#interval, ClientTransaction.#retransmit, tx);
  }

  static #timedOut(tx: ClientTransaction<string>): void {
    if (!tx.sendingRequest) return;
    tx.stopRequestTimers();
    tx.user.timeout();
    tx.terminate();
  }
}
