// KSR tm: stateful processing (Kamailio's tm module). t-relay forks the destination set through the
// transaction layer; route names given to t-on-failure/-branch/-reply are named routes of the module,
// run later on the module version that created the transaction. Return codes are Kamailio's: 1 for
// success/true, -1 for false, the E_* codes of tm/relay-error.ts for relay failures.
import { byFallingQ, forcedHop, type NextHop, relayReply, takeHighestQ } from '../tm/index.ts';
import type { RouteContext, TmSettings } from './context.ts';
import { defineModule } from './define.ts';
import { ruriBranch, takeDestinationSet } from './destination.ts';
import { hostLog } from './host-log.ts';
import { checkReply } from './sl.ts';

const yes = (test: boolean) => (test ? 1 : -1);

function refuse(ctx: RouteContext, ksr: string, why: string): number {
  hostLog(ctx, 'error', ksr, { ksr }, why);
  return -1;
}

function settings(ctx: RouteContext): TmSettings {
  ctx.relay.settings ??= {};
  return ctx.relay.settings;
}

function relay(ctx: RouteContext, ksr: string, forced?: NextHop): number {
  if (!ctx.request) return refuse(ctx, ksr, 'only a request can be relayed');
  if (ctx.kind !== 'request' && ctx.kind !== 'failure') {
    return refuse(ctx, ksr, `cannot relay from a ${ctx.kind} route (request and failure routes only)`);
  }
  const tm = ctx.host.tm;
  if (!tm) return refuse(ctx, ksr, 'this server has no transaction layer');
  const code = tm.relay(ctx, takeDestinationSet(ctx), forced);
  if (code < 0) {
    ctx.answer.pendingError = relayReply(code);
  }
  return code;
}

function onRoute(ctx: RouteContext, ksr: string, name: string, set: (s: TmSettings) => void): number {
  if (name === '') return refuse(ctx, ksr, 'the route name is empty');
  const tx = ctx.tm.transaction;
  if (tx) {
    const s: TmSettings = {};
    set(s);
    if (s.onFailure !== undefined) tx.onFailure = s.onFailure;
    if (s.onBranch !== undefined) tx.onBranch = s.onBranch;
    if (s.onReply !== undefined) tx.onReply = s.onReply;
  } else set(settings(ctx));
  return 1;
}

/** The status t-check-status looks at: the reply in reply routes, the winning one in a failure route. */
function statusOf(ctx: RouteContext): number | undefined {
  const tx = ctx.tm.transaction;
  if (ctx.reply) return ctx.reply.status;
  if (ctx.kind === 'failure') return tx?.picked?.final?.status;
  return tx?.lastStatus || ctx.answer.replied;
}

function validReply(ctx: RouteContext, ksr: string, code: number, reason: string): boolean {
  const checked = checkReply(ctx, code, reason);
  if (!checked.ok) refuse(ctx, ksr, checked.error);
  return checked.ok;
}

export const tm = defineModule('tm', {
  't-relay': (ctx) => relay(ctx, 't-relay'),
  't-relay-to-proto-addr': (ctx, proto, host, port) => {
    const hop = forcedHop(proto, host, port);
    if (!hop.ok) {
      ctx.answer.pendingError = relayReply(hop.error.code);
      hostLog(ctx, 'error', 't-relay-to-proto-addr', { ksr: 't-relay-to-proto-addr' }, hop.error.message);
      return hop.error.code;
    }
    return relay(ctx, 't-relay-to-proto-addr', hop.value);
  },
  't-on-failure': (ctx, name) =>
    onRoute(ctx, 't-on-failure', name, (s) => {
      s.onFailure = name;
    }),
  't-on-branch': (ctx, name) =>
    onRoute(ctx, 't-on-branch', name, (s) => {
      s.onBranch = name;
    }),
  't-on-reply': (ctx, name) =>
    onRoute(ctx, 't-on-reply', name, (s) => {
      s.onReply = name;
    }),
  't-is-set': (ctx, target) => {
    const tx = ctx.tm.transaction;
    const s = ctx.relay.settings;
    switch (target) {
      case 'failure_route':
        return yes((tx?.onFailure ?? s?.onFailure) !== undefined);
      case 'branch_route':
        return yes((tx?.onBranch ?? s?.onBranch) !== undefined);
      case 'onreply_route':
        return yes((tx?.onReply ?? s?.onReply) !== undefined);
      default:
        return refuse(
          ctx,
          't-is-set',
          `unknown target '${target}' (failure_route, branch_route, onreply_route)`,
        );
    }
  },
  't-check-trans': (ctx) => (ctx.host.tm ? ctx.host.tm.checkTransaction(ctx) : -1),
  't-newtran': (ctx) =>
    ctx.host.tm ? ctx.host.tm.newTransaction(ctx) : refuse(ctx, 't-newtran', 'no transaction layer'),
  't-reply': (ctx, code, reason) => {
    if (!validReply(ctx, 't-reply', code, reason) || !ctx.host.tm) return -1;
    return ctx.host.tm.reply(ctx, code, reason);
  },
  't-send-reply': (ctx, code, reason) => {
    if (!validReply(ctx, 't-send-reply', code, reason) || !ctx.host.tm) return -1;
    if (!ctx.tm.transaction && ctx.host.tm.newTransaction(ctx) < 0) return -1;
    return ctx.host.tm.reply(ctx, code, reason);
  },
  't-is-canceled': (ctx) => yes(ctx.tm.transaction?.canceled === true),
  't-branch-timeout': (ctx) => yes(ctx.tm.transaction?.picked?.timedOut === true),
  't-branch-replied': (ctx) => yes(ctx.tm.transaction?.picked?.replied === true),
  't-check-status': (ctx, re) => {
    const status = statusOf(ctx);
    if (status === undefined || status === 0) return -1;
    const matched = ctx.host.regexes.test(re, String(status));
    if (!matched.ok) return refuse(ctx, 't-check-status', matched.error);
    return yes(matched.value);
  },
  't-set-fr': (ctx, frInv, fr) => {
    if (!(frInv >= 0 && fr >= 0))
      return refuse(ctx, 't-set-fr', `timeouts ${frInv}, ${fr} must not be negative`);
    if (ctx.tm.transaction) ctx.tm.transaction.setTimeouts(frInv, fr);
    else {
      const s = settings(ctx);
      if (frInv > 0) s.frInv = frInv;
      if (fr > 0) s.fr = fr;
    }
    return 1;
  },
  't-reset-fr': (ctx) => {
    const tx = ctx.tm.transaction;
    if (tx) tx.setTimeouts(tx.env.timing.timers.frInv, tx.env.timing.timers.fr);
    else if (ctx.relay.settings) ctx.relay.settings.fr = ctx.relay.settings.frInv = undefined;
    return 1;
  },
  't-load-contacts': (ctx) => {
    if (!ctx.request) return refuse(ctx, 't-load-contacts', 'not a request');
    const all = [ruriBranch(ctx), ...(ctx.relay.appended ?? [])];
    if (all.length < 2) return 1;
    ctx.relay.contacts = byFallingQ(all);
    ctx.relay.appended = undefined;
    return 1;
  },
  't-next-contacts': (ctx) => {
    const request = ctx.request;
    if (!request) return refuse(ctx, 't-next-contacts', 'not a request');
    const group = takeHighestQ(ctx.relay.contacts ?? []);
    if (group.length === 0) return -2;
    const [first, ...rest] = group;
    if (!request.setUri(first.uri)) return refuse(ctx, 't-next-contacts', `'${first.uri}' is not a URI`);
    ctx.relay.dstUri = first.dstUri;
    ctx.relay.ruriQ = first.q;
    ctx.relay.ruriPath = first.path;
    ctx.flags.branch = first.flags;
    ctx.relay.appended = rest;
    return 1;
  },
  't-drop-replies': (ctx, mode) => {
    const m = mode === '' ? 'a' : mode;
    if (m !== 'a' && m !== 'l' && m !== 'n')
      return refuse(ctx, 't-drop-replies', `mode '${mode}' is not a, l or n`);
    if (ctx.tm.transaction) ctx.tm.transaction.dropReplies = m;
    else settings(ctx).dropReplies = m;
    return 1;
  },
});
