// `kemi-wasm subscriber add|rm|list|passwd|import`: a tenant's subscribers (auth_db) through the admin API.
// A password comes from --password or, when absent, from the first line of stdin (so it need not appear in
// the shell history or the process list); it is sent to the server and never printed.
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { AdminClient, type ConnectionOptions, connectionOptions, fail } from './admin-client.ts';
import { parseSubscriberCsv } from './csv.ts';
import { table as formatTable } from './table.ts';

interface SubscriberOptions extends ConnectionOptions {
  table?: string;
  password?: string;
}

interface ImportOptions extends ConnectionOptions {
  table?: string;
  replace?: boolean;
}

/** Bytes of JSON per import request: under the admin API's default max_json_bytes (16 KiB). */
const IMPORT_BATCH_BYTES = 12 * 1024;

/** `user@domain` split, or why not. */
function address(aor: string): { username: string; domain: string } | undefined {
  const at = aor.lastIndexOf('@');
  if (at <= 0 || at === aor.length - 1) return undefined;
  return { username: aor.slice(0, at), domain: aor.slice(at + 1) };
}

async function readPassword(opts: SubscriberOptions): Promise<string | undefined> {
  if (opts.password !== undefined) return opts.password;
  if (process.stdin.isTTY) process.stderr.write('password: ');
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return undefined;
}

const withTable = (command: Command) =>
  connectionOptions(command.option('--table <name>', 'subscriber table (default "subscriber")'));

export function registerSubscriber(program: Command): void {
  const group = program
    .command('subscriber')
    .description("provision a tenant's subscribers (digest authentication)");
  withTable(
    group
      .command('add')
      .description('add a subscriber')
      .argument('<user@domain>', 'username and domain (the realm of its HA1)')
      .option('-p, --password <password>', 'password (default: the first line of stdin)'),
  ).action(async (aor: string, opts: SubscriberOptions) => {
    process.exitCode = await add(aor, opts);
  });
  withTable(
    group
      .command('passwd')
      .description("change a subscriber's password")
      .argument('<user@domain>', 'username and domain')
      .option('-p, --password <password>', 'new password (default: the first line of stdin)'),
  ).action(async (aor: string, opts: SubscriberOptions) => {
    process.exitCode = await passwd(aor, opts);
  });
  withTable(
    group.command('rm').description('remove a subscriber').argument('<user@domain>', 'username and domain'),
  ).action(async (aor: string, opts: SubscriberOptions) => {
    process.exitCode = await remove(aor, opts);
  });
  connectionOptions(group.command('list').description("list a tenant's subscribers")).action(
    async (opts: ConnectionOptions) => {
      process.exitCode = await list(opts);
    },
  );
  withTable(
    group
      .command('import')
      .description('add subscribers from a CSV file (username,domain,password per line)')
      .argument('<file>', 'CSV file')
      .option('--replace', 'update the password of subscribers that exist (default: refuse them)'),
  ).action(async (file: string, opts: ImportOptions) => {
    process.exitCode = await importCsv(file, opts);
  });
}

function print(opts: ConnectionOptions, value: unknown, line: string): number {
  process.stdout.write(opts.json ? `${JSON.stringify(value, null, 2)}\n` : `${line}\n`);
  return 0;
}

async function add(aor: string, opts: SubscriberOptions): Promise<number> {
  const who = address(aor);
  if (!who) return fail('subscriber add', `'${aor}' is not user@domain`);
  const password = await readPassword(opts);
  if (!password) return fail('subscriber add', 'no password: give --password or a line on stdin');
  const client = new AdminClient(opts);
  const result = await client.call((_, tenant) =>
    tenant.subscribers.$post({
      param: client.param,
      json: { ...who, password, table: opts.table },
    }),
  );
  if (!result.ok) return fail('subscriber add', result.error);
  const s = result.value;
  return print(opts, s, `added ${s.username}@${s.domain} to ${s.tenant} (table ${s.table})`);
}

async function passwd(aor: string, opts: SubscriberOptions): Promise<number> {
  const who = address(aor);
  if (!who) return fail('subscriber passwd', `'${aor}' is not user@domain`);
  const password = await readPassword(opts);
  if (!password) return fail('subscriber passwd', 'no password: give --password or a line on stdin');
  const client = new AdminClient(opts);
  const result = await client.call((_, tenant) =>
    tenant.subscribers[':domain'][':username'].$put({
      param: {
        ...client.param,
        domain: encodeURIComponent(who.domain),
        username: encodeURIComponent(who.username),
      },
      json: { password, table: opts.table },
    }),
  );
  if (!result.ok) return fail('subscriber passwd', result.error);
  const s = result.value;
  return print(opts, s, `password of ${s.username}@${s.domain} changed (${s.tenant}, table ${s.table})`);
}

async function remove(aor: string, opts: SubscriberOptions): Promise<number> {
  const who = address(aor);
  if (!who) return fail('subscriber rm', `'${aor}' is not user@domain`);
  const client = new AdminClient(opts);
  const result = await client.call((_, tenant) =>
    tenant.subscribers[':domain'][':username'].$delete({
      param: {
        ...client.param,
        domain: encodeURIComponent(who.domain),
        username: encodeURIComponent(who.username),
      },
      query: opts.table === undefined ? {} : { table: opts.table },
    }),
  );
  if (!result.ok) return fail('subscriber rm', result.error);
  const s = result.value;
  return print(opts, s, `removed ${s.username}@${s.domain} from ${s.tenant} (table ${s.table})`);
}

async function list(opts: ConnectionOptions): Promise<number> {
  const client = new AdminClient(opts);
  const result = await client.call((_, tenant) =>
    tenant.subscribers.$get({ param: client.param, query: {} }),
  );
  if (!result.ok) return fail('subscriber list', result.error);
  const b = result.value;
  if (opts.json) return print(opts, b, '');
  // A cluster node whose Redis did not answer lists its own copy: said on stderr, the table stays clean.
  if ('source' in b && b.source === 'copy')
    process.stderr.write("the cluster's Redis did not answer: this node's copy of the subscribers\n");
  if (b.subscribers.length === 0) {
    process.stdout.write(`tenant ${b.tenant} has no subscribers: add one with kemi-wasm subscriber add\n`);
    return 0;
  }
  const rows = b.subscribers.map((s) => [
    s.username,
    s.domain,
    s.table,
    s.updatedAt.replace('T', ' ').slice(0, 19),
  ]);
  process.stdout.write(formatTable(['USERNAME', 'DOMAIN', 'TABLE', 'UPDATED'], rows));
  if (b.total > b.subscribers.length) process.stdout.write(`(${b.subscribers.length} of ${b.total})\n`);
  return 0;
}

async function importCsv(file: string, opts: ImportOptions): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return fail(
      'subscriber import',
      `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? error})`,
    );
  }
  const parsed = parseSubscriberCsv(text);
  if (!parsed.ok) return fail('subscriber import', `${file} ${parsed.error}`);
  if (parsed.value.length === 0) return fail('subscriber import', `${file} holds no subscribers`);
  const client = new AdminClient(opts);
  // Batches under the server's body limit; each batch is all or nothing on the server.
  const batches: (typeof parsed.value)[] = [[]];
  let bytes = 0;
  for (const row of parsed.value) {
    const size = JSON.stringify(row).length + 1;
    if (bytes + size > IMPORT_BATCH_BYTES && batches[batches.length - 1].length > 0) {
      batches.push([]);
      bytes = 0;
    }
    batches[batches.length - 1].push(row);
    bytes += size;
  }
  let added = 0;
  let updated = 0;
  let done = 0;
  for (const batch of batches) {
    const result = await client.call((_, tenant) =>
      tenant.subscribers.import.$post({
        param: client.param,
        json: { subscribers: batch, replace: opts.replace === true, table: opts.table },
      }),
    );
    if (!result.ok) {
      const kept = done === 0 ? 'nothing was imported' : `the first ${done} rows were imported`;
      return fail('subscriber import', `rows ${done + 1}-${done + batch.length}: ${result.error} (${kept})`);
    }
    added += result.value.added;
    updated += result.value.updated;
    done += batch.length;
  }
  const summary = { tenant: client.tenant, added, updated };
  return print(opts, summary, `imported ${file} into ${client.tenant}: ${added} added, ${updated} updated`);
}
