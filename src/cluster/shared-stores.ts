// The stores a cluster node keeps in Redis rather than in itself (docs/cluster.md, "Shared stores"), as
// `[cluster.stores.<store>]` chooses: which KSR functions may then answer a Promise (the linker links them
// as suspending imports), and the stores themselves, made on the cluster's command connection.
import type { Logger } from 'pino';
import type { Config } from '../config/schema.ts';
import { HTABLE_SUSPENDING } from '../kemi/htable.ts';
import type { LogLimiter } from '../log-limit.ts';
import type { TenantSpec } from '../registry/index.ts';
import { HtableStore, type SharedStoreCounters, sharedStoreLink } from '../state/index.ts';
import type { ClusterNode } from './cluster-node.ts';
import { htableBase } from './store-keys.ts';

/** True when the cluster keeps the tenants' htables in Redis and some table is not node-local. */
function htablesInRedis(config: Config, specs: readonly TenantSpec[]): boolean {
  return (
    config.cluster?.stores.htable.backend === 'redis' &&
    specs.some((spec) => Object.values(spec.htables).some((table) => !table.nodeLocal))
  );
}

/** The `'<interface>#<function>'` names that may answer a Promise with this configuration. */
export function suspendingFunctions(config: Config, specs: readonly TenantSpec[]): Set<string> {
  return new Set(htablesInRedis(config, specs) ? HTABLE_SUSPENDING : []);
}

export interface SharedStores {
  readonly htables: HtableStore;
  /** The failures of each store kept in Redis, by store name (metrics). */
  readonly counters: Readonly<Record<string, SharedStoreCounters>>;
}

/** The stores of this node: in Redis where the cluster's config says so, else embedded as on one server. */
export function openSharedStores(
  config: Config,
  specs: readonly TenantSpec[],
  cluster: ClusterNode | undefined,
  log: Logger,
  logLimit: LogLimiter,
): SharedStores {
  const tables = Object.fromEntries(specs.map((spec) => [spec.name, spec.htables]));
  const counters: Record<string, SharedStoreCounters> = {};
  if (cluster === undefined || config.cluster === undefined || !htablesInRedis(config, specs))
    return { htables: new HtableStore(tables), counters };
  const { prefix, stores } = config.cluster;
  const link = sharedStoreLink({
    store: 'htable',
    redis: cluster.redis,
    timeoutMs: stores.htable.timeout_ms,
    unavailable: stores.htable.unavailable,
    log,
    logLimit,
  });
  counters.htable = link.counters;
  const htables = new HtableStore(tables, Date.now, {
    link,
    base: (tenant, table) => htableBase(prefix, tenant, table),
  });
  return { htables, counters };
}
