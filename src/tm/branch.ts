// One branch of a proxy transaction (RFC 3261 16.6-16.8): the forwarded copy of the request, its client
// transaction, timer C, and the CANCEL of the branch (9.1: only once a provisional response came, as
// Kamailio's cancel_b_method 1 does). A branch ends with one final response, received or made up here
// (408 on timeout, 503 on a send failure, 487 once the transaction was cancelled). A branch to a host name
// resolves it when it starts (RFC 3263, once: never per retransmission) into the targets it may use; on a
// 503, a timeout without any response or a transport error the transaction fails over to the next target
// in a new branch (Kamailio's use_dns_failover), before any failure route runs.
import type { Result } from '../result.ts';
import type { SipRequest, SipResponse } from '../sip/index.ts';
import type { AddressTarget, SendError, Source } from '../transport/index.ts';
import type { Timer } from './clock.ts';
import { createCancel } from './hop-by-hop.ts';
import { InviteClientTransaction } from './invite-client-transaction.ts';
import type { NextHop } from './next-hop.ts';
import { NonInviteClientTransaction } from './non-invite-client-transaction.ts';
import type { ProxyClientEntry } from './proxy-environment.ts';
import type { ProxyTransaction } from './proxy-transaction.ts';
import { type ClientTransactionUser, TargetTransport, type TransactionTransport } from './transaction.ts';

export interface BranchFinal {
  readonly status: number;
  readonly reason: string;
  /** The response as received (our Via still on top); undefined for one this proxy made up. */
  readonly response: SipResponse | undefined;
  readonly local: boolean;
}

/** The request as sent to one destination: with its Via (and Record-Route), the target, the Via branch. */
export interface AddressedBranch {
  readonly request: SipRequest;
  readonly target: AddressTarget;
  readonly id: string;
}

/**
 * Addresses the branch's request to `to` (an IP literal): the interface, Record-Route and Via (RFC 3261
 * 16.6 steps 6-8); on a copy when `copy`. The error says why it cannot be sent there (no listener).
 */
export type Addressing = (to: NextHop, copy: boolean) => Result<AddressedBranch, string>;

/** A branch to a name: the request before steps 6-8, and the targets left when known already (failover). */
export interface UnaddressedBranch {
  readonly request: SipRequest;
  readonly addressing: Addressing;
  readonly targets?: NextHop[];
}

/**
 * A client transaction of a branch (its request or its CANCEL) as the table keeps it: an object, not a
 * closure with its context, for each one.
 */
class BranchEntry implements ProxyClientEntry {
  readonly owner: ProxyTransaction;
  readonly #client: NonInviteClientTransaction | InviteClientTransaction;

  constructor(owner: ProxyTransaction, client: NonInviteClientTransaction | InviteClientTransaction) {
    this.owner = owner;
    this.#client = client;
  }

  receiveResponse(response: SipResponse, source: Source): void {
    this.#client.receiveResponse(response, source);
  }
}

export class Branch implements ClientTransactionUser {
  /** Position in the transaction, 0 first ($T_branch_idx). */
  readonly index: number;
  /** Which round of forking made it (request route 1, each failure route that relays one more). */
  readonly leg: number;
  /**
   * The request as sent, with our Via on top (before a name is resolved: the request without it);
   * undefined once released (releaseParsed) after the transaction's final response.
   */
  request: SipRequest | undefined;
  readonly method: string;
  /** Where the script sent it (a name, when it was one). */
  readonly hop: NextHop;
  /** The concrete destination (the name until it is resolved). */
  target: AddressTarget;
  /** Our Via branch parameter ('' until the branch is addressed). */
  id: string;
  /** Branch flags (setbflag). */
  readonly flags: number;
  final: BranchFinal | undefined = undefined;
  /** A response came before the final one (t_branch_replied). */
  replied = false;
  /** The final response is a timeout (t_branch_timeout). */
  timedOut = false;
  /** Replies t_drop_replies discarded: not a candidate for the best response any more. */
  dropped = false;
  readonly #owner: ProxyTransaction;
  #client: InviteClientTransaction | NonInviteClientTransaction | undefined;
  #entry: BranchEntry | undefined;
  #cancel: NonInviteClientTransaction | undefined;
  /** Reason values of a CANCEL waiting for the first provisional response. */
  #cancelWanted: readonly string[] | undefined;
  #timerC: Timer | undefined;
  #giveUp: Timer | undefined;
  /** How to address the request to a target of a name; undefined for a branch to an address. */
  #addressing: Addressing | undefined;
  /** The targets of the name not tried yet (failover); undefined until resolved. */
  #targets: NextHop[] | undefined;
  /** The name is being resolved. */
  #resolving = false;

  constructor(
    owner: ProxyTransaction,
    index: number,
    leg: number,
    hop: NextHop,
    flags: number,
    send: AddressedBranch | UnaddressedBranch,
  ) {
    this.#owner = owner;
    this.index = index;
    this.leg = leg;
    this.request = send.request;
    this.method = send.request.method;
    this.hop = hop;
    this.flags = flags;
    if ('addressing' in send) {
      this.#addressing = send.addressing;
      this.#targets = send.targets;
      this.target = { proto: hop.proto, address: hop.host, port: hop.port };
      this.id = '';
    } else {
      this.target = send.target;
      this.id = send.id;
    }
  }

  get isInvite(): boolean {
    return this.method === 'INVITE';
  }

  /**
   * Sends the request in a new client transaction; a branch to a name resolves it first (once) and sends to
   * its first target that has an interface to send from.
   */
  start(): void {
    if (this.#addressing === undefined) {
      this.#startClient();
      return;
    }
    if (this.#targets !== undefined) {
      this.#sendToNextTarget();
      return;
    }
    this.#resolving = true;
    void this.#owner.resolveHop(this.hop).then((found) => {
      this.#resolving = false;
      if (this.final !== undefined) return; // cancelled or expired meanwhile
      // Answered meanwhile by another branch (a non-INVITE has no CANCEL): this one ends unsent.
      if (this.#owner.finalStatus !== undefined) {
        this.fail(500, 'Not Sent');
        return;
      }
      if (!found.ok) {
        this.#owner.env.counters.unresolved++;
        this.#owner.env.logLimit.warn(
          this.#owner.log,
          'branch-unresolved',
          { branch: this.index },
          `branch ${this.index}: ${found.error}`,
        );
        this.#endWith(503, 'Service Unavailable');
        return;
      }
      this.#targets = found.value;
      this.#sendToNextTarget();
    });
  }

  #sendToNextTarget(): void {
    const targets = this.#targets!;
    for (let to = targets.shift(); to !== undefined; to = targets.shift()) {
      const addressed = this.#addressing!(to, true);
      if (addressed.ok) {
        this.request = addressed.value.request;
        this.target = addressed.value.target;
        this.id = addressed.value.id;
        this.#startClient();
        return;
      }
      this.#owner.log.debug({ branch: this.index, target: to.host }, `target skipped: ${addressed.error}`);
    }
    this.#endWith(503, 'Service Unavailable');
  }

  /** Ends the branch with a final response made here, before any client transaction (the owner is told). */
  #endWith(status: number, reason: string): void {
    if (this.final !== undefined) return;
    this.final = { status, reason, response: undefined, local: true };
    this.#owner.branchFinal(this);
  }

  #startClient(): void {
    const env = this.#owner.env;
    const transport = this.#transport();
    const timing = env.timing;
    this.#client = this.isInvite
      ? new InviteClientTransaction(this.request!, transport, this, timing, this.#owner.fr)
      : new NonInviteClientTransaction(this.request!, transport, this, timing, this.#owner.fr);
    this.#entry = new BranchEntry(this.#owner, this.#client);
    env.table.addClient(this.id, this.method, this.#entry);
    env.counters.clientTransactions++;
    this.#owner.subtransactionStarted();
    this.#client.start();
  }

  /** Ends the branch before it was sent, with a response made up here (403 refused, 483 ...). */
  fail(status: number, reason: string): void {
    this.final = { status, reason, response: undefined, local: true };
  }

  /**
   * Cancels the branch (16.10): a CANCEL now if it is proceeding, else once a provisional comes (9.1). The
   * first cancellation's Reason stands, as for a CANCEL already sent: a 2xx elsewhere asks with "Call
   * completed elsewhere" and then answers the transaction, which cancels again without a Reason.
   */
  cancel(reasons: readonly string[]): void {
    if (this.#resolving && this.#client === undefined) {
      this.#endWith(487, 'Request Terminated');
      return;
    }
    if (!this.isInvite || this.#cancel !== undefined || this.final?.local === false) return;
    if (this.#client?.state === 'proceeding') this.#sendCancel(reasons);
    else if (this.#client?.state === 'calling') this.#cancelWanted ??= reasons;
  }

  /** The branch's client transaction (or its CANCEL) has not ended yet. */
  get running(): boolean {
    const client = this.#client?.state;
    const cancel = this.#cancel?.state;
    return (
      (client !== undefined && client !== 'terminated') || (cancel !== undefined && cancel !== 'terminated')
    );
  }

  /**
   * The transaction's lifetime is over: the branch ends now, whatever its state. A proceeding INVITE is
   * cancelled (the CANCEL runs on the configured timers, never a script's); the client transaction stops
   * retransmitting and waiting, and the branch's final response is made up here if it had none.
   */
  expire(): void {
    const client = this.#client;
    if (client === undefined && this.#resolving) {
      this.#endLocally();
      return;
    }
    if (client === undefined || client.state === 'terminated') return;
    if (this.final === undefined && this.isInvite && client.state === 'proceeding') this.#sendCancel([]);
    this.#cancelWanted = undefined;
    this.#timerC?.cancel();
    this.#giveUp?.cancel();
    this.#endLocally();
    client.terminate();
  }

  /** Sets the final-response timer C anew (t_set_fr while the branch is proceeding). */
  restartTimerC(): void {
    if (this.#timerC === undefined) return;
    this.#timerC.cancel();
    this.#timerC = this.#owner.env.timing.clock.schedule(this.#owner.frInv, Branch.#fireC, this);
  }

  /**
   * Drops the parsed messages of a branch that has its final response, once the transaction's final
   * response went upstream (ProxyTransaction.releaseParsed). Nothing reads them any more: the request is
   * only needed to send (start, failover) or cancel the branch, and a branch with its final response whose
   * client transaction left Calling/Proceeding does neither (cancel() needs Proceeding, failover a branch
   * without a final response); its final response was weighed (16.7) and accounted already, and late
   * onreply routes see only the response they run for. What stays: status, reason, flags, index, the Via
   * branch and the method, which t_check_status, $T_reply_code, t_branch_* and the table still read.
   */
  releaseParsed(): void {
    const final = this.final;
    if (final === undefined) return;
    const state = this.#client?.state;
    if (state === 'calling' || state === 'proceeding' || this.#resolving) return;
    this.request = undefined;
    this.#addressing = undefined;
    this.#targets = undefined;
    if (final.response !== undefined) this.final = { ...final, response: undefined };
  }

  // ---- ClientTransactionUser --------------------------------------------------------------------------------

  receiveResponse(response: SipResponse, source: Source): void {
    const status = response.status;
    if (status < 200) {
      if (this.isInvite && this.final === undefined) {
        this.#timerC?.cancel();
        this.#timerC = this.#owner.env.timing.clock.schedule(this.#owner.frInv, Branch.#fireC, this);
      }
      if (this.#cancelWanted !== undefined) this.#sendCancel(this.#cancelWanted);
      if (this.final === undefined) {
        this.#owner.branchProvisional(this, response, source);
        this.replied = true;
      }
      return;
    }
    this.#timerC?.cancel();
    this.#timerC = undefined;
    if (this.final !== undefined) {
      // Already ended here (timer C, cancel): a 2xx still has to reach the caller (16.7 step 5).
      if (status < 300) this.#owner.lateSuccess(this, response, source);
      return;
    }
    if (status === 503) this.#failover();
    this.final = { status, reason: response.reason, response, local: false };
    this.#owner.branchFinal(this, source);
  }

  timeout(): void {
    this.#owner.env.counters.timeouts++;
    // A target that answered at all is alive: only a silent one is failed over (a ringing one is not).
    if (!this.replied && this.final === undefined) this.#failover();
    this.#endLocally();
  }

  transportError(error: SendError): void {
    this.#owner.env.counters.sendFailures++;
    this.#owner.env.logLimit.warn(
      this.#owner.log,
      'branch-send-failed',
      { branch: this.index, kind: error.code },
      `branch ${this.index}: ${error.message}`,
    );
    if (this.final !== undefined) return;
    this.#failover();
    this.final = { status: 503, reason: 'Service Unavailable', response: undefined, local: true };
    this.#owner.branchFinal(this);
  }

  /**
   * The name's next target in a new branch of the transaction, before this one's final response is
   * weighed: the transaction then still has a branch pending, so no failure route runs yet.
   */
  #failover(): void {
    const targets = this.#targets;
    if (targets === undefined || targets.length === 0 || this.#addressing === undefined) return;
    if (!this.#owner.env.dnsFailover) return;
    this.#targets = [];
    // The addressing copies the request as forwarding left it; `request` stands in until then.
    this.#owner.failover(this, { request: this.request!, addressing: this.#addressing, targets });
  }

  terminated(): void {
    this.#timerC?.cancel();
    this.#giveUp?.cancel();
    this.#owner.env.table.removeClient(this.id, this.method, this.#entry!);
    this.#owner.subtransactionEnded();
  }

  // ---- internals --------------------------------------------------------------------------------------------

  #transport(): TransactionTransport {
    return new TargetTransport(this.#owner.env, this.target, this.target.proto !== 'udp');
  }

  /** A timeout, or no answer to our CANCEL: 408, or 487 once the caller cancelled. */
  #endLocally(): void {
    if (this.final !== undefined) return;
    this.timedOut = true;
    this.final = this.#owner.canceled
      ? { status: 487, reason: 'Request Terminated', response: undefined, local: true }
      : { status: 408, reason: 'Request Timeout', response: undefined, local: true };
    this.#owner.branchFinal(this);
  }

  // Timer C (16.8): no final response long after a provisional one; give the branch up and cancel it. A
  // static function scheduled with the branch (Clock.schedule), not a closure made for each branch.
  static #fireC(branch: Branch): void {
    branch.#timerC = undefined;
    if (branch.final !== undefined) return;
    branch.#owner.env.counters.timeouts++;
    branch.#sendCancel([]);
    branch.#endLocally();
  }

  #sendCancel(reasons: readonly string[]): void {
    this.#cancelWanted = undefined;
    if (this.#cancel !== undefined || this.#client === undefined) return;
    const env = this.#owner.env;
    const client = this.#client;
    const cancel: NonInviteClientTransaction = new NonInviteClientTransaction(
      createCancel(this.request!, reasons),
      this.#transport(),
      {
        receiveResponse: () => {},
        timeout: () => {},
        transportError: (error) =>
          env.logLimit.warn(
            this.#owner.log,
            'cancel-send-failed',
            { branch: this.index },
            `CANCEL: ${error.message}`,
          ),
        terminated: () => {
          env.table.removeClient(this.id, 'CANCEL', entry);
          this.#owner.subtransactionEnded();
        },
      },
      env.timing,
    );
    const entry = new BranchEntry(this.#owner, cancel);
    this.#cancel = cancel;
    env.table.addClient(this.id, 'CANCEL', entry);
    env.counters.cancelsSent++;
    this.#owner.subtransactionStarted();
    cancel.start();
    // 9.1: without a final response 64*T1 after the CANCEL, the INVITE is given up.
    this.#giveUp = env.timing.clock.schedule(64 * env.timing.timers.t1, () => {
      this.#endLocally();
      client.terminate();
    });
  }
}
