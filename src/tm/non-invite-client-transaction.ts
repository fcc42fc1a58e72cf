// The non-INVITE client transaction (RFC 3261 17.1.2): sends the request, retransmits it on timer E over
// unreliable transports (doubling up to T2, then every T2 once a provisional response came), gives up on
// timer F, and absorbs retransmitted final responses for T4 (timer K).
import type { SipRequest, SipResponse } from '../sip/index.ts';
import type { SendResult, Source } from '../transport/index.ts';
import type { Timer } from './clock.ts';
import type { ClientTransactionUser, TransactionTiming, TransactionTransport } from './transaction.ts';

export type NonInviteClientState = 'trying' | 'proceeding' | 'completed' | 'terminated';

export class NonInviteClientTransaction {
  readonly request: SipRequest;
  #state: NonInviteClientState = 'trying';
  readonly #bytes: Buffer;
  readonly #transport: TransactionTransport;
  readonly #user: ClientTransactionUser;
  readonly #timing: TransactionTiming;
  readonly #timeoutF: number;
  #intervalE = 0;
  #timerE: Timer | undefined;
  #timerF: Timer | undefined;
  #timerK: Timer | undefined;

  /** `timeoutF` overrides the fr timer for this transaction (Kamailio's t_set_fr). */
  constructor(
    request: SipRequest,
    transport: TransactionTransport,
    user: ClientTransactionUser,
    timing: TransactionTiming,
    timeoutF = timing.timers.fr,
  ) {
    this.request = request;
    this.#bytes = request.toBuffer();
    this.#transport = transport;
    this.#user = user;
    this.#timing = timing;
    this.#timeoutF = timeoutF;
  }

  get state(): NonInviteClientState {
    return this.#state;
  }

  /** Sends the request and starts timers E (unreliable transports) and F. */
  start(): void {
    const { clock, timers } = this.#timing;
    this.#send();
    if (!this.#transport.reliable) {
      this.#intervalE = timers.t1;
      this.#timerE = clock.schedule(this.#intervalE, this.#fireE);
    }
    this.#timerF = clock.schedule(this.#timeoutF, this.#fireF);
  }

  receiveResponse(response: SipResponse, source: Source): void {
    if (this.#state !== 'trying' && this.#state !== 'proceeding') return; // Completed absorbs retransmissions
    if (response.status < 200) {
      this.#state = 'proceeding';
      this.#user.receiveResponse(response, source);
      return;
    }
    this.#stopRequestTimers();
    this.#state = 'completed';
    this.#user.receiveResponse(response, source);
    if (this.state !== 'completed') return; // the TU ended it meanwhile
    if (this.#transport.reliable) this.terminate();
    else this.#timerK = this.#timing.clock.schedule(this.#timing.timers.t4, () => this.terminate());
  }

  /** Ends the transaction now. */
  terminate(): void {
    if (this.#state === 'terminated') return;
    this.#stopRequestTimers();
    this.#timerK?.cancel();
    this.#state = 'terminated';
    this.#user.terminated();
  }

  readonly #fireE = (): void => {
    if (this.#state !== 'trying' && this.#state !== 'proceeding') return;
    this.#send();
    const { t2 } = this.#timing.timers;
    this.#intervalE = this.#state === 'proceeding' ? t2 : Math.min(2 * this.#intervalE, t2);
    this.#timerE = this.#timing.clock.schedule(this.#intervalE, this.#fireE);
  };

  readonly #fireF = (): void => {
    if (this.#state !== 'trying' && this.#state !== 'proceeding') return;
    this.#stopRequestTimers();
    this.#user.timeout();
    this.terminate();
  };

  #stopRequestTimers(): void {
    this.#timerE?.cancel();
    this.#timerF?.cancel();
    this.#timerE = undefined;
    this.#timerF = undefined;
  }

  #send(): void {
    void this.#transport.send(this.#bytes).then(this.#sent);
  }

  readonly #sent = (result: SendResult): void => {
    if (result.ok || this.#state === 'terminated') return;
    this.#user.transportError(result.error);
    this.terminate();
  };
}
