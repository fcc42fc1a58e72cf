// The non-INVITE client transaction (RFC 3261 17.1.2): sends the request, retransmits it on timer E over
// unreliable transports (doubling up to T2, then every T2 once a provisional response came), gives up on
// timer F, and absorbs retransmitted final responses for T4 (timer K).
import type { SipResponse } from '../sip/index.ts';
import type { Source } from '../transport/index.ts';
import { ClientTransaction, type ClientTransactionArgs } from './client-transaction.ts';
import type { Timer } from './clock.ts';
import { Transaction } from './transaction.ts';

export type NonInviteClientState = 'trying' | 'proceeding' | 'completed' | 'terminated';

export class NonInviteClientTransaction extends ClientTransaction<NonInviteClientState> {
  #timerK: Timer | undefined;

  constructor(...args: ClientTransactionArgs) {
    super('trying', ...args);
  }

  receiveResponse(response: SipResponse, source: Source): void {
    if (!this.sendingRequest) return; // Completed absorbs retransmissions
    if (response.status < 200) {
      this.enter('proceeding');
      this.user.receiveResponse(response, source);
      return;
    }
    this.stopRequestTimers();
    this.releaseRequest();
    this.enter('completed');
    this.user.receiveResponse(response, source);
    if (this.state !== 'completed') return; // the TU ended it meanwhile
    if (this.transport.reliable) this.terminate();
    else this.#timerK = this.timing.clock.schedule(this.timing.timers.t4, Transaction.terminate, this);
  }

  // Timers E and F run in Trying and Proceeding; E doubles up to T2, and is T2 once proceeding (17.1.2.2).
  protected override get sendingRequest(): boolean {
    return this.state === 'trying' || this.state === 'proceeding';
  }

  protected override nextInterval(interval: number): number {
    const { t2 } = this.timing.timers;
    return this.state === 'proceeding' ? t2 : Math.min(2 * interval, t2);
  }

  protected override release(): void {
    this.stopRequestTimers();
    this.releaseRequest();
    this.#timerK?.cancel();
  }
}
