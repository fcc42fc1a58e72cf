// `kemi-wasm address add|rm|list|import`: a tenant's permissions address table (KSR.permissions) through
// the admin API. `import` reads a CSV file (address-csv.ts) and sends it in batches that fit the server's
// JSON body limit; each batch is added whole or not at all, and a refused row stops the import, naming
// its line and how many rows were added before it.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseAddressCsv } from './address-csv.ts';
import { AdminClient, type ConnectionOptions, connectionOptions, fail } from './admin-client.ts';
import { table } from './table.ts';

/** Rows per import request: ~100 bytes of JSON each stays well within admin.max_json_bytes (16 KiB). */
const IMPORT_BATCH = 100;

interface AddOptions extends ConnectionOptions {
  group: string;
  port: string;
  tag?: string;
}

interface ListOptions extends ConnectionOptions {
  group?: string;
}

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

export function registerAddress(program: Command): void {
  const address = program
    .command('address')
    .description("a tenant's trusted addresses (the permissions address table)");
  connectionOptions(
    address
      .command('add <address>')
      .description('add an IP address, a range (10.0.0.0/8) or a host name to a group')
      .option('-g, --group <n>', 'group (allow_source_address(group))', '1')
      .option('-p, --port <n>', 'port; 0 matches any port', '0')
      .option('--tag <text>', "the row's tag"),
  ).action(async (addr: string, opts: AddOptions) => {
    process.exitCode = await add(addr, opts);
  });
  connectionOptions(
    address.command('rm <id>').description('remove a row by its id (see address list)'),
  ).action(async (id: string, opts: ConnectionOptions) => {
    process.exitCode = await remove(id, opts);
  });
  connectionOptions(
    address
      .command('list')
      .description("list the tenant's rows")
      .option('-g, --group <n>', 'only this group'),
  ).action(async (opts: ListOptions) => {
    process.exitCode = await list(opts);
  });
  connectionOptions(
    address
      .command('import <file>')
      .description('add the rows of a CSV file: group,address[,port[,tag]] per line'),
  ).action(async (file: string, opts: ConnectionOptions) => {
    process.exitCode = await importCsv(file, opts);
  });
}

function number(text: string, what: string): number | string {
  return /^\d{1,10}$/.test(text) ? Number(text) : `${what} '${text}' is not a number`;
}

async function add(addr: string, opts: AddOptions): Promise<number> {
  const group = number(opts.group, 'group');
  const port = number(opts.port, 'port');
  if (typeof group === 'string') return fail('address add', group);
  if (typeof port === 'string') return fail('address add', port);
  const client = new AdminClient(opts);
  const json = { group, address: addr, port, ...(opts.tag === undefined ? {} : { tag: opts.tag }) };
  const result = await client.call((_, tenant) => tenant.addresses.$post({ param: client.param, json }));
  if (!result.ok) return fail('address add', result.error);
  if (opts.json) print(result.value);
  else {
    const a = result.value.address;
    process.stdout.write(
      `${result.value.tenant}: added row ${a.id}: group ${a.group} ${a.address} port ${a.port}\n`,
    );
  }
  return 0;
}

async function remove(id: string, opts: ConnectionOptions): Promise<number> {
  const client = new AdminClient(opts);
  const result = await client.call((_, tenant) =>
    tenant.addresses[':id'].$delete({ param: { ...client.param, id } }),
  );
  if (!result.ok) return fail('address rm', result.error);
  if (opts.json) print(result.value);
  else process.stdout.write(`${result.value.tenant}: removed row ${result.value.removed}\n`);
  return 0;
}

async function list(opts: ListOptions): Promise<number> {
  const client = new AdminClient(opts);
  const query = opts.group === undefined ? {} : { group: opts.group };
  const result = await client.call((_, tenant) => tenant.addresses.$get({ param: client.param, query }));
  if (!result.ok) return fail('address list', result.error);
  if (opts.json) {
    print(result.value);
    return 0;
  }
  // A cluster node whose Redis did not answer lists its own copy: said on stderr, the table stays clean.
  if ('source' in result.value && result.value.source === 'copy')
    process.stderr.write("the cluster's Redis did not answer: this node's copy of the addresses\n");
  const rows = result.value.addresses.map((a) => [
    String(a.id),
    String(a.group),
    a.address,
    a.port === 0 ? 'any' : String(a.port),
    a.tag ?? '',
  ]);
  if (rows.length === 0) {
    process.stdout.write(
      `tenant ${result.value.tenant} has no addresses: add one with kemi-wasm address add\n`,
    );
    return 0;
  }
  process.stdout.write(table(['ID', 'GROUP', 'ADDRESS', 'PORT', 'TAG'], rows));
  return 0;
}

async function importCsv(file: string, opts: ConnectionOptions): Promise<number> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return fail('address import', `cannot read ${file}: ${(error as Error).message}`);
  }
  const parsed = parseAddressCsv(text);
  if (!parsed.ok) return fail('address import', `${file} ${parsed.error}`);
  const rows = parsed.value;
  if (rows.length === 0) return fail('address import', `${file} has no rows`);
  const client = new AdminClient(opts);
  let added = 0;
  for (let start = 0; start < rows.length; start += IMPORT_BATCH) {
    const batch = rows.slice(start, start + IMPORT_BATCH);
    const json = { addresses: batch.map((r) => r.row) };
    const result = await client.call((_, tenant) =>
      tenant.addresses.import.$post({ param: client.param, json }),
    );
    if (!result.ok) {
      const row = /^row (\d+): /.exec(result.error);
      const where = row ? `${file} line ${batch[Number(row[1]) - 1].line}: ` : '';
      const reason = row ? result.error.slice(row[0].length) : result.error;
      return fail('address import', `${where}${reason} (${added} rows added before it)`);
    }
    added += result.value.added;
  }
  if (opts.json) print({ tenant: client.tenant, added });
  else process.stdout.write(`${client.tenant}: imported ${added} rows from ${file}\n`);
  return 0;
}
