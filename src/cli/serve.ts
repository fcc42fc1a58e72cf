// `kemi-wasm serve [--config FILE] [--listen SPEC]... [--route FILE.wasm]`: runs the SIP server until
// SIGINT/SIGTERM. Without arguments: UDP and TCP on 127.0.0.1:5060 with the bundled example route.
import type { Command } from 'commander';
import { loadConfig, validateConfig } from '../config/load.ts';
import { createLogger } from '../logger.ts';
import { startServer } from '../server.ts';

interface ServeOptions {
  config?: string;
  listen?: string[];
  route?: string;
  logLevel?: string;
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
    .option('-r, --route <file>', 'routing script component (.wasm)')
    .option('--log-level <level>', 'trace, debug, info, warn, error, silent')
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
  const overrides = {
    ...loaded.value,
    ...(opts.listen && { listen: opts.listen }),
    ...(opts.route && { route: opts.route }),
    ...(opts.logLevel && { log_level: opts.logLevel }),
  };
  const checked = validateConfig(overrides, 'command line');
  if (!checked.ok) return fail(checked.error);
  const config = checked.value;

  const log = createLogger(config.log_level);
  const started = await startServer(config, log);
  if (!started.ok) return fail(started.error);
  const server = started.value;
  log.info('ready');

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}

function fail(message: string): number {
  process.stderr.write(`kemi-wasm serve: ${message}\n`);
  return 1;
}
