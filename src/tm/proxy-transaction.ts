// A stateful proxy transaction as Kamailio's tm keeps one (RFC 3261 16): the server transaction for the
// request, the branches it was forked to, and the response context (16.7) that picks what goes upstream.
// It is the face the rest of the server uses; the work is done by its parts: the relay queue (t_relay
// queues, startPending sends), request forwarding (16.6, one branch each), the response context (16.7)
// and the failure route. It runs the script's branch, onreply and failure routes through
// TransactionRoutes, which the server binds to the module version that created the transaction.
import type { Logger } from 'pino';
import { err, type Result } from '../result.ts';
import { createResponse, heldUntil, responseBytes, type SipRequest, type SipResponse } from '../sip/index.ts';
import type { SendTarget, Source } from '../transport/index.ts';
import { Branch, type UnaddressedBranch } from './branch.ts';
import type { Timer } from './clock.ts';
import type { DestinationBranch } from './destination-set.ts';
import { InviteServerTransaction } from './invite-server-transaction.ts';
import { loopSuffix } from './loop-detection.ts';
import { allowedHop, type NextHop } from './next-hop.ts';
import { NonInviteServerTransaction } from './non-invite-server-transaction.ts';
import type {
  ProxyEnvironment,
  ProxyTransactionInit,
  TransactionRouteState,
  TransactionRoutes,
} from './proxy-environment.ts';
import type { RecordRouteRequest } from './record-route.ts';
import { E_CANCELED, E_UNSPEC, type RelayError, relayError } from './relay-error.ts';
import { RelayQueue } from './relay-queue.ts';
import { type Forwarding, forwardBranch } from './request-forwarding.ts';
import { cancelPending, type LocalReplyBody, ResponseContext } from './response-context.ts';
import { type ServerTransactionUser, TargetTransport } from './transaction.ts';

/** What relay() did: how many branches it queued, or why it queued none. */
export type RelayOutcome = Result<number, RelayError>;

export class ProxyTransaction implements ServerTransactionUser {
  readonly key: string;
  /** The request as received (local replies are built from it). */
  readonly request: SipRequest;
  readonly source: Source;
  /** Where responses go (ProxyTransactionInit.upstream); branches are signed for it (branch-ids.ts). */
  readonly upstream: SendTarget;
  readonly env: ProxyEnvironment;
  readonly server: InviteServerTransaction | NonInviteServerTransaction;
  readonly branches: Branch[] = [];
  /** ProxyTransactionInit.owner. */
  readonly owner: unknown;
  /** Route names set with t_on_failure, t_on_branch, t_on_reply. */
  onFailure: string | undefined = undefined;
  onBranch: string | undefined = undefined;
  onReply: string | undefined = undefined;
  /** Timers B/F and C of new branches (t_set_fr). */
  fr: number;
  frInv: number;
  /** Message flags as they were at t_relay; failure and onreply routes start from them. */
  flags = 0;
  /** The request's AVPs (`$avp(name)`) from t_relay on, shared by the transaction's routes. */
  avps: Map<string, string | number> | undefined = undefined;
  /** What t_load_contacts left for t_next_contacts. */
  contacts: DestinationBranch[] | undefined = undefined;
  recordRoute: RecordRouteRequest | undefined = undefined;
  /** t_drop_replies: which earlier replies a new round of branches discards (Kamailio failure_reply_mode 3). */
  dropReplies: 'a' | 'l' | 'n' = 'a';
  /** The request and $du as first relayed: where a failure route starts from. */
  relayedRequest: SipRequest | undefined = undefined;
  relayedDstUri: string | undefined = undefined;
  /** The branch whose response won (set when the failure route runs and when the final one is sent). */
  picked: Branch | undefined = undefined;
  readonly #routes: TransactionRoutes;
  readonly #forwarding: Forwarding;
  readonly #queue: RelayQueue;
  readonly #responses: ResponseContext;
  #relayed = false;
  #canceled = false;
  #serverDone = false;
  #ended = false;
  /** Client transactions (branches and their CANCELs) still running. */
  #live = 0;
  readonly #lifetime: Timer;
  #log: Logger | undefined;
  #makeLog: ((tx: ProxyTransaction) => Logger) | undefined;

  /**
   * Makes the transaction and registers it for matching (retransmissions, ACK, CANCEL); undefined when a
   * transaction has the key already.
   */
  static open(
    env: ProxyEnvironment,
    routes: TransactionRoutes,
    init: ProxyTransactionInit,
  ): ProxyTransaction | undefined {
    if (env.table.lookup(init.key, init.request) !== undefined) return undefined;
    const tx = new ProxyTransaction(env, routes, init);
    env.table.addServer(init.key, tx);
    if (tx.isInvite) env.table.addInvite(tx);
    return tx;
  }

  private constructor(env: ProxyEnvironment, routes: TransactionRoutes, init: ProxyTransactionInit) {
    this.env = env;
    this.#routes = routes;
    this.key = init.key;
    this.request = init.request;
    this.source = init.source;
    this.upstream = init.upstream;
    if (typeof init.log === 'function') this.#makeLog = init.log;
    else this.#log = init.log;
    this.owner = init.owner;
    this.fr = env.timing.timers.fr;
    this.frInv = env.timing.timers.frInv;
    this.#forwarding = {
      routes,
      receivedMaxForwards: init.receivedMaxForwards,
      recordRouteParams: init.recordRouteParams ?? '',
      branchSuffix: init.loopTag === undefined ? '' : loopSuffix(init.loopTag),
    };
    this.#queue = new RelayQueue(this, env.logLimit);
    this.#responses = new ResponseContext(this, routes, this.#queue, init.upstream);
    const transport = new TargetTransport(env, init.upstream, init.source.proto !== 'udp');
    const invite = init.request.method === 'INVITE';
    this.server = invite
      ? new InviteServerTransaction(init.request, transport, this, env.timing)
      : new NonInviteServerTransaction(init.request, transport, this, env.timing);
    const { timers, clock } = env.timing;
    this.#lifetime = clock.schedule(
      invite ? timers.maxInviteLifetime : timers.maxNonInviteLifetime,
      ProxyTransaction.#expire,
      this,
    );
    env.counters.serverTransactions++;
  }

  get method(): string {
    return this.request.method;
  }

  get isInvite(): boolean {
    return this.request.method === 'INVITE';
  }

  /** For 2543 ACK matching (TransactionTable). */
  get finalToTag(): string | undefined {
    return this.server instanceof InviteServerTransaction ? this.server.finalToTag : undefined;
  }

  /** The caller cancelled (t_is_canceled). */
  get canceled(): boolean {
    return this.#canceled;
  }

  /** Status of the final response sent upstream, if one was. */
  get finalStatus(): number | undefined {
    return this.#responses.finalStatus;
  }

  /** Status of the last response sent upstream, 0 before any ($T_reply_code in the request route). */
  get lastStatus(): number {
    return this.#responses.lastStatus;
  }

  /** True once the transaction was relayed somewhere (t_relay succeeded at least once). */
  get relayed(): boolean {
    return this.#relayed;
  }

  /** Sends 100 Trying (INVITE, 16.2 / Kamailio's auto_inv_100). */
  trying(): void {
    // Written as bytes at once (sl's responseBytes): a 100 made here is never edited, so not parsed back.
    const server = this.server;
    if (server instanceof InviteServerTransaction)
      server.respondProvisional(responseBytes(this.request, 100, 'Trying'));
    else server.respond(createResponse(this.request, 100, 'Trying'));
  }

  /**
   * Queues branches to `targets` for `message` (the request as the route left it); they are sent by
   * startPending() once the route returned. `forced` replaces every next hop (t_relay_to_proto_addr).
   * Fails when no branch could be queued, with the first reason.
   */
  relay(message: SipRequest, targets: readonly DestinationBranch[], forced?: NextHop): RelayOutcome {
    const closed = this.#closedToBranches();
    if (closed !== undefined) {
      this.env.logLimit.warn(
        this.log,
        'relay-refused',
        { code: closed.code },
        `relay refused: ${closed.message}`,
      );
      return err(closed);
    }
    const refuse = (hop: NextHop) => this.#routes.refuse(hop);
    const outcome = this.#queue.add(message, targets, forced !== undefined, this.branches.length, (target) =>
      allowedHop(target.dstUri ?? target.uri, forced, refuse),
    );
    if (outcome.ok && !this.#relayed) {
      this.#relayed = true;
      this.relayedRequest = message;
      this.relayedDstUri = targets[0].dstUri;
    }
    return outcome;
  }

  /** Sends the branches relay() queued as one round, each through the branch route when one is set. */
  startPending(): void {
    if (this.#queue.length === 0) return;
    const held = this.#queue.held();
    if (held !== undefined) {
      // An edit of the request is under way (rtpengine's SDP): the round goes once it landed. A CANCEL
      // meanwhile emptied the queue: nothing went out, the INVITE ends with 487 as before any relay.
      void held.then(() => {
        if (this.#queue.length > 0) this.startPending();
        else if (this.#canceled && this.branches.length === 0) this.reply(487, 'Request Terminated');
      });
      return;
    }
    const { queued, leg } = this.#queue.take();
    const round: Branch[] = [];
    for (const next of queued) {
      const branch = forwardBranch(this, this.#forwarding, next, leg);
      if (branch === undefined) continue;
      this.branches.push(branch);
      if (branch.final === undefined) round.push(branch);
    }
    const edits = round.map((b) => heldUntil(b.request!)).filter((held) => held !== undefined);
    if (edits.length === 0) for (const branch of round) branch.start();
    // A branch route asked for an edit of its copy (rtpengine's SDP in Kamailio's branch_route): the round
    // goes once every edit landed, as Kamailio sends the branches after its blocking call returned.
    else void Promise.all(edits).then(() => this.#startHeld(round));
    this.#responses.checkCompletion();
  }

  /** The targets a branch to the name of `hop` may use, best first (TransactionRoutes.resolve). */
  resolveHop(hop: NextHop): Promise<Result<NextHop[], string>> {
    return this.#routes.resolve(hop);
  }

  /**
   * DNS failover (Kamailio's use_dns_failover): `failed` ended on a 503, a silent timeout or a transport
   * error, and its name has `next` targets left: a new branch of the same round goes to them, unless the
   * transaction takes no more branches (answered, cancelled, a 6xx).
   */
  failover(failed: Branch, next: UnaddressedBranch): void {
    if (this.#closedToBranches() !== undefined) return;
    this.env.counters.dnsFailovers++;
    this.log.info(
      {
        branch: failed.index,
        from: `${failed.target.address}:${failed.target.port}`,
        left: next.targets?.length,
      },
      'DNS failover: the next target of the name',
    );
    const branch = new Branch(this, this.branches.length, failed.leg, failed.hop, failed.flags, next);
    this.branches.push(branch);
    branch.start();
  }

  /** Sends a response made here (t_reply); false when a final response went out already. */
  reply(
    status: number,
    reason: string,
    headers?: ReadonlyArray<readonly [string, string]>,
    body?: LocalReplyBody,
  ): boolean {
    return this.#responses.reply(status, reason, headers, body);
  }

  /** The caller cancelled the request (16.10): cancel every pending branch. */
  cancel(reasons: readonly string[]): void {
    if (this.#canceled) return;
    this.#canceled = true;
    this.#queue.clear();
    cancelPending(this.branches, reasons);
    if (!this.#relayed && this.finalStatus === undefined && this.isInvite) {
      this.reply(487, 'Request Terminated');
    }
  }

  /**
   * t_set_fr: later branches use the new values, running timers C restart; 0 keeps a value. A value above
   * the configured maximum (maxFr, maxFrInv) is cut to it: a script cannot keep a branch for days.
   */
  setTimeouts(frInv: number, fr: number): void {
    const { maxFr, maxFrInv } = this.env.timing.timers;
    if (fr > maxFr || frInv > maxFrInv) {
      this.log.warn(
        { fr, frInv, maxFr, maxFrInv },
        't-set-fr: timeouts above the configured maxima are cut to them',
      );
    }
    if (fr > 0) this.fr = Math.min(fr, maxFr);
    if (frInv > 0) {
      this.frInv = Math.min(frInv, maxFrInv);
      for (const branch of this.branches) if (branch.final === undefined) branch.restartTimerC();
    }
  }

  /**
   * Forgets a transaction whose request route failed before anything was relayed (a failure policy drops
   * the request or runs it again on another version): nothing more is sent for it, it leaves the table
   * and its script is unpinned.
   */
  abandon(): void {
    if (this.finalStatus !== undefined || this.branches.length > 0) return;
    this.#queue.clear();
    this.#lifetime.cancel();
    this.server.terminate();
  }

  /** The transaction's log (ProxyTransactionInit.log), made on first read. */
  get log(): Logger {
    if (this.#log === undefined) {
      this.#log = this.#makeLog!(this);
      this.#makeLog = undefined;
    }
    return this.#log;
  }

  /** What a route may change here, to restore if the route fails. */
  routeState(): TransactionRouteState {
    return {
      pending: this.#queue.length,
      onFailure: this.onFailure,
      onBranch: this.onBranch,
      onReply: this.onReply,
      dropReplies: this.dropReplies,
      fr: this.fr,
      frInv: this.frInv,
      recordRoute: this.recordRoute,
    };
  }

  /** Puts back what a failed route changed: its settings, and the branches it queued are not sent. */
  restoreRouteState(state: TransactionRouteState): void {
    this.#queue.truncate(state.pending);
    this.onFailure = state.onFailure;
    this.onBranch = state.onBranch;
    this.onReply = state.onReply;
    this.dropReplies = state.dropReplies;
    this.fr = state.fr;
    this.frInv = state.frInv;
    this.recordRoute = state.recordRoute;
  }

  // ---- from the branches ------------------------------------------------------------------------------------

  branchProvisional(branch: Branch, received: SipResponse, source: Source): void {
    this.#responses.provisional(branch, received, source);
  }

  /** `source`: where the final response came from; undefined for one made up here. */
  branchFinal(branch: Branch, source?: Source): void {
    this.#responses.final(branch, source);
  }

  /** A 2xx on a branch this proxy had ended already (timer C, cancel): forwarded all the same. */
  lateSuccess(branch: Branch, received: SipResponse, source: Source): void {
    this.#responses.lateSuccess(branch, received, source);
  }

  /**
   * The final response went upstream and no route of this transaction is running (ResponseContext calls
   * it then, and again as late branch responses come): drops the parsed messages nothing reads any more,
   * which would otherwise stay for the transaction's linger (timers L, J, M, D: Kamailio's wait timer).
   * The relayed copy is read only by the failure route (its start and t_relay's destination set) and by
   * acc when the final response is sent; after that no failure route runs (16.7 completes once). Each
   * branch drops its copy and its final response (Branch.releaseParsed). Kept: the request as received,
   * which matching (retransmissions, ACK, CANCEL: TransactionTable), dialog tracking, rtpengine in a late
   * onreply route and the logs read, and the server transaction's bytes for retransmitting the final
   * response; a late 2xx (16.7 step 5) is forwarded from the response itself.
   */
  releaseParsed(): void {
    this.relayedRequest = undefined;
    for (const branch of this.branches) branch.releaseParsed();
  }

  subtransactionStarted(): void {
    this.#live++;
  }

  subtransactionEnded(): void {
    this.#live--;
    this.#maybeEnd();
  }

  // ---- ServerTransactionUser --------------------------------------------------------------------------------

  transportError(error: { message: string; code: string }): void {
    this.env.counters.sendFailures++;
    this.env.logLimit.warn(
      this.log,
      'response-not-sent',
      { kind: error.code },
      `response not sent upstream: ${error.message}`,
    );
  }

  ackTimeout(): void {
    this.log.debug({ status: this.finalStatus }, 'no ACK for the final response (timer H)');
  }

  terminated(): void {
    this.#serverDone = true;
    this.#maybeEnd();
  }

  // ---- internals --------------------------------------------------------------------------------------------

  /** Starts a round that waited for its edits; a CANCEL or a final response meanwhile ends it unsent. */
  #startHeld(round: readonly Branch[]): void {
    const closed = this.#closedToBranches();
    for (const branch of round) {
      if (closed === undefined) branch.start();
      else branch.fail(this.#canceled ? 487 : 500, this.#canceled ? 'Request Terminated' : 'Not Sent');
    }
    this.#responses.checkCompletion();
  }

  /** Why no branch may be added any more, or undefined while they may. */
  #closedToBranches(): RelayError | undefined {
    const final = this.finalStatus;
    if (final !== undefined) return relayError(E_UNSPEC, `already answered with ${final}`);
    if (this.#canceled) return relayError(E_CANCELED, 'the caller cancelled the request');
    if (this.#responses.closedToBranches) {
      return relayError(E_UNSPEC, 'a 6xx was received: no new branches (RFC 3261 16.7)');
    }
    return undefined;
  }

  // Kamailio's max_inv_lifetime / max_noninv_lifetime: a transaction never answered is answered 408, and
  // every branch still running ends now (answered or not: a branch cancelled after a 2xx elsewhere may
  // still be calling on a long timer B), so the transaction ends and its script is unpinned. A static
  // function scheduled with the transaction (Clock.schedule), not a closure made for each one.
  static #expire(tx: ProxyTransaction): void {
    tx.#lifetimeExceeded();
  }

  #lifetimeExceeded(): void {
    const live = this.branches.filter((b) => b.running).length;
    if (this.finalStatus === undefined) {
      this.env.logLimit.warn(
        this.log,
        'lifetime-exceeded',
        { lifetime: true, branches: live },
        'transaction lifetime exceeded: answering 408',
      );
      this.#queue.clear();
      this.reply(408, 'Request Timeout');
    } else if (live > 0) {
      this.log.warn({ lifetime: true, branches: live }, 'transaction lifetime exceeded: ending its branches');
    }
    for (const branch of this.branches) branch.expire();
  }

  #maybeEnd(): void {
    if (this.#ended || !this.#serverDone || this.#live > 0) return;
    this.#ended = true;
    this.#lifetime.cancel();
    this.env.table.removeServer(this.key, this);
    if (this.isInvite) this.env.table.removeInvite(this);
    this.#routes.ended(this);
  }
}
