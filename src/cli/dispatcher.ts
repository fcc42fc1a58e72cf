// `kemi-wasm dispatcher list|add|rm|reload`: a tenant's dispatcher destination sets (KSR.dispatcher)
// through the admin API. Destinations of the config are listed too (without id: they change with the
// config); add and rm change the admin-API rows and reload the sets, reload rebuilds them from both.
import type { Command } from 'commander';
import { AdminClient, type ConnectionOptions, connectionOptions, fail } from './admin-client.ts';
import { table } from './table.ts';

interface AddOptions extends ConnectionOptions {
  set: string;
  flags: string;
  priority: string;
  attrs: string;
}

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

export function registerDispatcher(program: Command): void {
  const dispatcher = program
    .command('dispatcher')
    .description("a tenant's dispatcher destination sets (KSR.dispatcher)");
  connectionOptions(
    dispatcher
      .command('list')
      .description('the running destinations: set, URI, state, priority, attrs, load'),
  ).action(async (opts: ConnectionOptions) => {
    process.exitCode = await list(opts);
  });
  connectionOptions(
    dispatcher
      .command('add <uri>')
      .description('add a destination to a set and reload the sets')
      .option('--set <n>', 'the set (ds_select_dst(set, alg))', '1')
      .option('--flags <n>', 'state flags: 1 inactive, 4 disabled, 8 probing', '0')
      .option('-p, --priority <n>', 'higher first in the set', '0')
      .option('-a, --attrs <text>', 'Kamailio attrs: "duid=gw1;weight=50;maxload=20"', ''),
  ).action(async (uri: string, opts: AddOptions) => {
    process.exitCode = await add(uri, opts);
  });
  connectionOptions(
    dispatcher
      .command('rm <id>')
      .description('remove a destination by its id (see dispatcher list) and reload'),
  ).action(async (id: string, opts: ConnectionOptions) => {
    process.exitCode = await remove(id, opts);
  });
  connectionOptions(
    dispatcher.command('reload').description('rebuild the sets from the config and the added destinations'),
  ).action(async (opts: ConnectionOptions) => {
    process.exitCode = await reload(opts);
  });
}

function integer(text: string, what: string): number | string {
  return /^-?\d{1,10}$/.test(text) ? Number(text) : `${what} '${text}' is not a number`;
}

async function add(uri: string, opts: AddOptions): Promise<number> {
  const set = integer(opts.set, 'set');
  const flags = integer(opts.flags, 'flags');
  const priority = integer(opts.priority, 'priority');
  for (const v of [set, flags, priority]) if (typeof v === 'string') return fail('dispatcher add', v);
  const client = new AdminClient(opts);
  const json = {
    set: set as number,
    uri,
    flags: flags as number,
    priority: priority as number,
    attrs: opts.attrs,
  };
  const result = await client.call((_, tenant) => tenant.dispatcher.$post({ param: client.param, json }));
  if (!result.ok) return fail('dispatcher add', result.error);
  if (opts.json) print(result.value);
  else {
    const d = result.value.destination;
    process.stdout.write(`${result.value.tenant}: added destination ${d.id}: set ${d.set} ${d.uri}\n`);
  }
  return 0;
}

async function remove(id: string, opts: ConnectionOptions): Promise<number> {
  const client = new AdminClient(opts);
  const result = await client.call((_, tenant) =>
    tenant.dispatcher[':id'].$delete({ param: { ...client.param, id } }),
  );
  if (!result.ok) return fail('dispatcher rm', result.error);
  if (opts.json) print(result.value);
  else process.stdout.write(`${result.value.tenant}: removed destination ${result.value.removed}\n`);
  return 0;
}

async function reload(opts: ConnectionOptions): Promise<number> {
  const client = new AdminClient(opts);
  const result = await client.call((_, tenant) => tenant.dispatcher.reload.$post({ param: client.param }));
  if (!result.ok) return fail('dispatcher reload', result.error);
  if (opts.json) print(result.value);
  else
    process.stdout.write(
      `${result.value.tenant}: ${result.value.destinations} destinations in ${result.value.sets} sets\n`,
    );
  return 0;
}

async function list(opts: ConnectionOptions): Promise<number> {
  const client = new AdminClient(opts);
  const result = await client.call((_, tenant) => tenant.dispatcher.$get({ param: client.param }));
  if (!result.ok) return fail('dispatcher list', result.error);
  if (opts.json) {
    print(result.value);
    return 0;
  }
  const rows = result.value.destinations.map((d) => [
    d.id === undefined || d.id === null ? 'config' : String(d.id),
    String(d.set),
    d.uri,
    d.state,
    String(d.priority),
    d.attrs,
    String(d.load),
  ]);
  if (rows.length === 0) {
    process.stdout.write(
      `tenant ${result.value.tenant} has no destinations: add one with kemi-wasm dispatcher add\n`,
    );
    return 0;
  }
  process.stdout.write(table(['ID', 'SET', 'URI', 'STATE', 'PRIORITY', 'ATTRS', 'LOAD'], rows));
  return 0;
}
