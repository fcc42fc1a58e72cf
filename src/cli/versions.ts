// `kemi-wasm versions [--tenant T]`: the tenant's retained versions, newest first.
import type { Command } from 'commander';
import { AdminClient, type ConnectionOptions, connectionOptions, fail, kib } from './admin-client.ts';
import { table } from './table.ts';

interface VersionRow {
  version: number;
  active: boolean;
  loaded: boolean;
  pins: number;
  size: number;
  sha256: string;
  createdAt: string;
  createdBy: string;
  state: string;
}

export function registerVersions(program: Command): void {
  connectionOptions(
    program.command('versions').description("list a tenant's retained module versions"),
  ).action(async (opts: ConnectionOptions) => {
    process.exitCode = await versions(opts);
  });
}

async function versions(opts: ConnectionOptions): Promise<number> {
  const client = new AdminClient(opts);
  const result = await client.call<{ tenant: string; versions: VersionRow[] }>(
    'GET',
    client.tenantPath('/versions'),
  );
  if (!result.ok) return fail('versions', result.error);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(result.body, null, 2)}\n`);
    return 0;
  }
  const rows = result.body.versions.map((v) => [
    `${v.active ? '*' : ' '} ${v.version}`,
    v.state,
    v.loaded ? `loaded, ${v.pins} pin${v.pins === 1 ? '' : 's'}` : '',
    kib(v.size),
    v.sha256.slice(0, 12),
    v.createdAt.replace('T', ' ').slice(0, 19),
    v.createdBy,
  ]);
  if (rows.length === 0) {
    process.stdout.write(`tenant ${result.body.tenant} has no versions: deploy one with kemi-wasm deploy\n`);
    return 0;
  }
  process.stdout.write(table(['  VERSION', 'STATE', 'LOADED', 'SIZE', 'SHA256', 'CREATED', 'BY'], rows));
  return 0;
}
