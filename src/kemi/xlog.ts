// KSR xlog: log lines with pseudo-variables expanded (Kamailio's xlog module). `$name` and `$name(arg)`
// are replaced by their values, `<null>` for $null; a name the table does not know stays as written.
import type { RouteContext } from './context.ts';
import { defineModule, fn } from './define.ts';
import { lookupPv, readPv } from './pseudo-variables.ts';
import { scriptLog, scriptLogEnabled } from './script-log.ts';

const isNameChar = (c: number) =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;

/** `format` with every known pseudo-variable replaced by its value. */
export function expand(ctx: RouteContext, format: string): string {
  let out = '';
  let from = 0;
  for (let i = format.indexOf('$'); i >= 0; i = format.indexOf('$', i + 1)) {
    let end = i + 1;
    while (end < format.length && isNameChar(format.charCodeAt(end))) end++;
    if (end === i + 1) continue;
    if (format[end] === '(') {
      const close = format.indexOf(')', end);
      if (close > end) end = close + 1;
    }
    const found = lookupPv(format.slice(i, end));
    if (!found.ok) continue;
    const value = readPv(ctx, found.ref);
    out += format.slice(from, i) + (value === undefined ? '<null>' : String(value));
    from = end;
    i = end - 1;
  }
  return out + format.slice(from);
}

function xlogAt(ctx: RouteContext, level: string, format: string): void {
  // A line below the log level is not expanded, but its format still counts against the log limit.
  if (scriptLogEnabled(ctx, level)) scriptLog(ctx, level, expand(ctx, format));
  else ctx.logMeter?.chargeLog(format.length);
}

const logAt = (name: string, level: string) =>
  fn(name, `Log at ${level} level.`, [['format', 'string']], 'none', (ctx, format) =>
    xlogAt(ctx, level, format),
  );

export const xlog = defineModule('xlog', "Formatted logging (Kamailio's xlog module).", [
  fn(
    'xlog',
    'Log at a level.',
    [
      ['level', 'string'],
      ['format', 'string'],
    ],
    'none',
    (ctx, level, format) => xlogAt(ctx, level, format),
  ),
  logAt('xdbg', 'dbg'),
  logAt('xinfo', 'info'),
  logAt('xnotice', 'notice'),
  logAt('xwarn', 'warn'),
  logAt('xerr', 'err'),
  logAt('xcrit', 'crit'),
  logAt('xalert', 'alert'),
]);
