// `kemi-wasm rollback [--tenant T]`: returns the tenant to the version active before the current one.
import type { Command } from 'commander';
import {
  AdminClient,
  type AnswerOf,
  type ConnectionOptions,
  connectionOptions,
  fail,
  ms,
  type TenantApi,
} from './admin-client.ts';

/** What activate and rollback answer: the switch from one active version to another. */
type Switch = AnswerOf<TenantApi['rollback']['$post']>;

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
  const result = await client.call((_, tenant) => tenant.rollback.$post({ param: client.param }));
  if (!result.ok) return fail('rollback', result.error);
  printSwitch(result.value, opts.json === true);
  return 0;
}

export function printSwitch(b: Switch, json: boolean): void {
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
