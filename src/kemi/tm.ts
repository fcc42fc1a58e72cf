// KSR tm: stateful processing (Kamailio's tm module). t-relay forks the destination set through the
// transaction layer; route names given to t-on-failure/-branch/-reply are named routes of the module,
// run later on the module version that created the transaction. Return codes are Kamailio's: 1 for
// success/true, -1 for false, the E_* codes of tm/relay-error.ts for relay failures.
import { byFallingQ, forcedHop, type NextHop, relayError, takeHighestQ } from '../tm/index.ts';
import type { RouteContext, TmSettings } from './context.ts';
import { defineModule, fn } from './define.ts';
import { ruriBranch, takeDestinationSet } from './destination.ts';
import { scriptRegexTest } from './script-regex.ts';

const yes = (test: boolean) => (test ? 1 : -1);

function refuse(ctx: RouteContext, ksr: string, why: string): number {
  ctx.log.error({ ksr }, why);
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
    const error = relayError(code, '');
    ctx.answer.pendingError = { status: error.status, reason: error.reason };
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
  if (!ctx.request || ctx.request.method === 'ACK')
    return refuse(ctx, ksr, 'only a request other than ACK is answered') > 0;
  if (!Number.isInteger(code) || code < 100 || code > 699)
    return refuse(ctx, ksr, `status ${code} is not 100..699`) > 0;
  if (/[\r\n\0]/.test(reason)) return refuse(ctx, ksr, 'the reason phrase holds CR, LF or NUL') > 0;
  return true;
}

export const tm = defineModule('tm', "Stateful processing (Kamailio's tm module).", [
  fn('t-relay', 'Relay statefully to the destination set.', [], 's32', (ctx) => relay(ctx, 't-relay')),
  fn(
    't-relay-to-proto-addr',
    'Relay statefully to a given address.',
    [
      ['proto', 'string'],
      ['host', 'string'],
      ['port', 's32'],
    ],
    's32',
    (ctx, proto, host, port) => {
      const hop = forcedHop(proto, host, port);
      if (!hop.ok) {
        ctx.answer.pendingError = { status: hop.error.status, reason: hop.error.reason };
        ctx.log.error({ ksr: 't-relay-to-proto-addr' }, hop.error.detail);
        return hop.error.code;
      }
      return relay(ctx, 't-relay-to-proto-addr', hop.hop);
    },
  ),
  fn('t-on-failure', 'Set the failure route.', [['name', 'string']], 's32', (ctx, name) =>
    onRoute(ctx, 't-on-failure', name, (s) => {
      s.onFailure = name;
    }),
  ),
  fn('t-on-branch', 'Set the branch route.', [['name', 'string']], 's32', (ctx, name) =>
    onRoute(ctx, 't-on-branch', name, (s) => {
      s.onBranch = name;
    }),
  ),
  fn('t-on-reply', 'Set the onreply route.', [['name', 'string']], 's32', (ctx, name) =>
    onRoute(ctx, 't-on-reply', name, (s) => {
      s.onReply = name;
    }),
  ),
  fn(
    't-is-set',
    'Whether a route of the transaction is set.',
    [['target', 'string']],
    's32',
    (ctx, target) => {
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
  ),
  fn('t-check-trans', 'Whether the message belongs to a transaction.', [], 's32', (ctx) =>
    ctx.host.tm ? ctx.host.tm.checkTransaction(ctx) : -1,
  ),
  fn('t-newtran', 'Create the transaction of the request.', [], 's32', (ctx) =>
    ctx.host.tm ? ctx.host.tm.newTransaction(ctx) : refuse(ctx, 't-newtran', 'no transaction layer'),
  ),
  fn(
    't-reply',
    'Reply statefully.',
    [
      ['code', 's32'],
      ['reason', 'string'],
    ],
    's32',
    (ctx, code, reason) => {
      if (!validReply(ctx, 't-reply', code, reason) || !ctx.host.tm) return -1;
      return ctx.host.tm.reply(ctx, code, reason);
    },
  ),
  fn(
    't-send-reply',
    'Create the transaction if needed, then reply statefully.',
    [
      ['code', 's32'],
      ['reason', 'string'],
    ],
    's32',
    (ctx, code, reason) => {
      if (!validReply(ctx, 't-send-reply', code, reason) || !ctx.host.tm) return -1;
      if (!ctx.tm.transaction && ctx.host.tm.newTransaction(ctx) < 0) return -1;
      return ctx.host.tm.reply(ctx, code, reason);
    },
  ),
  fn('t-is-canceled', 'The caller cancelled the transaction.', [], 's32', (ctx) =>
    yes(ctx.tm.transaction?.canceled === true),
  ),
  fn('t-branch-timeout', 'The failed branch timed out.', [], 's32', (ctx) =>
    yes(ctx.tm.transaction?.picked?.timedOut === true),
  ),
  fn('t-branch-replied', 'The failed branch got a reply before.', [], 's32', (ctx) =>
    yes(ctx.tm.transaction?.picked?.replied === true),
  ),
  fn('t-check-status', 'The reply status matches a regex.', [['re', 'string']], 's32', (ctx, re) => {
    const status = statusOf(ctx);
    if (status === undefined || status === 0) return -1;
    const matched = scriptRegexTest(re, String(status));
    if (typeof matched === 'string') return refuse(ctx, 't-check-status', matched);
    return yes(matched);
  }),
  fn(
    't-set-fr',
    'Set the final response timeouts (ms; 0 keeps one).',
    [
      ['fr-inv', 's32'],
      ['fr', 's32'],
    ],
    's32',
    (ctx, frInv, fr) => {
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
  ),
  fn('t-reset-fr', 'Back to the configured timeouts.', [], 's32', (ctx) => {
    const tx = ctx.tm.transaction;
    if (tx) tx.setTimeouts(tx.env.timing.timers.frInv, tx.env.timing.timers.fr);
    else if (ctx.relay.settings) ctx.relay.settings.fr = ctx.relay.settings.frInv = undefined;
    return 1;
  }),
  fn('t-load-contacts', 'Order the destination set by q for serial forking.', [], 's32', (ctx) => {
    if (!ctx.request) return refuse(ctx, 't-load-contacts', 'not a request');
    const all = [ruriBranch(ctx), ...(ctx.relay.appended ?? [])];
    if (all.length < 2) return 1;
    ctx.relay.contacts = byFallingQ(all);
    ctx.relay.appended = undefined;
    return 1;
  }),
  fn('t-next-contacts', 'Take the contacts of the highest q as destination set.', [], 's32', (ctx) => {
    const request = ctx.request;
    if (!request) return refuse(ctx, 't-next-contacts', 'not a request');
    const group = takeHighestQ(ctx.relay.contacts ?? []);
    if (group.length === 0) return -2;
    const [first, ...rest] = group;
    if (!request.setUri(first.uri)) return refuse(ctx, 't-next-contacts', `'${first.uri}' is not a URI`);
    ctx.relay.dstUri = first.dstUri;
    ctx.relay.ruriQ = first.q;
    ctx.flags.branch = first.flags;
    ctx.relay.appended = rest;
    return 1;
  }),
  fn(
    't-drop-replies',
    "Drop earlier replies when forking anew ('a' all, 'l' last, 'n' none).",
    [['mode', 'string']],
    's32',
    (ctx, mode) => {
      const m = mode === '' ? 'a' : mode;
      if (m !== 'a' && m !== 'l' && m !== 'n')
        return refuse(ctx, 't-drop-replies', `mode '${mode}' is not a, l or n`);
      if (ctx.tm.transaction) ctx.tm.transaction.dropReplies = m;
      else settings(ctx).dropReplies = m;
      return 1;
    },
  ),
]);
