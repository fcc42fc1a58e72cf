// A transaction's branch, onreply and failure routes (the tm layer calls them through TransactionRoutes),
// each run on the script that created the transaction under the tenant's failure policy (RouteInvoker.run).
// A failure route may wait for KSR answers (a script on remote stores: RouteInvoker.route); branch and
// onreply routes answer at once (tm decides on them within one response or one branch), on the script's
// synchronous runner for such a script. What is their own: the context each starts from (the branch about to be sent, the response received and
// its source, the relayed request), what a route that returned hands back to the transaction, and what
// reply, forward or drop means for each kind (docs/sandbox.md).
import type { Logger } from 'pino';
import { accountable, accountReply } from '../kemi/accounting.ts';
import { dialogResponded, type RouteHost } from '../kemi/index.ts';
import type { SipResponse } from '../sip/index.ts';
import type { Branch, BranchDraft, BranchVerdict, ProxyTransaction, TransactionRoutes } from '../tm/index.ts';
import type { Source } from '../transport/index.ts';
import { type RouteInvoker, scriptContext } from './route-invoker.ts';
import type { Script } from './script.ts';

/** The routes of `script`'s transactions that run script code. */
export function scriptRoutes(
  script: Script,
  invoker: RouteInvoker,
  host: RouteHost,
): Pick<TransactionRoutes, 'branch' | 'onReply' | 'failure' | 'responded'> {
  /** For dialog tracking, bound once per script rather than once per response. */
  const isMyself = host.isMyself.bind(host);

  /** The log of a route run by `s`: the transaction's, or one naming the fallback version. */
  const logFor = (s: Script, tx: ProxyTransaction): (() => Logger) =>
    s === tx.owner ? () => tx.log : () => s.log.child({ callId: tx.request.callId });

  /**
   * A branch route. Failed: the branch is dropped (drop), ends with the configured reply as its local
   * final response (fail-closed), or the route runs on the previous version on a fresh copy (fail-open).
   */
  function branch(tx: ProxyTransaction, name: string, draft: BranchDraft): BranchVerdict {
    const pristine = draft.request.clone();
    return invoker.run<BranchVerdict>(script, {
      route: 'named-route',
      name,
      context: (s, retry) => {
        if (retry) draft.request = pristine.clone();
        const ctx = scriptContext(s, 'branch', draft.request, tx.source, host, logFor(s, tx));
        ctx.tm.transaction = tx;
        ctx.tm.branchIndex = draft.index;
        ctx.flags.message = tx.flags;
        if (tx.avps) ctx.avps = tx.avps;
        ctx.flags.branch = draft.flags;
        ctx.relay.dstUri = draft.dstUri;
        // rr in a branch route (Kamailio allows record_route and add_rr_param there) acts on this branch.
        if (draft.recordRoute) ctx.relay.recordRoute = { ...draft.recordRoute, enabled: true };
        return ctx;
      },
      returned: (ctx) => {
        draft.dstUri = ctx.relay.dstUri;
        draft.flags = ctx.flags.branch;
        const rr = ctx.relay.recordRoute;
        draft.recordRoute = rr?.enabled ? { params: rr.params, preset: rr.preset } : undefined;
        return ctx.answer.dropped ? 'drop' : 'send';
      },
      failed: (_ctx, policy) => {
        draft.request = pristine;
        if (policy.mode === 'drop') return { outcome: 'drop', value: 'drop' };
        return { outcome: 'reply', value: policy.reply };
      },
    });
  }

  /**
   * An onreply route, run on the response the transaction received from `source`. Failed: fail-open runs
   * it on the previous version on a fresh copy; otherwise a provisional response is dropped and a final
   * one (which no onreply route can drop) goes on as received, without the failed route's changes.
   */
  function onReply(
    tx: ProxyTransaction,
    name: string,
    response: SipResponse,
    branch: Branch,
    source: Source,
  ): SipResponse | undefined {
    const pristine = response.clone();
    return invoker.run<SipResponse | undefined>(script, {
      route: 'named-route',
      name,
      context: (s, retry) => {
        const msg = retry ? pristine.clone() : response;
        const ctx = scriptContext(s, 'onreply', msg, source, host, logFor(s, tx));
        ctx.tm.transaction = tx;
        ctx.tm.branchIndex = branch.index;
        ctx.flags.message = tx.flags;
        if (tx.avps) ctx.avps = tx.avps;
        ctx.flags.branch = branch.flags;
        return ctx;
      },
      returned: (ctx) => {
        tx.flags = ctx.flags.message;
        return ctx.answer.dropped ? undefined : ctx.reply;
      },
      failed: () =>
        response.status >= 200
          ? { outcome: 'forward', value: pristine }
          : { outcome: 'drop', value: undefined },
    });
  }

  /**
   * A failure route. Failed: its queued branches and settings are put back; then the transaction is
   * answered with the configured reply (fail-closed), the route runs on the previous version
   * (fail-open), or the transaction goes on as if no failure route had run: its best response goes
   * upstream (drop). A route that answered the transaction before it failed keeps its answer.
   */
  function failure(tx: ProxyTransaction, name: string): void | Promise<void> {
    const saved = tx.routeState();
    const answered = () => tx.finalStatus !== undefined;
    // A script whose KSR calls may wait runs it through JSPI: the transaction completes once it returned.
    return invoker.route<void>(script, {
      route: 'named-route',
      name,
      context: (s) => {
        const request = (tx.relayedRequest ?? tx.request).clone();
        const ctx = scriptContext(s, 'failure', request, tx.source, host, logFor(s, tx));
        ctx.tm.transaction = tx;
        ctx.flags.message = tx.flags;
        if (tx.avps) ctx.avps = tx.avps;
        ctx.relay.dstUri = tx.relayedDstUri;
        ctx.relay.contacts = tx.contacts;
        if (tx.recordRoute) ctx.relay.recordRoute = { ...tx.recordRoute, enabled: true };
        return ctx;
      },
      returned: (ctx) => {
        tx.flags = ctx.flags.message;
        tx.contacts = ctx.relay.contacts;
      },
      answered,
      retrying: () => tx.restoreRouteState(saved),
      failed: (_ctx, policy) => {
        if (answered()) return { outcome: 'none', value: undefined };
        tx.restoreRouteState(saved);
        if (policy.mode === 'drop') return { outcome: 'drop', value: undefined };
        tx.reply(policy.reply.status, policy.reply.reason);
        return { outcome: 'reply', value: undefined };
      },
    });
  }

  /**
   * Accounting (acc) of a response the transaction sent: evaluated on the request as sent to the answering
   * branch ($rU is its R-URI, as Kamailio's acc sets new_uri to the winning branch's), from the
   * transaction's source, with the transaction's flags; missed-call flags it used are cleared.
   */
  function responded(tx: ProxyTransaction, response: SipResponse): void {
    // Dialogs follow the responses of their INVITE (Kamailio's dialog module on TMCB_RESPONSE_OUT too).
    if (host.dialogs !== undefined && tx.isInvite)
      dialogResponded(host.dialogs, isMyself, script.tenant, tx.request, response);
    // Most transactions carry no accounting flag: answered before a context is made.
    if (host.acc === undefined || !accountable(host.acc.settings(script.tenant), tx.flags)) return;
    const request = tx.picked?.request ?? tx.relayedRequest ?? tx.request;
    const ctx = scriptContext(script, 'request', request, tx.source, host, () => tx.log);
    ctx.flags.message = tx.flags;
    tx.flags = accountReply(ctx, tx.flags, {
      status: response.status,
      reason: response.reason,
      toTag: response.to?.tag,
      hasBody: response.bodyLength > 0,
    });
  }

  return {
    responded,
    branch,
    onReply: (tx, name, response, b, source) => onReply(tx, name, response, b, source ?? tx.source),
    failure,
  };
}
