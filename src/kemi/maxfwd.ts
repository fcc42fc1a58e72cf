// KSR maxfwd: Max-Forwards (RFC 3261 16.3 step 2, 16.6 step 3), as Kamailio 5.6's maxfwd module
// (src/modules/maxfwd/maxfwd.c process_maxfwd_header): the script's limit is the value of a Max-Forwards
// the request lacks; a received value is capped at the module's `max_limit`, then decremented.
import { defineModule } from './define.ts';
import { hostLog } from './host-log.ts';

/** maxfwd's `max_limit` default (maxfwd.c default_maxfwd_cfg). */
export const DEFAULT_MAXFWD_LIMIT = 70;

export const maxfwd = defineModule('maxfwd', {
  'process-maxfwd': (ctx, limit) => {
    const request = ctx.request;
    if (!request || !Number.isInteger(limit) || limit < 0 || limit > 255) {
      hostLog(
        ctx,
        'error',
        'process-maxfwd',
        { ksr: 'process-maxfwd' },
        request ? `limit ${limit} is not 0..255` : 'not a request',
      );
      return -1;
    }
    const value = request.maxForwards;
    if (value === undefined) {
      if (!ctx.request.has('Max-Forwards')) return request.setHeader('Max-Forwards', String(limit)) ? 2 : -2;
      return -2;
    }
    // Kamailio's maxfwd sets no internal error: the script replies 483 itself (sl_reply_error would say 500).
    if (value === 0) return -1;
    const maxLimit = ctx.host.maxfwdLimit ?? DEFAULT_MAXFWD_LIMIT;
    return request.setHeader('Max-Forwards', String(Math.min(value, maxLimit + 1) - 1)) ? 1 : -2;
  },
  // maxfwd.c ki_is_maxfwd_lt: -1 for a limit outside 0..255, -2 without the header, -3 when malformed.
  'is-maxfwd-lt': (ctx, limit) => {
    if (!Number.isInteger(limit) || limit < 0 || limit > 255) return -1;
    const value = ctx.msg.maxForwards;
    if (value === undefined) return ctx.msg.has('Max-Forwards') ? -3 : -2;
    return value < limit ? 1 : -1;
  },
});
