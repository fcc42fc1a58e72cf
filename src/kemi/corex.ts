// KSR corex: the destination set (Kamailio's corex append_branch*): more branches for t-relay to fork to in
// parallel, or for t-load-contacts to order by q.
import { parseUri } from '../sip/index.ts';
import { MAX_BRANCHES, parseQ } from '../tm/index.ts';
import type { RouteContext } from './context.ts';
import { defineModule } from './define.ts';
import { ruriBranch } from './destination.ts';
import { hostLog } from './host-log.ts';
import { inputFits, uriFits } from './message-budget.ts';

function append(
  ctx: RouteContext,
  ksr: string,
  uri: string,
  q: number | undefined,
  fromRuri: boolean,
): number {
  if (!ctx.request) {
    hostLog(ctx, 'error', ksr, { ksr }, 'only a request has a destination set');
    return -1;
  }
  // A branch's URI becomes its R-URI: held to the message's limits, and refused before it is parsed when
  // longer than a whole message.
  if (!fromRuri && !(inputFits(ctx, ksr, uri.length) && uriFits(ctx, ksr, uri))) return -1;
  if (!fromRuri && parseUri(uri) === undefined) {
    hostLog(ctx, 'error', ksr, { ksr }, `'${uri}' is not a SIP URI`);
    return -1;
  }
  ctx.relay.appended ??= [];
  if (ctx.relay.appended.length + 1 >= MAX_BRANCHES) {
    hostLog(ctx, 'error', ksr, { ksr }, `the destination set has ${MAX_BRANCHES} branches already`);
    return -1;
  }
  ctx.relay.appended.push(fromRuri ? ruriBranch(ctx) : { uri, dstUri: undefined, q, flags: 0 });
  return 1;
}

export const corex = defineModule('corex', {
  'append-branch': (ctx) => append(ctx, 'append-branch', '', undefined, true),
  'append-branch-uri': (ctx, uri) => append(ctx, 'append-branch-uri', uri, undefined, false),
  'append-branch-uri-q': (ctx, uri, q) => {
    const value = parseQ(q);
    if (value === undefined) {
      hostLog(
        ctx,
        'error',
        'append-branch-uri-q',
        { ksr: 'append-branch-uri-q' },
        `q '${q}' is not a q value (0 to 1, 3 decimals)`,
      );
      return -1;
    }
    return append(ctx, 'append-branch-uri-q', uri, value, false);
  },
  // corex_mod.c ki_has_ruri_user: -1 for a reply or an R-URI without user.
  'has-ruri-user': (ctx) => {
    const user = ctx.request?.parsedUri?.user;
    return user !== undefined && user !== '' ? 1 : -1;
  },
});
