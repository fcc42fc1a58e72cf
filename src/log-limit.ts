// Rate limit for log lines a remote peer can cause, one per message (an unparseable datagram, a connection
// refused, a send that failed): without it a flood writes a line per packet and fills the disk at line rate.
// Each cause may write `lines` lines per interval; the rest of that interval's lines are counted, and one
// line at the end of the interval says how many were suppressed. Causes are constants of the code, never
// values from a message, so the table of causes stays as small as the code's list of them. A logger bound
// to a tenant (the script loggers, `tenant` in their bindings) has budgets of its own: one tenant's flood
// does not silence another's lines. Written lines carry `logCause`; the values they echo (the message and
// string fields, often from a message or a script) are cut to a few hundred bytes.
import type { Logger } from 'pino';

export type LimitedLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug';

/** Time for the limiter; tests drive it by hand. */
export interface LimiterClock {
  /** Milliseconds on a monotonic scale. */
  now(): number;
  /** Calls `fire` once after `delayMs`. */
  schedule(delayMs: number, fire: () => void): { cancel(): void };
}

export interface LogLimitOptions {
  /** Lines written per cause and interval before the others are only counted. */
  readonly lines: number;
  readonly intervalMs: number;
  readonly clock?: LimiterClock;
  /** Longest message text a written line keeps (MAX_MESSAGE_CHARS when absent). */
  readonly maxMessageChars?: number;
}

export const DEFAULT_LOG_LIMIT: LogLimitOptions = { lines: 10, intervalMs: 10_000 };

/** Longest message text and string field value a limited line writes. */
export const MAX_MESSAGE_CHARS = 512;
export const MAX_FIELD_CHARS = 256;

/** `text` cut to `max` characters, saying how long it was. */
export function truncateForLog(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}... (${text.length} chars)`;
}

/** Node's timers, unref'd: a pending summary never keeps a stopping process alive. */
const systemClock: LimiterClock = {
  now: () => performance.now(),
  schedule(delayMs, fire) {
    const handle = setTimeout(fire, delayMs);
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
};

interface Window {
  readonly start: number;
  written: number;
  suppressed: number;
  /** The logger and level of the last suppressed line: the summary goes where those lines would have. */
  log: Logger;
  level: LimitedLevel;
  summary: { cancel(): void } | undefined;
}

export class LogLimiter {
  readonly #lines: number;
  readonly #intervalMs: number;
  readonly #clock: LimiterClock;
  readonly #maxMessageChars: number;
  readonly #windows = new Map<string, Window>();
  /** Lines not written, by cause, since start: for the metrics. */
  readonly suppressed: Record<string, number> = {};

  constructor(options: LogLimitOptions = DEFAULT_LOG_LIMIT) {
    this.#lines = options.lines;
    this.#intervalMs = options.intervalMs;
    this.#clock = options.clock ?? systemClock;
    this.#maxMessageChars = options.maxMessageChars ?? MAX_MESSAGE_CHARS;
  }

  /** Writes `msg` with `fields` on `log` at `level`, unless `cause` has used its lines this interval. */
  write(log: Logger, level: LimitedLevel, logCause: string, fields: object, msg: string): void {
    const tenant = (log.bindings() as { tenant?: unknown }).tenant;
    const cause = typeof tenant === 'string' ? `${tenant}/${logCause}` : logCause;
    const now = this.#clock.now();
    let window = this.#windows.get(cause);
    if (window && now - window.start >= this.#intervalMs) {
      this.#summarise(cause, window);
      window = undefined;
    }
    if (!window) {
      window = { start: now, written: 0, suppressed: 0, log, level, summary: undefined };
      this.#windows.set(cause, window);
    }
    if (window.written < this.#lines) {
      window.written++;
      log[level]({ ...truncateFields(fields), logCause }, truncateForLog(msg, this.#maxMessageChars));
      return;
    }
    window.suppressed++;
    this.suppressed[cause] = (this.suppressed[cause] ?? 0) + 1;
    window.log = log;
    window.level = level;
    const w = window;
    w.summary ??= this.#clock.schedule(w.start + this.#intervalMs - now, () => {
      if (this.#windows.get(cause) === w) this.#summarise(cause, w);
    });
  }

  warn(log: Logger, cause: string, fields: object, msg: string): void {
    this.write(log, 'warn', cause, fields, msg);
  }

  error(log: Logger, cause: string, fields: object, msg: string): void {
    this.write(log, 'error', cause, fields, msg);
  }

  /** Ends `window`: one line for what it suppressed, if anything. */
  #summarise(cause: string, window: Window): void {
    this.#windows.delete(cause);
    window.summary?.cancel();
    if (window.suppressed === 0) return;
    const seconds = Math.round(this.#intervalMs / 100) / 10;
    window.log[window.level](
      { logCause: cause, suppressed: window.suppressed, intervalS: seconds },
      `suppressed ${window.suppressed} lines of ${cause} in the last ${seconds} s`,
    );
  }
}

function truncateFields(fields: object): object {
  let out: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value !== 'string' || value.length <= MAX_FIELD_CHARS) continue;
    out ??= { ...fields };
    out[key] = truncateForLog(value, MAX_FIELD_CHARS);
  }
  return out ?? fields;
}
