// `kemi-wasm serve [--config FILE] [--listen SPEC]... [--module FILE.wasm]`: runs the SIP server until
// SIGINT/SIGTERM. Without arguments: UDP and TCP on 127.0.0.1:5060 with the bundled example route.
import { type Command, Option } from 'commander';
import { loadConfig, validateConfig } from '../config/load.ts';
import { workerCount } from '../config/workers-schema.ts';
import { createLogger, LOG_FORMATS } from '../logger.ts';
import type { Result } from '../result.ts';
import { armShutdownDeadline } from '../shutdown.ts';
import type { Transport } from '../transport/index.ts';
import { startMemoryRelease } from './memory-release.ts';

/** One thread's server, or the primary of worker threads (no transport of its own). */
interface Running {
  readonly transport?: Transport;
  close(): Promise<void>;
  /** While close() runs: the stop step under way and those left. */
  waitingFor(): readonly string[];
}

interface ServeOptions {
  config?: string;
  listen?: string[];
  module?: string;
  /** The old name of --module, still accepted with a warning. */
  route?: string;
  logLevel?: string;
  logFormat?: string;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the SIP server (default: udp+tcp 127.0.0.1:5060 with the bundled AssemblyScript route)')
    .option('-c, --config <file>', 'configuration file (.toml, .yaml)')
    .option(
      '-l, --listen <spec>',
      'listen on PROTO:HOST:PORT (repeatable; replaces the configured list)',
      collect,
    )
    .option('-m, --module <file>', 'the module (component .wasm) whose routes serve every message')
    .addOption(new Option('-r, --route <file>', 'old name of --module').hideHelp())
    .option('--log-level <level>', 'trace, debug, info, warn, error, silent')
    .addOption(
      new Option(
        '--log-format <format>',
        'json, or pretty (default: pretty on a terminal, json when piped)',
      ).choices(LOG_FORMATS),
    )
    .action(async (opts: ServeOptions) => {
      process.exitCode = await serve(opts);
    });
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

async function serve(opts: ServeOptions): Promise<number> {
  const loaded = opts.config ? await loadConfig(opts.config) : validateConfig({});
  if (!loaded.ok) return fail(loaded.error);
  if (opts.route !== undefined && opts.module !== undefined)
    return fail('give --module only (--route is its old name)');
  const module = opts.module ?? opts.route;
  const { warnings, ...base } = loaded.value;
  const overrides = {
    ...base,
    ...(opts.listen && { listen: opts.listen }),
    ...(module && { module }),
    ...(opts.logLevel && { log_level: opts.logLevel }),
    ...(opts.logFormat && { log_format: opts.logFormat }),
  };
  const checked = validateConfig(overrides, 'command line');
  if (!checked.ok) return fail(checked.error);
  const config = checked.value;

  const log = createLogger(config.log_level, config.log_format);
  const crash = onUncaught(log);
  for (const warning of warnings) log.warn(warning);
  if (opts.route !== undefined) log.warn("'--route' is deprecated: use '--module'");
  // workers > 1: this thread keeps the registry and the admin API, SIP runs in worker threads (docs/workers.md).
  const threads = workerCount(config.workers);
  // The server's modules are imported by the command that runs them: the client commands (deploy, status...)
  // start without loading a SIP stack.
  const started: Result<Running> =
    threads > 1
      ? await (await import('../workers/primary.ts')).startThreads(config, log, threads)
      : await (await import('../server.ts')).startServer(config, log);
  if (!started.ok) return fail(started.error);
  const server = started.value;
  log.info('ready');
  // The main thread's isolate only: with worker threads each has its own heap (docs/workers.md).
  const stopRelease = startMemoryRelease(
    config.memory_release,
    (e) =>
      log.info(
        { rssBeforeMb: mb(e.before), rssAfterMb: mb(e.after), gcMs: Math.round(e.ms) },
        'memory released',
      ),
    (err) => log.error({ err, what: 'memory-release' }, 'callback threw: caught, the server goes on'),
  );

  const crashed = await new Promise<boolean>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'shutting down');
      resolve(false);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // SIGHUP reads the TLS certificates and CAs again (docs/transports.md); a failed reload keeps the old ones.
    // With worker threads there are UDP listeners only (config/workers-schema.ts): nothing to reload.
    process.on('SIGHUP', () => void server.transport?.reloadTls());
    void crash.then(() => resolve(true));
  });
  // A stop never outlasts its bound: a part waiting for something that will not come (a Redis that stopped
  // answering) is named in the log, and the process exits anyway. After an uncaught exception the state the
  // bug left may hang the stop: a shorter bound, and the bug's status.
  stopRelease();
  const waitingFor = () => server.waitingFor();
  if (!crashed) {
    armShutdownDeadline(config.shutdown_timeout_ms, log, waitingFor);
    await server.close();
    return 0;
  }
  armShutdownDeadline(CRASH_CLOSE_MS, log, waitingFor, () => process.exit(EXIT_BUG));
  await server.close();
  return EXIT_BUG;
}

/** Exit code after an uncaught exception (EX_SOFTWARE): a bug, for the supervisor to restart the server. */
const EXIT_BUG = 70;
/** Longest the orderly stop after an uncaught exception may take. */
const CRASH_CLOSE_MS = 5000;

/**
 * The uncaughtException policy. What the server knows may throw is guarded where it runs: message delivery
 * (src/transport/transport.ts), timers (src/callback-guard.ts), admin requests (src/admin/app.ts onError),
 * script failures (the failure policy). An exception that still escapes (or a rejection nobody handled,
 * which Node raises as one) is a bug of unknown extent: the state it interrupted (a transaction half
 * updated, a store write) cannot be trusted, so the server does not go on. It logs the error at fatal with
 * its stack, stops as on SIGTERM (bounded by CRASH_CLOSE_MS) and exits with EXIT_BUG. The promise settles at
 * the first one; later ones are logged only.
 */
function onUncaught(log: ReturnType<typeof createLogger>): Promise<void> {
  return new Promise((resolve) => {
    let seen = false;
    process.on('uncaughtException', (err, origin) => {
      log.fatal(
        { err, origin },
        seen
          ? 'another uncaught exception while stopping'
          : `uncaught exception (a bug): stopping, exit ${EXIT_BUG}`,
      );
      if (!seen) process.exitCode = EXIT_BUG;
      seen = true;
      resolve();
    });
  });
}

const mb = (bytes: number) => Math.round(bytes / (1024 * 1024));

function fail(message: string): number {
  process.stderr.write(`kemi-wasm serve: ${message}\n`);
  return 1;
}
