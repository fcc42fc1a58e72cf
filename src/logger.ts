// The process logger: structured (pino). Components get child loggers carrying their bindings (tenant,
// version, Call-ID) instead of formatting them into messages. Where the lines go decides their form: one
// JSON line per event when stdout is piped (to a collector, a file, journald), pino-pretty's colored lines
// when a person reads a terminal; `--log-format` / config `log_format` forces either.
import { createRequire } from 'node:module';
import { type LevelWithSilent, type Logger, pino } from 'pino';
import type PinoPretty from 'pino-pretty';

export type { Logger };

/** `auto`: pretty on a terminal (stdout is a TTY), JSON otherwise. */
export type LogFormat = 'auto' | 'json' | 'pretty';

export const LOG_FORMATS: readonly LogFormat[] = ['auto', 'json', 'pretty'];

/** The form `format` resolves to for this process's stdout. */
export function resolveLogFormat(
  format: LogFormat,
  isTty = process.stdout.isTTY === true,
): 'json' | 'pretty' {
  return format === 'auto' ? (isTty ? 'pretty' : 'json') : format;
}

export function createLogger(level: LevelWithSilent = 'info', format: LogFormat = 'auto'): Logger {
  const options = {
    level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  if (resolveLogFormat(format) === 'json') return pino(options);
  // A synchronous stream in this thread (not a transport worker): a fatal line before exit is not lost.
  // The level formatter is left out: pino-pretty colors pino's numeric levels. Loaded for this form only
  // (synchronously, as createLogger is): a JSON-logging server does not keep its ~30 modules.
  const pretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
  return pino(
    { ...options, formatters: {} },
    pretty({ sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }),
  );
}

/** A logger that writes nothing, for tests and benchmarks. */
export const silentLogger: Logger = pino({ level: 'silent' });
