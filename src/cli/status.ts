// `kemi-wasm status [--tenant T]`: active version and in-flight transactions per loaded version, and the
// circuit breaker of the active one, for every tenant the token sees (or one). With several nodes
// (docs/cluster.md), also every node's active version and in-flight transactions per tenant.
import type { Command } from 'commander';
import {
  type AdminApi,
  AdminClient,
  type AnswerOf,
  type ConnectionOptions,
  connectionOptions,
  fail,
  type TenantApi,
} from './admin-client.ts';
import { table } from './table.ts';

export function registerStatus(program: Command): void {
  connectionOptions(
    program.command('status').description('active versions and in-flight transactions per version'),
  ).action(async (opts: ConnectionOptions) => {
    // Without --tenant (and KEMI_WASM_TENANT), every tenant the token may see.
    const one = opts.tenant !== undefined || Boolean(process.env.KEMI_WASM_TENANT);
    process.exitCode = await status(opts, one);
  });
}

async function status(opts: ConnectionOptions, one: boolean): Promise<number> {
  const client = new AdminClient(opts);
  const result = one
    ? await client.call((_, tenant) => tenant.$get({ param: client.param }))
    : await client.call((api) => api.v1.status.$get());
  if (!result.ok) return fail('status', result.error);
  const cluster = await client.call((api) => api.v1.cluster.$get());
  // A node whose Redis is down answers 503 with that reason; an older server has no such route.
  const clustered = cluster.ok ? cluster.value.enabled : cluster.error.includes("cluster's Redis");
  if (opts.json) {
    const body = clustered
      ? { ...result.value, cluster: cluster.ok ? cluster.value : { error: cluster.error } }
      : result.value;
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return 0;
  }
  const tenants = 'tenants' in result.value ? result.value.tenants : [result.value];
  const rows = tenants.flatMap((t) =>
    t.loaded.length === 0
      ? [[t.tenant, '-', 'no version', '', '', '', '']]
      : t.loaded.map((l) => [
          t.tenant,
          String(l.version),
          l.active
            ? t.breaker.state === 'open'
              ? 'fail-closed'
              : 'active'
            : l.standby
              ? 'standby'
              : 'draining',
          String(l.pins),
          String(l.invocations),
          l.path,
          l.active ? breaker(t) : '',
        ]),
  );
  process.stdout.write(
    table(['TENANT', 'VERSION', 'STATE', 'IN-FLIGHT', 'INVOCATIONS', 'ABI', 'BREAKER'], rows),
  );
  if (!clustered) return 0;
  if (!cluster.ok) {
    process.stdout.write(`\ncluster: ${cluster.error}\n`);
    return 1;
  }
  const only = one ? new Set(tenants.map((t) => t.tenant)) : undefined;
  process.stdout.write(`\n${nodeTable(cluster.value, only)}`);
  return 0;
}

/** One row per node and tenant: the version it runs against the cluster's, in-flight transactions, error. */
function nodeTable(
  status: AnswerOf<AdminApi['v1']['cluster']['$get']>,
  only: Set<string> | undefined,
): string {
  const rows: string[][] = [];
  for (const n of status.nodes) {
    const tenants = (n.report?.tenants ?? []).filter((t) => only === undefined || only.has(t.tenant));
    if (n.state === 'lost' || tenants.length === 0) {
      rows.push([n.node, n.state, '-', '-', '-', '-', `last seen ${n.lastSeen}`]);
      continue;
    }
    for (const t of tenants) {
      const cluster = status.active?.[t.tenant]?.version;
      rows.push([
        n.node,
        n.state,
        t.tenant,
        t.version === undefined ? '-' : String(t.version),
        cluster === undefined ? '-' : String(cluster),
        String(t.inFlight),
        t.error ? `cannot load v${t.error.version}: ${t.error.reason}` : '',
      ]);
    }
  }
  return table(['NODE', 'STATE', 'TENANT', 'VERSION', 'CLUSTER', 'IN-FLIGHT', 'ERROR'], rows);
}

/** `closed 2/20` (failures in the window / the threshold), `open`, `tripping` or `off`. */
function breaker(t: AnswerOf<TenantApi['$get']>): string {
  const b = t.breaker;
  return b.state === 'closed' ? `closed ${b.recent}/${b.failures}` : b.state;
}
