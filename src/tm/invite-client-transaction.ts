// The INVITE client transaction (RFC 3261 17.1.1, with the Accepted state of RFC 6026 7.2): sends the
// INVITE, retransmits it on timer A over unreliable transports, gives up on timer B, ACKs non-2xx final
// responses hop by hop, and passes every 2xx up (a proxy forwards each one, retransmissions included).
import type { SipRequest, SipResponse } from '../sip/index.ts';
import type { SendResult, Source } from '../transport/index.ts';
import type { Timer } from './clock.ts';
import { createAck } from './hop-by-hop.ts';
import type { ClientTransactionUser, TransactionTiming, TransactionTransport } from './transaction.ts';

export type InviteClientState = 'calling' | 'proceeding' | 'completed' | 'accepted' | 'terminated';

export class InviteClientTransaction {
  readonly request: SipRequest;
  #state: InviteClientState = 'calling';
  readonly #bytes: Buffer;
  readonly #transport: TransactionTransport;
  readonly #user: ClientTransactionUser;
  readonly #timing: TransactionTiming;
  readonly #timeoutB: number;
  #intervalA = 0;
  #timerA: Timer | undefined;
  #timerB: Timer | undefined;
  #lingering: Timer | undefined;
  #ack: Buffer | undefined;

  /** `timeoutB` overrides the fr timer for this transaction (Kamailio's t_set_fr). */
  constructor(
    request: SipRequest,
    transport: TransactionTransport,
    user: ClientTransactionUser,
    timing: TransactionTiming,
    timeoutB = timing.timers.fr,
  ) {
    this.request = request;
    this.#bytes = request.toBuffer();
    this.#transport = transport;
    this.#user = user;
    this.#timing = timing;
    this.#timeoutB = timeoutB;
  }

  get state(): InviteClientState {
    return this.#state;
  }

  /** Sends the INVITE and starts timers A (unreliable transports) and B. */
  start(): void {
    const { clock, timers } = this.#timing;
    this.#send(this.#bytes);
    if (!this.#transport.reliable) {
      this.#intervalA = timers.t1;
      this.#timerA = clock.schedule(this.#intervalA, this.#fireA);
    }
    this.#timerB = clock.schedule(this.#timeoutB, this.#fireB);
  }

  receiveResponse(response: SipResponse, source: Source): void {
    const status = response.status;
    switch (this.#state) {
      case 'calling':
      case 'proceeding':
        if (status < 200) {
          this.#state = 'proceeding';
          this.#stopRequestTimers();
          this.#user.receiveResponse(response, source);
        } else if (status < 300) {
          this.#stopRequestTimers();
          this.#state = 'accepted';
          this.#user.receiveResponse(response, source);
          this.#linger();
        } else {
          this.#stopRequestTimers();
          this.#state = 'completed';
          this.#ack = createAck(this.request, response).toBuffer();
          this.#send(this.#ack);
          this.#user.receiveResponse(response, source);
          this.#linger();
        }
        return;
      case 'completed':
        // A retransmitted final response: the ACK got lost (17.1.1.2).
        if (status >= 300 && this.#ack) this.#send(this.#ack);
        return;
      case 'accepted':
        if (status >= 200 && status < 300) this.#user.receiveResponse(response, source);
        return;
      case 'terminated':
        return;
    }
  }

  /** Ends the transaction now (the TU gave up on it, e.g. after a CANCEL that was never answered). */
  terminate(): void {
    if (this.#state === 'terminated') return;
    this.#stopRequestTimers();
    this.#lingering?.cancel();
    this.#state = 'terminated';
    this.#user.terminated();
  }

  readonly #fireA = (): void => {
    if (this.#state !== 'calling') return;
    this.#send(this.#bytes);
    this.#intervalA *= 2;
    this.#timerA = this.#timing.clock.schedule(this.#intervalA, this.#fireA);
  };

  readonly #fireB = (): void => {
    if (this.#state !== 'calling') return;
    this.#stopRequestTimers();
    this.#user.timeout();
    this.terminate();
  };

  #stopRequestTimers(): void {
    this.#timerA?.cancel();
    this.#timerB?.cancel();
    this.#timerA = undefined;
    this.#timerB = undefined;
  }

  // Timer D (Completed) and timer M (Accepted): absorb retransmissions for a while; at once when reliable.
  #linger(): void {
    if (this.#state === 'terminated') return;
    if (this.#transport.reliable && this.#state === 'completed') this.terminate();
    else this.#lingering = this.#timing.clock.schedule(this.#timing.timers.wait, () => this.terminate());
  }

  #send(bytes: Buffer): void {
    void this.#transport.send(bytes).then(this.#sent);
  }

  readonly #sent = (result: SendResult): void => {
    if (result.ok || this.#state === 'terminated') return;
    this.#user.transportError(result.error);
    this.terminate();
  };
}
