// Which stores a cluster shares through its Redis (docs/cluster.md): `[cluster.stores.<store>]` with
// `backend = "redis" | "embedded"` (default "redis" once `[cluster]` is there; without `[cluster]` every
// store is embedded as on one server) and `unavailable = "fail" | "cache"` (what the store does when Redis
// is slow or down). Each store adds its own keys beside these two.
import { z } from 'zod';

/** The two keys every shared store has. */
const storeChoice = {
  /** Where the store lives: the cluster's Redis, or this node only (SQLite / memory) as on one server. */
  backend: z.enum(['redis', 'embedded']).default('redis'),
  /** Redis slow or down: fail closed (a SIP error / KSR error code), or serve what this node cached. */
  unavailable: z.enum(['fail', 'cache']).default('fail'),
};

export const DEFAULT_LOCATION_TIMEOUT_MS = 500;
export const DEFAULT_LOCATION_CACHE_AORS = 100_000;

/** `[cluster.stores.location]`: the registrar's bindings (docs/cluster.md, "Location"). */
export const locationStoreSchema = z
  .object({
    ...storeChoice,
    /** How long a save or lookup waits for Redis before it fails (or is served from the cache) [500]. */
    timeout_ms: z.number().int().min(10).max(10_000).default(DEFAULT_LOCATION_TIMEOUT_MS),
    /** AoRs the node keeps for `unavailable = "cache"` (least recently used go first) [100000]. */
    cache_aors: z.number().int().min(1).max(10_000_000).default(DEFAULT_LOCATION_CACHE_AORS),
  })
  .strict();

export const clusterStoresSchema = z
  .object({
    location: locationStoreSchema.default(locationStoreSchema.parse({})),
  })
  .strict();

export type LocationStoreConfig = z.infer<typeof locationStoreSchema>;
export type ClusterStoresConfig = z.infer<typeof clusterStoresSchema>;
