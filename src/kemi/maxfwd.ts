// KSR maxfwd: Max-Forwards (RFC 3261 16.3 step 2, 16.6 step 3), with Kamailio's return codes.
import { defineModule } from './define.ts';
import { hostLog } from './host-log.ts';

export const maxfwd = defineModule('maxfwd', {
  'process-maxfwd': (ctx, limit) => {
    const request = ctx.request;
    if (!request || !Number.isInteger(limit) || limit < 1 || limit > 255) {
      hostLog(
        ctx,
        'error',
        'process-maxfwd',
        { ksr: 'process-maxfwd' },
        request ? `limit ${limit} is not 1..255` : 'not a request',
      );
      return -2;
    }
    const value = request.maxForwards;
    if (value === undefined) return request.setHeader('Max-Forwards', String(limit)) ? 2 : -2;
    if (value === 0) {
      ctx.answer.pendingError = { status: 483, reason: 'Too Many Hops' };
      return -1;
    }
    return request.setHeader('Max-Forwards', String(Math.min(value, limit) - 1)) ? 1 : -2;
  },
  'is-maxfwd-lt': (ctx, limit) => {
    const value = ctx.request?.maxForwards;
    if (value === undefined) return -2;
    return value < limit ? 1 : -1;
  },
});
