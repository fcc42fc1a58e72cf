// The process logger: structured (pino), one JSON line per event on stdout. Components get child loggers
// carrying their bindings (tenant, version, Call-ID) instead of formatting them into messages.
import { type LevelWithSilent, type Logger, pino } from 'pino';

export type { Logger };

export function createLogger(level: LevelWithSilent = 'info'): Logger {
  return pino({
    level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}

/** A logger that writes nothing, for tests and benchmarks. */
export const silentLogger: Logger = pino({ level: 'silent' });
