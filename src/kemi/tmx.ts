// KSR tmx: transaction extensions (Kamailio's tmx module), the two the basic script uses. Codes as
// Kamailio 5.6's tmx_mod.c: 1 true, -1 false or not applicable.
import { heldUntil } from '../sip/index.ts';
import type { RouteContext } from './context.ts';
import { defineModule } from './define.ts';
import { hostLog } from './host-log.ts';

/**
 * Kamailio's tmx_check_pretran: enter the request into the table of requests being processed and say
 * whether another copy of it is there already. A second call in the same route enters anew (Kamailio
 * unlinks its process's entry first). ACK and CANCEL are not tracked; a request without a From tag fails.
 * Kamailio skips the Via branch when either copy lacks one; here a copy without a branch matches only
 * another without (RFC 3261 clients always send one).
 */
function precheck(ctx: RouteContext): number {
  const request = ctx.request;
  if (ctx.kind !== 'request' || !request) {
    hostLog(ctx, 'error', 't-precheck-trans', { ksr: 't-precheck-trans' }, 'only in the request route');
    return -1;
  }
  const method = request.cseq.method;
  if (method === 'ACK' || method === 'CANCEL') return -1;
  const table = ctx.host.pretran;
  const tag = request.from?.tag;
  if (table === undefined || !tag) return -1;
  // Kamailio's match: Call-ID, From tag, CSeq number and method, and the top Via branch when there is one.
  const key = [request.callId, tag, request.cseq.seq, method, request.via.branch ?? ''].join('\n');
  ctx.tm.pretran?.leave();
  const { found, entry } = table.enter(key);
  ctx.tm.pretran = entry;
  return found ? 1 : -1;
}

export const tmx = defineModule('tmx', {
  't-precheck-trans': precheck,
  't-is-branch-route': (ctx) => (ctx.kind === 'branch' ? 1 : -1),
});

/**
 * After the request route returned: the request is done with once nothing holds it any more (Kamailio
 * unlinks at the end of the script; a held request, waiting for an rtpengine answer, is still being
 * processed here).
 */
export function leavePretranWhenDone(ctx: RouteContext): void {
  const entry = ctx.tm.pretran;
  if (entry === undefined) return;
  const held = heldUntil(ctx.msg);
  if (held === undefined) entry.leave();
  else void held.then(() => entry.leave());
}
