// The stores a cluster keeps in its Redis, each under `[cluster.stores.<store>]` (docs/cluster.md):
// `backend = "redis" | "embedded"` (default "redis" once `[cluster]` is there; without `[cluster]` every store
// is embedded as on one server), `unavailable = "fail" | "cache"` (what the store does when Redis is slow or
// down) and `timeout_ms`; some stores add keys of their own.
import { z } from 'zod';

/** One store's choice; `unavailable` and `timeout_ms` default per store. */
function sharedStoreSchema(unavailable: 'fail' | 'cache', timeoutMs = 250) {
  return z.object({
    /** Where the store lives: the cluster's Redis [redis], or this node only (embedded). */
    backend: z.enum(['redis', 'embedded']).default('redis'),
    /** Redis slow or down: fail the operation (its KSR failure code), or serve this node's cache. */
    unavailable: z.enum(['fail', 'cache']).default(unavailable),
    /** How long an operation waits for Redis before `unavailable` applies. */
    timeout_ms: z.number().int().min(10).max(10_000).default(timeoutMs),
  });
}

export const DEFAULT_LOCATION_TIMEOUT_MS = 500;
export const DEFAULT_LOCATION_CACHE_AORS = 100_000;

/** `[cluster.stores.location]`: the registrar's bindings (docs/cluster.md, "Location"). */
const locationStoreSchema = sharedStoreSchema('fail', DEFAULT_LOCATION_TIMEOUT_MS)
  .extend({
    /** AoRs the node keeps for `unavailable = "cache"` (least recently used go first) [100000]. */
    cache_aors: z.number().int().min(1).max(10_000_000).default(DEFAULT_LOCATION_CACHE_AORS),
  })
  .strict()
  .prefault({});

/**
 * The circuit breaker's failure counts: without Redis a node counts its own failures (its local breaker,
 * as on one server), so `unavailable` can only be "cache".
 */
const breakerStoreSchema = z
  .object({
    backend: z.enum(['redis', 'embedded']).default('redis'),
    unavailable: z
      .literal('cache', { error: 'the breaker always counts this node’s failures without Redis: "cache"' })
      .default('cache'),
    timeout_ms: z.number().int().min(10).max(10_000).default(250),
  })
  .strict()
  .prefault({});

/** pike: hits counted locally, pushed and read back every `sync_ms`; without Redis a node counts alone. */
const pikeStoreSchema = z
  .object({
    backend: z.enum(['redis', 'embedded']).default('redis'),
    unavailable: z
      .literal('cache', { error: 'pike always counts this node’s own hits without Redis: "cache"' })
      .default('cache'),
    timeout_ms: z.number().int().min(10).max(10_000).default(250),
    /** How often a node pushes its hits and reads the others' back: their staleness bound [250]. */
    sync_ms: z.number().int().min(20).max(10_000).default(250),
  })
  .strict()
  .prefault({});

/**
 * An admin-managed table (subscribers, addresses): admin writes go to Redis, every node reads its own copy,
 * kept current by an invalidation and a version check every heartbeat; without Redis a node serves that
 * copy: "cache".
 */
function copiedTableSchema(what: string) {
  return z
    .object({
      backend: z.enum(['redis', 'embedded']).default('redis'),
      unavailable: z
        .literal('cache', { error: `${what} are always read from this node’s copy without Redis: "cache"` })
        .default('cache'),
      timeout_ms: z.number().int().min(10).max(10_000).default(1000),
    })
    .strict()
    .prefault({});
}

/** The stores of this file, to spread into the `stores` object of the cluster schema. */
export const SHARED_STORES_SHAPE = {
  /** The registrar's location: a phone registered through one node is found through every node. */
  location: locationStoreSchema,
  /** KSR.htable: a counter (a per-tenant call limit) is one value for every node. */
  htable: sharedStoreSchema('cache').strict().prefault({}),
  /** Dialog profile sizes (get_profile_size): the dialogs of all nodes count together. */
  dialog: sharedStoreSchema('cache').strict().prefault({}),
  /** pike: an address flooding several nodes a little each is detected (hits of all nodes). */
  pike: pikeStoreSchema,
  /** The circuit breaker: failures of all nodes within the window count together. */
  breaker: breakerStoreSchema,
  /** Subscribers: one added through any node's admin API authenticates on every node. */
  subscribers: copiedTableSchema('subscribers'),
  /** The permissions address table: one added through any node's admin API is allowed on every node. */
  addresses: copiedTableSchema('addresses'),
};

export type SharedStoreConfig = z.infer<ReturnType<typeof sharedStoreSchema>>;
export type LocationStoreConfig = z.infer<typeof locationStoreSchema>;
