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
  })
  .strict()
  .default({});

export type LogLimitConfig = z.infer<typeof logLimitSchema>;

export function logLimitOptions(config: LogLimitConfig): LogLimitOptions {
  return {
    lines: config.lines ?? DEFAULT_LOG_LIMIT.lines,
    intervalMs: config.interval_s === undefined ? DEFAULT_LOG_LIMIT.intervalMs : config.interval_s * 1000,
  };
}
