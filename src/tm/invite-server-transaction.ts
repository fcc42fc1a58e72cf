// The INVITE server transaction (RFC 3261 17.2.1, with the Accepted state of RFC 6026 7.1): answers
// retransmitted INVITEs with the last response, retransmits a non-2xx final response on timer G over
// unreliable transports until the ACK comes (timer H gives up), absorbs that ACK, and after a 2xx stays
// Accepted so that further 2xx responses (forwarded from other branches) still go out through it. A 2xx
// made here (t-reply) has no UAS behind it to retransmit it, so the transaction does that job of the UAS
// core (13.3.1.4, as Kamailio's tm does): over UDP from T1 doubling to T2 until its ACK, for 64*T1 at most.
// Timer G retransmits a final response at most timers.maxReplyRetransmissions times (issue 11: the UDP
// source nobody verified may be a spoofed third party); timer H and the lingering states are unchanged, so
// a late ACK is still absorbed and a retransmitted INVITE still gets the response (one for one).
import type { SipRequest, SipResponse } from '../sip/index.ts';
import type { Timer } from './clock.ts';
import {
  type ServerReceipt,
  type ServerTransactionUser,
  Transaction,
  type TransactionArgs,
} from './transaction.ts';

export type InviteServerState = 'proceeding' | 'completed' | 'confirmed' | 'accepted' | 'terminated';

export class InviteServerTransaction extends Transaction<InviteServerState, ServerTransactionUser> {
  /** The last provisional (Proceeding) or final (Completed) response, for retransmissions. */
  #last: Buffer | undefined;
  /** The status of the final response sent, if one was. */
  #finalStatus: number | undefined;
  /** The To tag of the final response: a 2543 ACK matches by it (17.2.3). */
  #finalToTag: string | undefined;
  #intervalG = 0;
  /** Timer G retransmissions sent of the current final response. */
  #retransmissionsG = 0;
  #timerG: Timer | undefined;
  #timerH: Timer | undefined;
  #lingering: Timer | undefined;
  /** A 2xx made here (t-reply), which this transaction retransmits until its ACK (13.3.1.4). */
  #local2xx: Buffer | undefined;

  constructor(...args: TransactionArgs<ServerTransactionUser>) {
    super('proceeding', ...args);
  }

  get finalStatus(): number | undefined {
    return this.#finalStatus;
  }

  get finalToTag(): string | undefined {
    return this.#finalToTag;
  }

  /**
   * Sends a response from the TU; false when the state allows none (a final one went out already).
   * `local`: the response was made here, not forwarded (a local 2xx is retransmitted until its ACK).
   */
  /**
   * Sends a provisional response already serialized (a 100 Trying made here, never parsed back); false
   * once a final response went out. A retransmitted INVITE gets it again, as with respond().
   */
  respondProvisional(bytes: Buffer): boolean {
    if (this.state !== 'proceeding') return false;
    this.send(bytes);
    this.#last = bytes;
    return true;
  }

  respond(response: SipResponse, local = false): boolean {
    const status = response.status;
    if (this.state === 'accepted') {
      if (status < 200 || status >= 300) return false;
      this.send(response.toBuffer());
      return true;
    }
    if (this.state !== 'proceeding') return false;
    const bytes = response.toBuffer();
    if (status < 200) return this.respondProvisional(bytes);
    this.send(bytes);
    this.#finalStatus = status;
    this.#finalToTag = ownCopy(response.to?.tag);
    const { clock, timers } = this.timing;
    if (status < 300) {
      this.enter('accepted');
      this.#last = undefined;
      let linger = timers.wait; // timer L
      if (local) {
        this.#local2xx = bytes;
        linger = Math.max(linger, 64 * timers.t1);
        this.#startG();
      }
      this.#lingering = clock.schedule(linger, Transaction.terminate, this);
      return true;
    }
    this.enter('completed');
    this.#last = bytes;
    this.#startG();
    this.#timerH = clock.schedule(64 * timers.t1, InviteServerTransaction.#fireH, this);
    return true;
  }

  /**
   * The ACK of a 2xx made here (same To tag): stops its retransmissions. False when there is no such 2xx,
   * so an ACK of a forwarded 2xx goes on end to end.
   */
  ackLocal2xx(ack: SipRequest): boolean {
    if (this.state !== 'accepted' || this.#local2xx === undefined || ack.to?.tag !== this.#finalToTag) {
      return false;
    }
    this.#timerG?.cancel();
    this.#timerG = undefined;
    return true;
  }

  /** A request that matched this transaction: a retransmitted INVITE or an ACK. */
  receiveRequest(request: SipRequest): ServerReceipt {
    if (request.method === 'ACK') {
      if (this.state === 'accepted') return this.ackLocal2xx(request) ? 'absorbed' : 'pass';
      if (this.state === 'completed') {
        this.#timerG?.cancel();
        this.#timerH?.cancel();
        this.enter('confirmed');
        this.#last = undefined;
        if (this.transport.reliable) this.terminate();
        else this.#lingering = this.timing.clock.schedule(this.timing.timers.t4, Transaction.terminate, this); // I
      }
      return 'absorbed';
    }
    if ((this.state === 'proceeding' || this.state === 'completed') && this.#last) this.send(this.#last);
    return 'absorbed';
  }

  /** Timer G for the final response just sent: over UDP only, and only when retransmissions are allowed. */
  #startG(): void {
    const { clock, timers } = this.timing;
    if (this.transport.reliable || timers.maxReplyRetransmissions <= 0) return;
    this.#intervalG = timers.t1;
    this.#retransmissionsG = 0;
    this.#timerG = clock.schedule(this.#intervalG, InviteServerTransaction.#fireG, this);
  }

  protected override release(): void {
    this.#timerG?.cancel();
    this.#timerH?.cancel();
    this.#lingering?.cancel();
    this.#last = undefined;
    this.#local2xx = undefined;
  }

  // Timers G and H: static functions scheduled with the transaction (Clock.schedule), no closure each.
  static #fireG(tx: InviteServerTransaction): void {
    tx.#retransmitG();
  }

  static #fireH(tx: InviteServerTransaction): void {
    if (tx.state !== 'completed') return;
    tx.user.ackTimeout();
    tx.terminate();
  }

  #retransmitG(): void {
    const bytes =
      this.state === 'completed' ? this.#last : this.state === 'accepted' ? this.#local2xx : undefined;
    if (bytes === undefined) return;
    this.send(bytes);
    this.#timerG = undefined;
    if (++this.#retransmissionsG >= this.timing.timers.maxReplyRetransmissions) return;
    this.#intervalG = Math.min(2 * this.#intervalG, this.timing.timers.t2);
    this.#timerG = this.timing.clock.schedule(this.#intervalG, InviteServerTransaction.#fireG, this);
  }
}

/**
 * `value` in a string of its own. A parsed value is a slice of its message's whole text, and V8 keeps the
 * whole text for as long as the slice lives: the To tag of a forwarded 200 would hold that 200's text for
 * the transaction's linger (timer L: wt_timer, 5 s), ~0.9 MB at 500 calls/s. Slicing the concatenation
 * copies the short tag alone (its first character is dropped again).
 */
function ownCopy(value: string | undefined): string | undefined {
  return value === undefined ? undefined : ` ${value}`.slice(1);
}
