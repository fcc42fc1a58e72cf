// `kemi-wasm rollback [--tenant T]`: returns the tenant to the version active before the current one.
import type { Command } from 'commander';
import { AdminClient, type ConnectionOptions, connectionOptions, fail, ms } from './admin-client.ts';

export interface SwitchBody {
  tenant: string;
  from: number | null;
  to: number;
  changed: boolean;
  timings: { loadMs: number; commitMs: number; swapMs: number };
}

export function registerRollback(program: Command): void {
  connectionOptions(
    program
      .command('rollback')
      .description('return a tenant to the version that was active before the current one'),
  ).action(async (opts: ConnectionOptions) => {
    process.exitCode = await rollback(opts);
  });
}

async function rollback(opts: ConnectionOptions): Promise<number> {
  const client = new AdminClient(opts);
  const result = await client.call<SwitchBody>('POST', client.tenantPath('/rollback'));
  if (!result.ok) return fail('rollback', result.error);
  printSwitch(result.body, opts.json === true);
  return 0;
}

export function printSwitch(b: SwitchBody, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(b, null, 2)}\n`);
    return;
  }
  if (!b.changed) {
    process.stdout.write(`${b.tenant} v${b.to} is already active\n`);
    return;
  }
  const t = b.timings;
  process.stdout.write(
    `${b.tenant}: v${b.from ?? '-'} -> v${b.to} active (load ${ms(t.loadMs)}, commit ${ms(t.commitMs)}, swap ${ms(t.swapMs)})\n`,
  );
}
