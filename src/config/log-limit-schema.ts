// Configuration of the log rate limit (src/log-limit.ts): the `log_limit` section. Lines a peer can cause
// once per message are written `lines` times per cause and interval, then counted and summarised.
import { z } from 'zod';
import { DEFAULT_LOG_LIMIT, type LogLimitOptions } from '../log-limit.ts';

export const logLimitSchema = z
  .object({
    /** Lines per cause and interval (10). */
    lines: z.number().int().positive().optional(),
    /** The interval, in seconds (10). */
    interval_s: z.number().positive().max(86_400).optional(),
    /**
     * Lines a tenant's scripts may write (xlog, core log) per interval, all its versions together (1000);
     * past it they are counted, and one line per interval says how many were left out.
     */
    script_lines: z.number().int().positive().optional(),
  })
  .strict()
  .default({});

export type LogLimitConfig = z.infer<typeof logLimitSchema>;

/** Lines a tenant's scripts may write per interval by default. */
export const DEFAULT_SCRIPT_LOG_LINES = 1000;
/** Longest script log line kept: a script may log a whole SIP message. */
export const MAX_SCRIPT_LINE_CHARS = 8192;

/** The per-tenant limit of script log lines (the same limiter, its own budget). */
export function scriptLogLimitOptions(config: LogLimitConfig): LogLimitOptions {
  return {
    ...logLimitOptions(config),
    lines: config.script_lines ?? DEFAULT_SCRIPT_LOG_LINES,
    maxMessageChars: MAX_SCRIPT_LINE_CHARS,
  };
}

export function logLimitOptions(config: LogLimitConfig): LogLimitOptions {
  return {
    lines: config.lines ?? DEFAULT_LOG_LIMIT.lines,
    intervalMs: config.interval_s === undefined ? DEFAULT_LOG_LIMIT.intervalMs : config.interval_s * 1000,
  };
}
