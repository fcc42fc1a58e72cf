// `kemi-wasm versions [--tenant T]`: the tenant's retained versions, newest first.
import type { Command } from 'commander';
import { AdminClient, type ConnectionOptions, connectionOptions, fail, kib } from './admin-client.ts';
import { table } from './table.ts';

export function registerVersions(program: Command): void {
  connectionOptions(
    program.command('versions').description("list a tenant's retained module versions"),
  ).action(async (opts: ConnectionOptions) => {
    process.exitCode = await versions(opts);
  });
}

async function versions(opts: ConnectionOptions): Promise<number> {
  const client = new AdminClient(opts);
  const result = await client.call((_, tenant) => tenant.versions.$get({ param: client.param }));
  if (!result.ok) return fail('versions', result.error);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(result.value, null, 2)}\n`);
    return 0;
  }
  // The tenant guard answers for a missing tenant, so the registry always has its list here.
  const rows = (result.value.versions ?? []).map((v) => [
    `${v.active ? '*' : ' '} ${v.version}`,
    v.state,
    v.loaded ? `loaded, ${v.pins} pin${v.pins === 1 ? '' : 's'}` : '',
    kib(v.size),
    v.sha256.slice(0, 12),
    v.createdAt.replace('T', ' ').slice(0, 19),
    v.createdBy,
  ]);
  if (rows.length === 0) {
    process.stdout.write(`tenant ${result.value.tenant} has no versions: deploy one with kemi-wasm deploy\n`);
    return 0;
  }
  process.stdout.write(table(['  VERSION', 'STATE', 'LOADED', 'SIZE', 'SHA256', 'CREATED', 'BY'], rows));
  return 0;
}
