// `kemi-wasm activate VERSION [--tenant T]`: makes a retained version the active one.
import type { Command } from 'commander';
import { AdminClient, type ConnectionOptions, connectionOptions, fail } from './admin-client.ts';
import { printSwitch } from './rollback.ts';

export function registerActivate(program: Command): void {
  connectionOptions(
    program
      .command('activate')
      .description('activate a retained version of a tenant (see kemi-wasm versions)')
      .argument('<version>', 'version number'),
  ).action(async (version: string, opts: ConnectionOptions) => {
    process.exitCode = await activate(version, opts);
  });
}

async function activate(text: string, opts: ConnectionOptions): Promise<number> {
  const version = Number(text);
  if (!/^[1-9][0-9]*$/.test(text))
    return fail('activate', `'${text}' is not a version number: see kemi-wasm versions`);
  const client = new AdminClient(opts);
  const result = await client.call((_, tenant) =>
    tenant.activate.$post({ param: client.param, json: { version } }),
  );
  if (!result.ok) return fail('activate', result.error);
  printSwitch(result.value, opts.json === true);
  return 0;
}
