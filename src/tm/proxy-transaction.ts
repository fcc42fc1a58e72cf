// A stateful proxy transaction as Kamailio's tm keeps one (RFC 3261 16): the server transaction for the
// request, the branches it was forked to, and the response context (16.7) that picks what goes upstream.
// Provisional responses and every 2xx are forwarded at once (a 2xx, or a 6xx, cancels the other
// branches); when all branches have a final response, the failure route may fork anew or reply, else the
// best response is forwarded. It runs the script's branch, onreply and failure routes through
// TransactionRoutes, which the server binds to the module version that created the transaction.
import type { Logger } from 'pino';
import { createResponse, type SipRequest, type SipResponse } from '../sip/index.ts';
import type { AddressTarget, Endpoint, Proto, SendResult, SendTarget, Source } from '../transport/index.ts';
import { bestResponse } from './best-response.ts';
import { Branch } from './branch.ts';
import type { Timer } from './clock.ts';
import type { DestinationBranch } from './destination-set.ts';
import { InviteServerTransaction } from './invite-server-transaction.ts';
import { hostPort, type NextHop, nextHop } from './next-hop.ts';
import { NonInviteServerTransaction } from './non-invite-server-transaction.ts';
import { type RecordRouteRequest, recordRouteValues } from './record-route.ts';
import {
  E_ADM_PROHIBITED,
  E_CANCELED,
  E_TOO_MANY_BRANCHES,
  E_UNSPEC,
  type RelayError,
  relayError,
} from './relay-error.ts';
import { remapStatus } from './remap-status.ts';
import type { TmCounters } from './tm-counters.ts';
import type { ServerTransactionUser, TransactionTiming } from './transaction.ts';
import type { ClientEntry, TransactionTable } from './transaction-table.ts';

/** Kamailio's default max_branches: more forks than this in one transaction are refused. */
export const MAX_BRANCHES = 12;

/** A client transaction (a branch's request or its CANCEL) as the table keeps it: with its transaction. */
export interface ProxyClientEntry extends ClientEntry {
  readonly owner: ProxyTransaction;
}

/** The listener a request leaves from, and the address to name it by in Via and Record-Route. */
export interface OutboundInterface {
  /** The listener as bound (may be a wildcard): what the transport sends from. */
  readonly listener: Endpoint;
  /** A concrete address of it (never a wildcard). */
  readonly address: string;
  readonly port: number;
}

/** What all proxy transactions of a server share. */
export interface ProxyEnvironment {
  readonly timing: TransactionTiming;
  readonly table: TransactionTable<ProxyTransaction, ProxyClientEntry>;
  readonly counters: TmCounters;
  /** The transport's send (never rejects). */
  readonly send: (target: SendTarget, bytes: Buffer) => Promise<SendResult>;
  /** The listener a request to `host` over `proto` leaves from; the one `near` arrived on when it fits. */
  listenerFor(proto: Proto, host: string, near: Source): OutboundInterface | undefined;
  /** The To tag of a response this server makes up for `request`. */
  localTag(request: SipRequest): string;
  /** Runs `task` when no route is running (routes never nest: a guest instance is never re-entered). */
  defer(task: () => void): void;
  /** A new Via branch parameter (magic cookie first, unique to this process). */
  newBranch(): string;
}

/** A branch about to be sent, as the branch route sees and may change it. */
export interface BranchDraft {
  readonly index: number;
  /** The branch's request; replaced by a fresh copy when a failed branch route's changes are discarded. */
  request: SipRequest;
  dstUri: string | undefined;
  flags: number;
}

/** What becomes of a branch after its branch route: sent, dropped, or ended with a local final response. */
export type BranchVerdict = 'send' | 'drop' | { readonly status: number; readonly reason: string };

/** What a route may change on a transaction: put back when the route fails (a failure policy). */
export interface TransactionRouteState {
  readonly pending: number;
  readonly onFailure: string | undefined;
  readonly onBranch: string | undefined;
  readonly onReply: string | undefined;
  readonly dropReplies: 'a' | 'l' | 'n';
  readonly fr: number;
  readonly frInv: number;
  readonly recordRoute: RecordRouteRequest | undefined;
}

/** The script's routes for one transaction, bound by the server to the module version that created it. */
export interface TransactionRoutes {
  /** Runs the branch route `name` on `draft`: whether the branch is sent, dropped or ended locally. */
  branch(tx: ProxyTransaction, name: string, draft: BranchDraft): BranchVerdict;
  /**
   * Runs the onreply route `name` for a response of `branch` that came from `source`: the response to go
   * on with (the route may have changed it, or a failed route's changes were discarded), undefined when it
   * is dropped. A final response cannot be dropped: undefined then keeps `response`.
   */
  onReply(
    tx: ProxyTransaction,
    name: string,
    response: SipResponse,
    branch: Branch,
    source: Source | undefined,
  ): SipResponse | undefined;
  /** Runs the failure route `name` (t_relay in it adds branches, t_reply answers). */
  failure(tx: ProxyTransaction, name: string): void;
  /** Why the tenant may not send to `hop`, or undefined when it may. */
  refuse(hop: NextHop): string | undefined;
  /** The transaction is over (the server unpins its module version). */
  ended(tx: ProxyTransaction): void;
}

export interface ProxyTransactionInit {
  /** serverKey() of the request as received. */
  readonly key: string;
  /** The request as received (a copy the route no longer changes). */
  readonly request: SipRequest;
  readonly source: Source;
  /** Where responses go (RFC 3261 18.2.2 / RFC 3581). */
  readonly upstream: SendTarget;
  /** Max-Forwards as received: if a branch still carries it, the script did not process it (16.6 step 3). */
  readonly receivedMaxForwards: number | undefined;
  /** URI parameters the server adds to every Record-Route entry of this transaction (";kwv=7"). */
  readonly recordRouteParams?: string;
  /** The server's own data for the transaction (the script it is pinned to); opaque here. */
  readonly owner?: unknown;
  readonly log: Logger;
}

export type RelayOutcome = { ok: true; branches: number } | { ok: false; error: RelayError };

interface Pending {
  readonly message: SipRequest;
  readonly branch: DestinationBranch;
  readonly hop: NextHop;
  readonly forced: boolean;
}

export class ProxyTransaction implements ServerTransactionUser {
  readonly key: string;
  /** The request as received (local replies are built from it). */
  readonly request: SipRequest;
  readonly source: Source;
  readonly log: Logger;
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
  readonly #upstream: SendTarget;
  readonly #receivedMaxForwards: number | undefined;
  readonly #recordRouteParams: string;
  #pending: Pending[] = [];
  #leg = 0;
  #relayed = false;
  #canceled = false;
  /** A 6xx came: no new branches (16.7 step 5). */
  #closedToBranches = false;
  #finalStatus: number | undefined = undefined;
  #lastStatus = 0;
  #completing = false;
  #serverDone = false;
  #ended = false;
  /** Client transactions (branches and their CANCELs) still running. */
  #live = 0;
  readonly #lifetime: Timer;

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
    this.#upstream = init.upstream;
    this.#receivedMaxForwards = init.receivedMaxForwards;
    this.#recordRouteParams = init.recordRouteParams ?? '';
    this.log = init.log;
    this.owner = init.owner;
    this.fr = env.timing.timers.fr;
    this.frInv = env.timing.timers.frInv;
    const transport = {
      reliable: init.source.proto === 'tcp',
      send: (bytes: Buffer) => env.send(init.upstream, bytes),
    };
    const invite = init.request.method === 'INVITE';
    this.server = invite
      ? new InviteServerTransaction(init.request, transport, this, env.timing)
      : new NonInviteServerTransaction(init.request, transport, this, env.timing);
    const { timers, clock } = env.timing;
    this.#lifetime = clock.schedule(
      invite ? timers.maxInviteLifetime : timers.maxNonInviteLifetime,
      this.#expire,
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
    return this.#finalStatus;
  }

  /** Status of the last response sent upstream, 0 before any ($T_reply_code in the request route). */
  get lastStatus(): number {
    return this.#lastStatus;
  }

  /** True once the transaction was relayed somewhere (t_relay succeeded at least once). */
  get relayed(): boolean {
    return this.#relayed;
  }

  /** Sends 100 Trying (INVITE, 16.2 / Kamailio's auto_inv_100). */
  trying(): void {
    this.server.respond(createResponse(this.request, 100, 'Trying'));
  }

  /**
   * Queues branches to `targets` for `message` (the request as the route left it); they are sent by
   * startPending() once the route returned. `forced` replaces every next hop (t_relay_to_proto_addr).
   * Fails when no branch could be queued, with the first reason.
   */
  relay(message: SipRequest, targets: readonly DestinationBranch[], forced?: NextHop): RelayOutcome {
    if (this.#finalStatus !== undefined) {
      return this.#refused(relayError(E_UNSPEC, `already answered with ${this.#finalStatus}`));
    }
    if (this.#canceled) return this.#refused(relayError(E_CANCELED, 'the caller cancelled the request'));
    if (this.#closedToBranches) {
      return this.#refused(relayError(E_UNSPEC, 'a 6xx was received: no new branches (RFC 3261 16.7)'));
    }
    if (targets.length === 0) return this.#refused(relayError(E_UNSPEC, 'no destination to relay to'));
    if (this.branches.length + this.#pending.length + targets.length > MAX_BRANCHES) {
      return this.#refused(relayError(E_TOO_MANY_BRANCHES, `more than ${MAX_BRANCHES} branches`));
    }
    let first: RelayError | undefined;
    let queued = 0;
    for (const branch of targets) {
      const hop = this.#hopFor(branch, forced);
      if (!hop.ok) {
        first ??= hop.error;
        this.log.warn(
          { uri: branch.dstUri ?? branch.uri, code: hop.error.code },
          `relay refused: ${hop.error.detail}`,
        );
        continue;
      }
      this.#pending.push({ message, branch, hop: hop.hop, forced: forced !== undefined });
      queued++;
    }
    if (queued === 0) return { ok: false, error: first! };
    if (!this.#relayed) {
      this.#relayed = true;
      this.relayedRequest = message;
      this.relayedDstUri = targets[0].dstUri;
    }
    return { ok: true, branches: queued };
  }

  /** Sends the branches relay() queued, each through the branch route when one is set. */
  startPending(): void {
    if (this.#pending.length === 0) return;
    const pending = this.#pending;
    this.#pending = [];
    const leg = ++this.#leg;
    for (const p of pending) this.#startBranch(p, leg);
    this.#checkCompletion();
  }

  /** Sends a response made here (t_reply); false when a final response went out already. */
  reply(status: number, reason: string, headers?: ReadonlyArray<readonly [string, string]>): boolean {
    if (this.#finalStatus !== undefined) return false;
    const response = createResponse(this.request, status, reason, {
      toTag: status > 100 ? this.env.localTag(this.request) : undefined,
      headers,
    });
    if (!this.server.respond(response, true)) return false;
    this.env.counters.localReplies++;
    this.#lastStatus = status;
    if (status >= 200) this.#answered(status, [`SIP;cause=${status}`]);
    return true;
  }

  /** The caller cancelled the request (16.10): cancel every pending branch. */
  cancel(reasons: readonly string[]): void {
    if (this.#canceled) return;
    this.#canceled = true;
    this.#pending = [];
    for (const branch of this.branches) if (branch.final === undefined) branch.cancel(reasons);
    if (!this.#relayed && this.#finalStatus === undefined && this.isInvite) {
      this.reply(487, 'Request Terminated');
    }
  }

  /** t_set_fr once the transaction exists: later branches use the new values, running timers C restart. */
  setTimeouts(frInv: number, fr: number): void {
    if (fr > 0) this.fr = fr;
    if (frInv > 0) {
      this.frInv = frInv;
      for (const branch of this.branches) if (branch.final === undefined) branch.restartTimerC();
    }
  }

  /**
   * Forgets a transaction whose request route failed before anything was relayed (a failure policy drops
   * the request or runs it again on another version): nothing more is sent for it, it leaves the table
   * and its script is unpinned.
   */
  abandon(): void {
    if (this.#finalStatus !== undefined || this.branches.length > 0) return;
    this.#pending = [];
    this.#lifetime.cancel();
    this.server.terminate();
  }

  /** What a route may change here, to restore if the route fails. */
  routeState(): TransactionRouteState {
    return {
      pending: this.#pending.length,
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
    this.#pending.length = Math.min(this.#pending.length, state.pending);
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
    const response =
      this.onReply === undefined
        ? received
        : this.#routes.onReply(this, this.onReply, received, branch, source);
    if (response === undefined) return;
    if (response.status > 100 && this.#finalStatus === undefined) this.#forward(response);
  }

  /** `source`: where the final response came from; undefined for one made up here. */
  branchFinal(branch: Branch, source?: Source): void {
    let final = branch.final!;
    if (final.response !== undefined && this.onReply !== undefined) {
      // A final response cannot be dropped; the route may give back another copy (its changes discarded).
      const kept = this.#routes.onReply(this, this.onReply, final.response, branch, source);
      if (kept !== undefined && kept !== final.response) {
        final = { ...final, response: kept };
        branch.final = final;
      }
    }
    const response = final.response;
    if (response !== undefined && final.status < 300) {
      this.picked = branch;
      if (this.isInvite) {
        this.#cancelOthers(branch, [`SIP;cause=${final.status};text="Call completed elsewhere"`]);
      }
      this.#forward(response);
    } else if (response !== undefined && final.status >= 600 && this.isInvite) {
      this.#closedToBranches = true;
      this.#cancelOthers(branch, [`SIP;cause=${final.status}`]);
    }
    this.#checkCompletion();
  }

  /** A 2xx on a branch this proxy had ended already (timer C, cancel): forwarded all the same. */
  lateSuccess(branch: Branch, received: SipResponse, source: Source): void {
    const response =
      (this.onReply !== undefined && this.#routes.onReply(this, this.onReply, received, branch, source)) ||
      received;
    if (this.isInvite)
      this.#cancelOthers(branch, [`SIP;cause=${response.status};text="Call completed elsewhere"`]);
    this.#forward(response);
  }

  subtransactionStarted(): void {
    this.#live++;
  }

  subtransactionEnded(): void {
    this.#live--;
    this.#maybeEnd();
  }

  // ---- ServerTransactionUser --------------------------------------------------------------------------------

  transportError(error: { message: string; kind: string }): void {
    this.env.counters.sendFailures++;
    this.log.warn({ kind: error.kind }, `response not sent upstream: ${error.message}`);
  }

  ackTimeout(): void {
    this.log.debug({ status: this.#finalStatus }, 'no ACK for the final response (timer H)');
  }

  terminated(): void {
    this.#serverDone = true;
    this.#maybeEnd();
  }

  // ---- internals --------------------------------------------------------------------------------------------

  #refused(error: RelayError): RelayOutcome {
    this.log.warn({ code: error.code }, `relay refused: ${error.detail}`);
    return { ok: false, error };
  }

  #hopFor(branch: DestinationBranch, forced: NextHop | undefined) {
    const found =
      forced === undefined ? nextHop(branch.dstUri ?? branch.uri) : { ok: true as const, hop: forced };
    if (!found.ok) return found;
    const why = this.#routes.refuse(found.hop);
    if (why === undefined) return found;
    const where = `${found.hop.proto}:${hostPort(found.hop.host, found.hop.port)}`;
    return {
      ok: false as const,
      error: relayError(E_ADM_PROHIBITED, `destination ${where} refused: ${why}`),
    };
  }

  #startBranch(p: Pending, leg: number): void {
    const index = this.branches.length;
    let request = p.message.clone();
    let hop = p.hop;
    let flags = p.branch.flags;
    const fail = (status: number, reason: string, detail: string) => {
      this.log.warn({ branch: index, status }, `branch ${index} not sent: ${detail}`);
      const branch = new Branch(this, index, leg, request, hop, targetOf(hop, undefined), '', flags);
      branch.fail(status, reason);
      this.branches.push(branch);
    };
    if (request.uri !== p.branch.uri && !request.setUri(p.branch.uri)) {
      fail(400, 'Bad Request-URI', `'${p.branch.uri}' is not a URI`);
      return;
    }
    if (this.onBranch !== undefined) {
      const draft: BranchDraft = { index, request, dstUri: p.branch.dstUri, flags };
      const verdict = this.#routes.branch(this, this.onBranch, draft);
      request = draft.request;
      if (verdict === 'drop') {
        this.log.debug({ branch: index }, 'branch dropped by the branch route');
        return;
      }
      if (verdict !== 'send') {
        fail(verdict.status, verdict.reason, 'its branch route failed');
        return;
      }
      flags = draft.flags;
      if (!p.forced && (draft.dstUri !== p.branch.dstUri || request.uri !== p.branch.uri)) {
        const again = this.#hopFor({ ...p.branch, uri: request.uri, dstUri: draft.dstUri }, undefined);
        if (!again.ok) {
          fail(again.error.status, again.error.reason, again.error.detail);
          return;
        }
        hop = again.hop;
      }
    }
    // 16.6 step 3, unless the script's process-maxfwd did it already.
    const maxForwards = request.maxForwards;
    if (maxForwards === undefined) request.setHeader('Max-Forwards', '70');
    else if (maxForwards === this.#receivedMaxForwards) {
      if (maxForwards === 0) {
        fail(483, 'Too Many Hops', 'Max-Forwards is 0');
        return;
      }
      request.setHeader('Max-Forwards', String(maxForwards - 1));
    }
    const local = this.env.listenerFor(hop.proto, hop.host, this.source);
    if (local === undefined) {
      fail(503, 'Service Unavailable', `no ${hop.proto} listener to send from`);
      return;
    }
    if (this.recordRoute !== undefined && this.method !== 'ACK' && this.method !== 'CANCEL') {
      const inbound =
        this.env.listenerFor(this.source.proto, this.source.remote.address, this.source) ?? local;
      const values = recordRouteValues(
        { params: this.recordRoute.params + this.#recordRouteParams, preset: this.recordRoute.preset },
        { proto: this.source.proto, ...inbound },
        { proto: hop.proto, ...local },
        this.request.from?.tag,
      );
      for (let i = values.length - 1; i >= 0; i--) request.prependHeader('Record-Route', values[i]);
    }
    const id = this.env.newBranch();
    request.pushVia(`SIP/2.0/${hop.proto.toUpperCase()} ${hostPort(local.address, local.port)};branch=${id}`);
    const branch = new Branch(this, index, leg, request, hop, targetOf(hop, local.listener), id, flags);
    this.branches.push(branch);
    branch.start();
  }

  /** Sends a response received on a branch upstream, our Via removed. */
  #forward(response: SipResponse): void {
    if (response.popVia() === undefined) {
      this.env.counters.repliesAbsorbed++; // only our Via: the response was for this server
      return;
    }
    const status = response.status;
    const out = status === 503 ? remapStatus(response, 500, 'Server Internal Error') : response;
    this.env.counters.repliesRelayed++;
    if (this.server.respond(out)) {
      this.#lastStatus = status;
      if (status >= 200) this.#answered(status, []);
    } else if (status >= 200 && status < 300) {
      // A 2xx after the final response (a forking race): it must reach the caller all the same.
      void this.env.send(this.#upstream, out.toBuffer());
    } else {
      this.env.counters.repliesAbsorbed++;
    }
  }

  #answered(status: number, reasons: readonly string[]): void {
    if (this.#finalStatus !== undefined) return;
    this.#finalStatus = status;
    this.#lifetime.cancel();
    this.#pending = [];
    for (const branch of this.branches) if (branch.final === undefined) branch.cancel(reasons);
  }

  #cancelOthers(winner: Branch, reasons: readonly string[]): void {
    for (const branch of this.branches) {
      if (branch !== winner && branch.final === undefined) branch.cancel(reasons);
    }
  }

  #checkCompletion(): void {
    if (this.#finalStatus !== undefined || this.#completing || !this.#relayed) return;
    if (this.#pending.length > 0) return;
    for (const branch of this.branches) if (branch.final === undefined) return;
    this.#completing = true;
    this.env.defer(this.#complete);
  }

  // Every branch has its final response and none was a 2xx: the failure route, then the best response.
  readonly #complete = (): void => {
    this.#completing = false;
    if (this.#finalStatus !== undefined || this.#pending.length > 0) return;
    for (const branch of this.branches) if (branch.final === undefined) return;
    const candidates = this.branches.filter((b) => !b.dropped && b.final !== undefined);
    const best = bestResponse(candidates.map((b) => b.final!));
    this.picked = best < 0 ? undefined : candidates[best];
    const name = this.onFailure;
    if (name !== undefined && this.picked !== undefined) {
      this.onFailure = undefined; // a failure route arms the next one itself (t_on_failure again)
      this.dropReplies = 'a';
      this.env.counters.failureRoutes++;
      this.#routes.failure(this, name);
      if (this.#finalStatus !== undefined) return;
      if (this.#pending.length > 0) {
        this.#dropEarlierReplies();
        this.startPending();
        return;
      }
    }
    const picked = this.picked;
    if (picked === undefined)
      this.reply(
        this.branches.length === 0 ? 500 : 408,
        this.branches.length === 0 ? 'No Destination' : 'Request Timeout',
      );
    else if (picked.final!.response !== undefined) this.#forward(picked.final!.response);
    else this.reply(picked.final!.status, picked.final!.reason);
  };

  #dropEarlierReplies(): void {
    if (this.dropReplies === 'n') return;
    for (const branch of this.branches) {
      if (this.dropReplies === 'a' || branch.leg === this.#leg) branch.dropped = true;
    }
  }

  // Kamailio's max_inv_lifetime / max_noninv_lifetime: a transaction never answered is answered 408.
  readonly #expire = (): void => {
    if (this.#finalStatus !== undefined) return;
    this.log.warn({ lifetime: true }, 'transaction lifetime exceeded: answering 408');
    this.#pending = [];
    this.reply(408, 'Request Timeout');
  };

  #maybeEnd(): void {
    if (this.#ended || !this.#serverDone || this.#live > 0) return;
    this.#ended = true;
    this.#lifetime.cancel();
    this.env.table.removeServer(this.key, this);
    if (this.isInvite) this.env.table.removeInvite(this);
    this.#routes.ended(this);
  }
}

function targetOf(hop: NextHop, local: Endpoint | undefined): AddressTarget {
  return { proto: hop.proto, address: hop.host, port: hop.port, local };
}
