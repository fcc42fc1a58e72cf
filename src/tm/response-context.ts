// The response context of a proxy transaction (RFC 3261 16.7): what goes upstream, and when. The onreply
// route sees each response first. Provisional responses (but 100) are forwarded at once; so is every 2xx
// (step 5), which on an INVITE cancels the other branches ("Call completed elsewhere"); a 6xx cancels them
// and closes the transaction to new branches. When every branch has its final response and none was a
// 2xx, the failure route may answer or fork anew (failure-route.ts); else the best response (step 6,
// best-response.ts) is forwarded, 503 as 500. Responses made here (t_reply) go out through it too, so it
// is the one record of what was sent.
import { createResponse, heldUntil, type SipResponse } from '../sip/index.ts';
import type { SendTarget, Source } from '../transport/index.ts';
import { bestResponse } from './best-response.ts';
import type { Branch } from './branch.ts';
import { runFailureRoute } from './failure-route.ts';
import type { TransactionRoutes } from './proxy-environment.ts';
import type { ProxyTransaction } from './proxy-transaction.ts';
import type { RelayQueue } from './relay-queue.ts';
import { remapStatus } from './remap-status.ts';

/** Cancels every branch of `branches` still waiting for its final response, but `winner` (16.10, 16.7). */
/** The body of a reply the proxy makes itself (the script's `set-reply-body`). */
export interface LocalReplyBody {
  readonly body: string;
  readonly contentType: string;
}

export function cancelPending(
  branches: readonly Branch[],
  reasons: readonly string[],
  winner?: Branch,
): void {
  for (const branch of branches) if (branch !== winner && branch.final === undefined) branch.cancel(reasons);
}

export class ResponseContext {
  readonly #tx: ProxyTransaction;
  readonly #routes: TransactionRoutes;
  readonly #queue: RelayQueue;
  /** Where responses go (RFC 3261 18.2.2 / RFC 3581), for a 2xx the server transaction no longer takes. */
  readonly #upstream: SendTarget;
  #finalStatus: number | undefined = undefined;
  #lastStatus = 0;
  /** A 6xx came: no new branches (step 5). */
  #closedToBranches = false;
  #completing = false;
  /** The final response went to the routes' `responded` (a second 2xx of a fork does not). */
  #finalReported = false;
  /** The failure route is running (or waiting): it may still read the relayed request and the branches. */
  #inFailureRoute = false;

  constructor(tx: ProxyTransaction, routes: TransactionRoutes, queue: RelayQueue, upstream: SendTarget) {
    this.#tx = tx;
    this.#routes = routes;
    this.#queue = queue;
    this.#upstream = upstream;
  }

  /** Status of the final response sent upstream, if one was. */
  get finalStatus(): number | undefined {
    return this.#finalStatus;
  }

  /** Status of the last response sent upstream, 0 before any. */
  get lastStatus(): number {
    return this.#lastStatus;
  }

  get closedToBranches(): boolean {
    return this.#closedToBranches;
  }

  /** Sends a response made here (t_reply); false when a final response went out already. */
  reply(
    status: number,
    reason: string,
    headers?: ReadonlyArray<readonly [string, string]>,
    body?: LocalReplyBody,
  ): boolean {
    if (this.#finalStatus !== undefined) return false;
    const tx = this.#tx;
    const response = createResponse(tx.request, status, reason, {
      toTag: status > 100 ? tx.env.localTag(tx.request) : undefined,
      headers,
      body: body?.body,
      contentType: body?.contentType,
    });
    if (!tx.server.respond(response, true)) return false;
    tx.env.counters.localReplies++;
    this.#lastStatus = status;
    if (status >= 200) this.#answered(status, [`SIP;cause=${status}`]);
    this.#sent(response);
    return true;
  }

  provisional(branch: Branch, received: SipResponse, source: Source): void {
    const response = this.#onReply(branch, received, source);
    if (response === undefined) return;
    if (response.status > 100 && this.#finalStatus === undefined) this.#forward(response);
  }

  /** `source`: where the final response came from; undefined for one made up here. */
  final(branch: Branch, source?: Source): void {
    const tx = this.#tx;
    let final = branch.final!;
    if (final.response !== undefined) {
      // A final response cannot be dropped; the route may give back another copy (its changes discarded).
      const kept = this.#onReply(branch, final.response, source);
      if (kept !== undefined && kept !== final.response) {
        final = { ...final, response: kept };
        branch.final = final;
      }
    }
    const response = final.response;
    if (response !== undefined && final.status < 300) {
      tx.picked = branch;
      if (tx.isInvite) {
        cancelPending(tx.branches, [`SIP;cause=${final.status};text="Call completed elsewhere"`], branch);
      }
      this.#forward(response);
    } else if (response !== undefined && final.status >= 600 && tx.isInvite) {
      this.#closedToBranches = true;
      cancelPending(tx.branches, [`SIP;cause=${final.status}`], branch);
    }
    this.checkCompletion();
    // A branch ending after the transaction's final response (its 487 once cancelled, a 2xx of a forking
    // race) was weighed and forwarded above: it has nothing left to read either.
    this.#release();
  }

  /** A 2xx on a branch this proxy had ended already (timer C, cancel): forwarded all the same. */
  lateSuccess(branch: Branch, received: SipResponse, source: Source): void {
    const response = this.#onReply(branch, received, source) || received;
    if (this.#tx.isInvite) {
      cancelPending(
        this.#tx.branches,
        [`SIP;cause=${response.status};text="Call completed elsewhere"`],
        branch,
      );
    }
    this.#forward(response);
  }

  /** Once every branch has its final response (and none is queued), completes the context after the route. */
  checkCompletion(): void {
    if (this.#finalStatus !== undefined || this.#completing || !this.#tx.relayed) return;
    if (!this.#allFinal()) return;
    this.#completing = true;
    this.#tx.env.defer(() => this.#complete());
  }

  /** The response as the onreply route leaves it (undefined: dropped), or as received without one. */
  #onReply(branch: Branch, received: SipResponse, source: Source | undefined): SipResponse | undefined {
    const name = this.#tx.onReply;
    return name === undefined ? received : this.#routes.onReply(this.#tx, name, received, branch, source);
  }

  #allFinal(): boolean {
    if (this.#queue.length > 0) return false;
    for (const branch of this.#tx.branches) if (branch.final === undefined) return false;
    return true;
  }

  // Every branch has its final response and none was a 2xx: the failure route, then the best response. A
  // method, its closure made when deferred: a transaction answered 2xx never runs it.
  #complete(): void {
    this.#completing = false;
    if (this.#finalStatus !== undefined || !this.#allFinal()) return;
    const tx = this.#tx;
    const candidates = tx.branches.filter((b) => !b.dropped && b.final !== undefined);
    const best = bestResponse(candidates.map((b) => b.final!));
    tx.picked = best < 0 ? undefined : candidates[best];
    this.#inFailureRoute = true;
    let ran: boolean | Promise<boolean> = false;
    try {
      ran = runFailureRoute(tx, this.#routes, this.#queue, () => {
        this.#completing = false;
        this.#inFailureRoute = false;
      });
    } finally {
      if (!(ran instanceof Promise)) this.#inFailureRoute = false;
    }
    if (ran instanceof Promise) {
      // No second completion while the route waits; the best response goes once it returned, unless it
      // answered or forked anew, or the transaction was answered meanwhile.
      this.#completing = true;
      void ran
        .catch((error: unknown) => {
          this.#completing = false;
          this.#inFailureRoute = false;
          tx.log.error({ err: error }, 'the failure route could not complete: the best response goes');
          return false;
        })
        .then((done) => {
          if (!done && this.#finalStatus === undefined) this.#sendBest();
          else this.#release();
        });
      return;
    }
    if (ran) {
      this.#release();
      return;
    }
    this.#sendBest();
  }

  /** No failure route answered or forked anew: the best response goes upstream (or a local one). */
  #sendBest(): void {
    const tx = this.#tx;
    const picked = tx.picked;
    if (picked === undefined) {
      const none = tx.branches.length === 0;
      this.reply(none ? 500 : 408, none ? 'No Destination' : 'Request Timeout');
    } else if (picked.final!.response !== undefined) this.#forward(picked.final!.response);
    else this.reply(picked.final!.status, picked.final!.reason);
  }

  /** Sends a response received on a branch upstream, our Via removed. */
  #forward(response: SipResponse): void {
    const counters = this.#tx.env.counters;
    if (response.popVia() === undefined) {
      counters.repliesAbsorbed++; // only our Via: the response was for this server
      return;
    }
    const status = response.status;
    const out = status === 503 ? remapStatus(response, 500, 'Server Internal Error') : response;
    counters.repliesRelayed++;
    const held = heldUntil(out);
    if (held !== undefined) {
      // Its SDP edit (rtpengine) is under way: the context counts it sent now, so nothing else goes out in
      // its place; the bytes go once the edit landed.
      if (status < 200 || this.#finalStatus === undefined) {
        this.#lastStatus = status;
        if (status >= 200) this.#answered(status, []);
      }
      void held.then(() => {
        if (!this.#tx.server.respond(out) && status >= 200 && status < 300)
          this.#tx.env.send(this.#upstream, out.toBuffer());
      });
      return;
    }
    if (this.#tx.server.respond(out)) {
      this.#lastStatus = status;
      if (status >= 200) this.#answered(status, []);
      this.#sent(out);
    } else if (status >= 200 && status < 300) {
      // A 2xx after the final response (a forking race): it must reach the caller all the same.
      this.#tx.env.send(this.#upstream, out.toBuffer());
    } else {
      counters.repliesAbsorbed++;
    }
  }

  /** Tells the routes of a response sent upstream: every provisional one, the first final one only. */
  #sent(response: SipResponse): void {
    if (response.status >= 200) {
      if (this.#finalReported) return;
      this.#finalReported = true;
    }
    this.#routes.responded?.(this.#tx, response);
    if (response.status >= 200) this.#release();
  }

  /**
   * Once the final response went upstream and acc and dialog saw it (#sent), the transaction drops the
   * parsed messages nothing reads any more (ProxyTransaction.releaseParsed); not while its failure route
   * runs, which may still read them (it releases when it returned).
   */
  #release(): void {
    if (this.#finalStatus === undefined || this.#inFailureRoute) return;
    this.#tx.releaseParsed();
  }

  #answered(status: number, reasons: readonly string[]): void {
    if (this.#finalStatus !== undefined) return;
    this.#finalStatus = status;
    this.#queue.clear();
    cancelPending(this.#tx.branches, reasons);
  }
}
