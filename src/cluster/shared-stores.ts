// The stores a cluster node keeps in Redis rather than in itself (docs/cluster.md, "Shared stores"), as
// `[cluster.stores.<store>]` chooses: which KSR functions may then answer a Promise (the linker links them
// as suspending imports), and the stores themselves, made on the cluster's command connection.
import type { Logger } from 'pino';
import type { CallbackGuard } from '../callback-guard.ts';
import type { Config } from '../config/schema.ts';
import { DIALOG_SUSPENDING } from '../kemi/dialog.ts';
import { HTABLE_SUSPENDING } from '../kemi/htable.ts';
import type { LogLimiter } from '../log-limit.ts';
import type { SharedFailures, TenantSpec } from '../registry/index.ts';
import {
  type AddressStore,
  type DialogStore,
  HtableStore,
  type PikeStore,
  type SharedStoreCounters,
  type SharedStoreLink,
  type SubscriberStore,
  sharedStoreLink,
  type Unavailable,
} from '../state/index.ts';
import type { ClusterNode } from './cluster-node.ts';
import { LOCATION_SUSPENDING } from './redis-location.ts';
import { type AddressWriter, SharedAddresses } from './shared-addresses.ts';
import { SharedBreaker } from './shared-breaker.ts';
import { SharedDialogCounts } from './shared-dialog-counts.ts';
import { SharedPike } from './shared-pike.ts';
import { SharedSubscribers, type SubscriberWriter } from './shared-subscribers.ts';
import type { SharedTableStore } from './shared-table.ts';
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
  return new Set([
    ...(config.cluster?.stores.location.backend === 'redis' ? LOCATION_SUSPENDING : []),
    ...(htablesInRedis(config, specs) ? HTABLE_SUSPENDING : []),
    ...(config.cluster?.stores.dialog.backend === 'redis' ? DIALOG_SUSPENDING : []),
  ]);
}

/**
 * Where the shared stores are made: the configuration, this node's cluster membership (undefined: not in a
 * cluster, every store stays this node's), the timers of their heartbeats, their log, and the counters of
 * their failures by store (metrics).
 */
export interface SharedStoreSite {
  readonly config: Config;
  readonly cluster: ClusterNode | undefined;
  readonly timers: CallbackGuard;
  readonly log: Logger;
  readonly logLimit: LogLimiter;
  readonly counters: Record<string, SharedStoreCounters>;
}

/** A store's link on the cluster's command connection, its failures counted under `counters[store]`. */
function storeLink(
  site: SharedStoreSite,
  cluster: ClusterNode,
  store: string,
  timeoutMs: number,
  unavailable: Unavailable,
): SharedStoreLink {
  const { log, logLimit } = site;
  const link = sharedStoreLink({ store, redis: cluster.redis, timeoutMs, unavailable, log, logLimit });
  site.counters[store] = link.counters;
  return link;
}

/**
 * Starts a shared table following Redis and catching up every heartbeat (what a missed invalidation needs).
 * Answers the table as the admin routes' writer and what stops it.
 */
async function followTable<W extends SharedTableStore>(
  shared: W,
  timerName: string,
  heartbeatMs: number,
  timers: CallbackGuard,
): Promise<{ writer: W; close(): void }> {
  const following = await shared.start();
  const heartbeat = timers.interval(timerName, heartbeatMs, () => {
    void shared.catchUp();
  });
  return {
    writer: shared,
    close: () => {
      heartbeat.cancel();
      following.close();
    },
  };
}

/**
 * The tenants' htables: in Redis where the cluster's config says so, else embedded as on one server. The
 * failures of the store in Redis are counted under `counters.htable` (metrics).
 */
export function openHtables(site: SharedStoreSite, specs: readonly TenantSpec[]): HtableStore {
  const { config, cluster } = site;
  const tables = Object.fromEntries(specs.map((spec) => [spec.name, spec.htables]));
  if (cluster === undefined || config.cluster === undefined || !htablesInRedis(config, specs))
    return new HtableStore(tables);
  const { prefix, stores } = config.cluster;
  const link = storeLink(site, cluster, 'htable', stores.htable.timeout_ms, stores.htable.unavailable);
  return new HtableStore(tables, Date.now, {
    link,
    base: (tenant, table) => htableBase(prefix, tenant, table),
  });
}

/**
 * The breaker's cluster-wide failure counts (before the registry opens: it reports to them), or undefined
 * when the breaker counts on this node only. Its failures are counted under `counters.breaker`.
 */
export function sharedBreaker(site: SharedStoreSite): SharedFailures | undefined {
  const { cluster } = site;
  const c = site.config.cluster;
  if (cluster === undefined || c === undefined || c.stores.breaker.backend !== 'redis') return undefined;
  return new SharedBreaker(
    storeLink(site, cluster, 'breaker', c.stores.breaker.timeout_ms, 'cache'),
    c.prefix,
  );
}

/**
 * Dialog profile sizes counted by all nodes (`[cluster.stores.dialog]`): this node's contribution written
 * to Redis as it changes and every heartbeat; get_profile_size then answers the cluster's sum. Answers
 * what stops it, or undefined when the sizes stay this node's.
 */
export function shareDialogCounts(
  site: SharedStoreSite,
  dialogs: DialogStore,
  tenants: readonly string[],
): { cancel(): void } | undefined {
  const { cluster } = site;
  const c = site.config.cluster;
  if (cluster === undefined || c === undefined || c.stores.dialog.backend !== 'redis') return undefined;
  const link = storeLink(site, cluster, 'dialog', c.stores.dialog.timeout_ms, c.stores.dialog.unavailable);
  const shared = new SharedDialogCounts(
    {
      link,
      prefix: c.prefix,
      node: cluster.name,
      tenants,
      heartbeatMs: c.heartbeat_ms,
      ttlMs: c.node_ttl_ms ?? c.heartbeat_ms * 3,
    },
    dialogs,
  );
  return shared.start(site.timers);
}

/**
 * pike's hits counted by all nodes (`[cluster.stores.pike]`): pushed and read back every `sync_ms`, checks
 * stay synchronous. Answers what stops it, or undefined when pike counts on this node only.
 */
export function sharePike(site: SharedStoreSite, pike: PikeStore): { cancel(): void } | undefined {
  const { cluster } = site;
  const c = site.config.cluster;
  if (cluster === undefined || c === undefined || c.stores.pike.backend !== 'redis') return undefined;
  const link = storeLink(site, cluster, 'pike', c.stores.pike.timeout_ms, 'cache');
  return new SharedPike(link, c.prefix, pike).start(site.timers, c.stores.pike.sync_ms);
}

/**
 * Subscribers in the cluster's Redis (`[cluster.stores.subscribers]`): admin writes go there, this node's
 * `copy` (the store digest auth reads, synchronously) follows them by invalidation, at start, on reconnect
 * and every heartbeat. Answers the writer for the admin routes and what stops it, or undefined when the
 * subscribers stay this node's.
 */
export async function shareSubscribers(
  site: SharedStoreSite,
  copy: SubscriberStore,
  tenants: readonly string[],
): Promise<{ writer: SubscriberWriter; close(): void } | undefined> {
  const { config, cluster } = site;
  const c = config.cluster;
  if (cluster === undefined || c === undefined || c.stores.subscribers.backend !== 'redis') return undefined;
  const link = storeLink(site, cluster, 'subscribers', c.stores.subscribers.timeout_ms, 'fail');
  const shared = new SharedSubscribers(
    {
      link,
      prefix: c.prefix,
      tenants,
      maxSubscribers: config.auth.max_subscribers,
      storePasswords: config.auth.store_passwords,
    },
    copy,
  );
  return followTable(shared, 'cluster-subscribers', c.heartbeat_ms, site.timers);
}

/**
 * The permissions address table in the cluster's Redis (`[cluster.stores.addresses]`): admin writes go
 * there, this node's `copy` (the store allow_address reads, synchronously) follows them as the subscribers'
 * does. Answers the writer for the admin routes and what stops it, or undefined when the table stays this
 * node's.
 */
export async function shareAddresses(
  site: SharedStoreSite,
  copy: AddressStore,
  tenants: readonly string[],
): Promise<{ writer: AddressWriter; close(): void } | undefined> {
  const { config, cluster } = site;
  const c = config.cluster;
  if (cluster === undefined || c === undefined || c.stores.addresses.backend !== 'redis') return undefined;
  const link = storeLink(site, cluster, 'addresses', c.stores.addresses.timeout_ms, 'fail');
  const shared = new SharedAddresses(
    { link, prefix: c.prefix, tenants, maxPerTenant: config.permissions.max_addresses_per_tenant },
    copy,
  );
  return followTable(shared, 'cluster-addresses', c.heartbeat_ms, site.timers);
}
