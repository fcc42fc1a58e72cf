// KSR xlog: log lines with pseudo-variables expanded (Kamailio's xlog module). `$name` and `$name(arg)`
// are replaced by their values, `<null>` for $null; a name the table does not know stays as written.
import type { RouteContext } from './context.ts';
import { defineModule } from './define.ts';
import { readPv } from './pseudo-variables.ts';
import { scriptLog, scriptLogEnabled } from './script-log.ts';

const isNameChar = (c: number) =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;

/** Longest line xlog writes: the expansion stops there, so `$mb$mb$mb...` cannot make the host build a
 * string many times the message size before the log limit sees it. */
export const MAX_LINE = 16 * 1024;
const MAX_NAME = 256;

/** `format` with every known pseudo-variable replaced by its value, cut at MAX_LINE. */
export function expand(ctx: RouteContext, format: string): string {
  let out = '';
  let from = 0;
  for (let i = format.indexOf('$'); i >= 0; i = format.indexOf('$', i + 1)) {
    if (out.length > MAX_LINE) return `${out.slice(0, MAX_LINE)}...`;
    let end = i + 1;
    while (end < format.length && isNameChar(format.charCodeAt(end))) end++;
    if (end === i + 1) continue;
    if (format[end] === '(') {
      // Pseudo-variable names are short: looking further for ')' would make a long format quadratic.
      const close = format.indexOf(')', end);
      if (close > end && close - i <= MAX_NAME) end = close + 1;
    }
    if (end - i > MAX_NAME) continue;
    const found = ctx.host.pvNames.lookup(format.slice(i, end));
    if (!found.ok) continue;
    const value = readPv(ctx, found.value);
    out += format.slice(from, i) + (value === undefined ? '<null>' : String(value));
    from = end;
    i = end - 1;
  }
  out += format.slice(from);
  return out.length > MAX_LINE ? `${out.slice(0, MAX_LINE)}...` : out;
}

function xlogAt(ctx: RouteContext, level: string, format: string): void {
  // A line below the log level is not expanded, but its format still counts against the log limit.
  if (scriptLogEnabled(ctx, level)) scriptLog(ctx, level, expand(ctx, format));
  else ctx.logMeter?.chargeLog(format.length);
}

export const xlog = defineModule('xlog', {
  xlog: (ctx, level, format) => xlogAt(ctx, level, format),
  xdbg: (ctx, format) => xlogAt(ctx, 'dbg', format),
  xinfo: (ctx, format) => xlogAt(ctx, 'info', format),
  xnotice: (ctx, format) => xlogAt(ctx, 'notice', format),
  xwarn: (ctx, format) => xlogAt(ctx, 'warn', format),
  xerr: (ctx, format) => xlogAt(ctx, 'err', format),
  xcrit: (ctx, format) => xlogAt(ctx, 'crit', format),
  xalert: (ctx, format) => xlogAt(ctx, 'alert', format),
});
