// `kemi-wasm acc [--missed] [--limit N] [--offset N] [--since TIME]`: a tenant's accounting records (KSR acc)
// through the admin API, oldest first: the `acc` table, or `missed_calls` with --missed.
import type { Command } from 'commander';
import { AdminClient, type ConnectionOptions, connectionOptions, fail } from './admin-client.ts';
import { table as formatTable } from './table.ts';

interface AccOptions extends ConnectionOptions {
  missed?: boolean;
  limit?: string;
  offset?: string;
  since?: string;
}

export function registerAcc(program: Command): void {
  connectionOptions(
    program
      .command('acc')
      .description("list a tenant's accounting records (the acc table, or missed_calls with --missed)")
      .option('--missed', 'the missed_calls table')
      .option('--limit <n>', 'records at most (default and cap 1000)')
      .option('--offset <n>', 'records to skip')
      .option('--since <time>', 'records at or after this time (ISO 8601 or epoch ms)'),
  ).action(async (opts: AccOptions) => {
    process.exitCode = await list(opts);
  });
}

async function list(opts: AccOptions): Promise<number> {
  for (const [name, value] of [
    ['--limit', opts.limit],
    ['--offset', opts.offset],
  ] as const) {
    if (value !== undefined && !/^\d+$/.test(value))
      return fail('acc', `${name} takes a count, not '${value}'`);
  }
  const client = new AdminClient(opts);
  const table = opts.missed ? 'missed_calls' : 'acc';
  const result = await client.call((_, tenant) =>
    tenant.acc.$get({
      param: client.param,
      query: { table, limit: opts.limit, offset: opts.offset, since: opts.since },
    }),
  );
  if (!result.ok) return fail('acc', result.error);
  const b = result.value;
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(b, null, 2)}\n`);
    return 0;
  }
  if (b.records.length === 0) {
    process.stdout.write(`tenant ${b.tenant} has no records in ${b.table}\n`);
    return 0;
  }
  const extras = [...new Set(b.records.flatMap((r) => Object.keys(r.extra)))];
  const rows = b.records.map((r) => [
    r.time.replace('T', ' ').slice(0, 23),
    r.method,
    r.sip_code,
    r.sip_reason,
    r.callid,
    r.from_tag,
    r.to_tag,
    ...extras.map((k) => r.extra[k] ?? ''),
  ]);
  const head = [
    'TIME',
    'METHOD',
    'CODE',
    'REASON',
    'CALL-ID',
    'FROM-TAG',
    'TO-TAG',
    ...extras.map((k) => k.toUpperCase()),
  ];
  process.stdout.write(formatTable(head, rows));
  return 0;
}
