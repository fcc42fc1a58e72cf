// Configuration of several nodes sharing deploys through Redis (src/cluster/): the `cluster` section.
// Absent: one node, exactly as without it (versions, numbers and the dialog pin key are this node's own).
import { z } from 'zod';
import { SHARED_STORES_SHAPE } from './shared-stores-schema.ts';

export const DEFAULT_CLUSTER_PREFIX = 'kemi-wasm:';
export const DEFAULT_HEARTBEAT_MS = 1000;

export const clusterSchema = z
  .object({
    /** The Redis server every node shares, as a redis:// (or rediss://) URL with its database number. */
    redis: z
      .string()
      .regex(/^rediss?:\/\/\S+$/, 'expected a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379/0'),
    /** This node's name in the cluster's status; default `<hostname>:<first SIP listen port>`. */
    node: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/, 'expected letters, digits, ".", ":", "-", "_"')
      .optional(),
    /** Prefix of every key and channel: several clusters can share one Redis database. */
    prefix: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'expected 1-64 letters, digits, ".", ":", "-", "_"')
      .default(DEFAULT_CLUSTER_PREFIX),
    /** How often a node reports itself and checks it runs the cluster's active versions [1000]. */
    heartbeat_ms: z.number().int().min(100).max(60_000).default(DEFAULT_HEARTBEAT_MS),
    /** A node whose report is older than this is shown as lost [3 heartbeats]. */
    node_ttl_ms: z.number().int().min(300).max(600_000).optional(),
    /** How long a start waits for Redis before it starts on this node's own versions [5000]. */
    connect_timeout_ms: z.number().int().min(100).max(120_000).default(5000),
    /** The stores kept in Redis, each `[cluster.stores.<store>]` (shared-stores-schema.ts). */
    stores: z
      .object({ ...SHARED_STORES_SHAPE })
      .strict()
      .prefault({}),
  })
  .strict();

export type ClusterConfig = z.infer<typeof clusterSchema>;
