// The non-INVITE server transaction (RFC 3261 17.2.2): absorbs retransmitted requests (answering them with
// the last response once there is one) and lingers after its final response for timer J over unreliable
// transports, so late retransmissions still get that response.
import type { SipRequest, SipResponse } from '../sip/index.ts';
import type { Timer } from './clock.ts';
import {
  type ServerReceipt,
  type ServerTransactionUser,
  Transaction,
  type TransactionArgs,
} from './transaction.ts';

export type NonInviteServerState = 'trying' | 'proceeding' | 'completed' | 'terminated';

export class NonInviteServerTransaction extends Transaction<NonInviteServerState, ServerTransactionUser> {
  #last: Buffer | undefined;
  #finalStatus: number | undefined;
  #timerJ: Timer | undefined;

  constructor(...args: TransactionArgs<ServerTransactionUser>) {
    super('trying', ...args);
  }

  get finalStatus(): number | undefined {
    return this.#finalStatus;
  }

  /** Sends a response from the TU; false once a final response went out. */
  respond(response: SipResponse): boolean {
    if (this.state !== 'trying' && this.state !== 'proceeding') return false;
    const bytes = response.toBuffer();
    this.#last = bytes;
    this.send(bytes);
    if (response.status < 200) {
      this.enter('proceeding');
      return true;
    }
    this.#finalStatus = response.status;
    this.enter('completed');
    if (this.transport.reliable) this.terminate();
    else this.#timerJ = this.timing.clock.schedule(this.timing.timers.wait, Transaction.terminate, this);
    return true;
  }

  /** A retransmission of the request: answered with the last response, if any. */
  receiveRequest(_request: SipRequest): ServerReceipt {
    if (this.#last && (this.state === 'proceeding' || this.state === 'completed')) this.send(this.#last);
    return 'absorbed';
  }

  protected override release(): void {
    this.#timerJ?.cancel();
    this.#last = undefined;
  }
}
