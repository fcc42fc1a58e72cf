// KSR maxfwd: Max-Forwards (RFC 3261 16.3 step 2, 16.6 step 3), with Kamailio's return codes.
import { defineModule, fn } from './define.ts';

export const maxfwd = defineModule('maxfwd', "Max-Forwards handling (Kamailio's maxfwd module).", [
  fn('process-maxfwd', 'Decrement or add Max-Forwards.', [['limit', 's32']], 's32', (ctx, limit) => {
    const request = ctx.request;
    if (!request || !Number.isInteger(limit) || limit < 1 || limit > 255) {
      ctx.log.error({ ksr: 'process-maxfwd' }, request ? `limit ${limit} is not 1..255` : 'not a request');
      return -2;
    }
    const value = request.maxForwards;
    if (value === undefined) return request.setHeader('Max-Forwards', String(limit)) ? 2 : -2;
    if (value === 0) {
      ctx.answer.pendingError = { status: 483, reason: 'Too Many Hops' };
      return -1;
    }
    return request.setHeader('Max-Forwards', String(Math.min(value, limit) - 1)) ? 1 : -2;
  }),
  fn('is-maxfwd-lt', 'Max-Forwards lower than `limit`.', [['limit', 's32']], 's32', (ctx, limit) => {
    const value = ctx.request?.maxForwards;
    if (value === undefined) return -2;
    return value < limit ? 1 : -1;
  }),
]);
