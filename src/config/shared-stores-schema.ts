// The stores a cluster keeps in its Redis, each under `[cluster.stores.<store>]` (docs/cluster.md, "Shared
// stores"): `backend` (Redis, or this node's embedded store as without [cluster]) and what the store does
// when Redis is slow or down. One block per store; location's lives beside these (cluster-schema.ts).
import { z } from 'zod';

/** One store's choice; `unavailable` defaults per store (what a node can sensibly serve on its own). */
function sharedStoreSchema(unavailable: 'fail' | 'cache') {
  return z
    .object({
      /** Where the store lives: the cluster's Redis [redis], or this node only (embedded). */
      backend: z.enum(['redis', 'embedded']).default('redis'),
      /** Redis slow or down: fail the operation (its KSR failure code), or serve this node's cache. */
      unavailable: z.enum(['fail', 'cache']).default(unavailable),
      /** How long an operation waits for Redis before `unavailable` applies [250]. */
      timeout_ms: z.number().int().min(10).max(10_000).default(250),
    })
    .strict()
    .prefault({});
}

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

/** The stores of this file, to spread into the `stores` object of the cluster schema. */
export const SHARED_STORES_SHAPE = {
  /** KSR.htable: a counter (a per-tenant call limit) is one value for every node. */
  htable: sharedStoreSchema('cache'),
  /** Dialog profile sizes (get_profile_size): the dialogs of all nodes count together. */
  dialog: sharedStoreSchema('cache'),
  /** pike: an address flooding several nodes a little each is detected (hits of all nodes). */
  pike: pikeStoreSchema,
  /** The circuit breaker: failures of all nodes within the window count together. */
  breaker: breakerStoreSchema,
};

export type SharedStoreConfig = z.infer<ReturnType<typeof sharedStoreSchema>>;
