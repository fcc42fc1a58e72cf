// The INVITE client transaction (RFC 3261 17.1.1, with the Accepted state of RFC 6026 7.2): sends the
// INVITE, retransmits it on timer A over unreliable transports, gives up on timer B, ACKs non-2xx final
// responses hop by hop, and passes every 2xx up (a proxy forwards each one, retransmissions included).
import type { SipResponse } from '../sip/index.ts';
import type { Source } from '../transport/index.ts';
import { ClientTransaction, type ClientTransactionArgs } from './client-transaction.ts';
import type { Timer } from './clock.ts';
import { createAck } from './hop-by-hop.ts';
import { Transaction } from './transaction.ts';

export type InviteClientState = 'calling' | 'proceeding' | 'completed' | 'accepted' | 'terminated';

export class InviteClientTransaction extends ClientTransaction<InviteClientState> {
  #lingering: Timer | undefined;
  #ack: Buffer | undefined;

  constructor(...args: ClientTransactionArgs) {
    super('calling', ...args);
  }

  receiveResponse(response: SipResponse, source: Source): void {
    const status = response.status;
    switch (this.state) {
      case 'calling':
      case 'proceeding':
        this.stopRequestTimers();
        if (status < 200) {
          this.enter('proceeding');
          this.user.receiveResponse(response, source);
        } else if (status < 300) {
          this.enter('accepted');
          this.releaseRequest();
          this.user.receiveResponse(response, source);
          this.#linger();
        } else {
          this.enter('completed');
          this.#ack = createAck(this.request!, response).toBuffer();
          this.releaseRequest();
          this.send(this.#ack);
          this.user.receiveResponse(response, source);
          this.#linger();
        }
        return;
      case 'completed':
        // A retransmitted final response: the ACK got lost (17.1.1.2).
        if (status >= 300 && this.#ack) this.send(this.#ack);
        return;
      case 'accepted':
        if (status >= 200 && status < 300) this.user.receiveResponse(response, source);
        return;
      case 'terminated':
        return;
    }
  }

  // Timers A and B run while Calling; A doubles each time it fires (17.1.1.2).
  protected override get sendingRequest(): boolean {
    return this.state === 'calling';
  }

  protected override nextInterval(interval: number): number {
    return 2 * interval;
  }

  protected override release(): void {
    this.stopRequestTimers();
    this.releaseRequest();
    this.#lingering?.cancel();
  }

  // Timer D (Completed) and timer M (Accepted): absorb retransmissions for a while; at once when reliable.
  #linger(): void {
    if (this.state === 'terminated') return;
    if (this.transport.reliable && this.state === 'completed') this.terminate();
    else this.#lingering = this.timing.clock.schedule(this.timing.timers.wait, Transaction.terminate, this);
  }
}
