// Log lines written by scripts (core `log`/`info`... and xlog): Kamailio's level names mapped onto the
// process logger, the text decoded from UTF-8 and its trailing newline dropped (KEMI scripts end lines
// with "\n" because Kamailio's log does not add one).
import { byteStringToUtf8 } from '../sip/index.ts';
import type { RouteContext } from './context.ts';

type PinoLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal';

const LEVELS: Record<string, PinoLevel> = {
  dbg: 'debug',
  info: 'info',
  notice: 'info',
  warn: 'warn',
  err: 'error',
  crit: 'fatal',
  alert: 'fatal',
};

/** The logger level of a Kamailio level name ("info", "L_INFO"); unknown names log as errors, as in Kamailio. */
function pinoLevelOf(level: string): PinoLevel {
  return LEVELS[level] ?? LEVELS[level.replace(/^L_/i, '').toLowerCase()] ?? 'error';
}

/** True when a line at Kamailio level `level` would be written: spares formatting one that would not. */
export function scriptLogEnabled(ctx: RouteContext, level: string): boolean {
  return ctx.logEnabled(pinoLevelOf(level));
}

/** Writes `text` (a byte string) at Kamailio level `level`. */
export function scriptLog(ctx: RouteContext, level: string, text: string): void {
  ctx.logMeter?.chargeLog(text.length);
  const pinoLevel = pinoLevelOf(level);
  if (!ctx.logEnabled(pinoLevel)) return;
  const line = byteStringToUtf8(text.endsWith('\n') ? text.slice(0, text.endsWith('\r\n') ? -2 : -1) : text);
  // One budget per tenant (the limiter keys by the logger's tenant binding): a noisy script fills only its own.
  const limiter = ctx.host.scriptLogLimit;
  if (limiter) limiter.write(ctx.log, pinoLevel, 'script', { script: level }, line);
  else ctx.log[pinoLevel]({ script: level }, line);
}
