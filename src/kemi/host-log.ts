// Lines the server writes because of what a tenant's script did (a KSR call with a bad value, a refused
// relay, a branch past the cap). A hostile script can make them by the thousand in one invocation, each
// echoing a value it chose, so each is charged to the invocation's log budget like the script's own lines
// (max_log_bytes: past it the invocation fails), cut to a few hundred bytes, and rate-limited per tenant and
// cause (src/log-limit.ts): a refusal repeated is written a few times, then counted in one line.
import { type LimitedLevel, MAX_MESSAGE_CHARS, truncateForLog } from '../log-limit.ts';
import type { RouteContext } from './context.ts';

/** Writes `msg` at `level` for the script of `ctx`; `cause` is a constant (the KSR function's name). */
export function hostLog(
  ctx: RouteContext,
  level: LimitedLevel,
  cause: string,
  fields: object,
  msg: string,
): void {
  // Charged at the length written (the limiter cuts it), whether or not the limiter lets it through.
  ctx.logMeter?.chargeLog(Math.min(msg.length, MAX_MESSAGE_CHARS));
  const limiter = ctx.host.logLimit;
  if (limiter) limiter.write(ctx.log, level, cause, fields, msg);
  else ctx.log[level](fields, truncateForLog(msg, MAX_MESSAGE_CHARS));
}
