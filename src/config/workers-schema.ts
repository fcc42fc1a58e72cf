// The `workers` key: how many threads run the SIP stack (docs/workers.md). 1 (the default) is the single
// thread of old, also the mode to debug in; N > 1 runs N SIP worker threads on shared UDP sockets beside a
// primary thread that keeps the registry and the admin API; "auto" is one per CPU the process may use.
import { availableParallelism } from 'node:os';
import { z } from 'zod';

/** More threads than this gain nothing on the hosts we run on and cost memory each (one V8 heap apiece). */
export const MAX_WORKERS = 64;

export const workersSchema = z
  .union([z.number().int().min(1).max(MAX_WORKERS), z.literal('auto')])
  .default(1);

export type WorkersConfig = z.infer<typeof workersSchema>;

/** The number of SIP threads `workers` asks for on this host. */
export function workerCount(workers: WorkersConfig): number {
  return workers === 'auto' ? Math.min(MAX_WORKERS, availableParallelism()) : workers;
}

/** What the multi-thread mode needs from the rest of the configuration. */
export interface WorkersContext {
  readonly workers: WorkersConfig;
  readonly listen: readonly string[];
  readonly dataDir: string | undefined;
  /** Names of the tenants with htables (the implicit `default` tenant's top-level ones included). */
  readonly htableTenants: readonly string[];
  /** Whether a `[cluster]` section makes this server one node of several (docs/cluster.md). */
  readonly cluster: boolean;
}

/**
 * Why the configuration cannot run with more than one SIP thread, or undefined when it can. What the
 * threads do not share yet is refused rather than run inconsistently (docs/workers.md, "Not done yet").
 */
export function workersRefusal(c: WorkersContext): string | undefined {
  if (c.workers === 1) return undefined;
  const asked = `workers = ${JSON.stringify(c.workers)}`;
  const streams = c.listen.filter((spec) => !spec.startsWith('udp:'));
  if (streams.length > 0)
    return `${asked} serves UDP listeners only so far (a TCP/TLS/WebSocket connection belongs to one thread): remove ${streams.join(', ')} or set workers = 1`;
  if (c.dataDir === undefined)
    return `${asked} needs data_dir: the threads share the location, subscriber, address, acc and dispatcher stores as SQLite files there`;
  if (c.htableTenants.length > 0)
    return `${asked}: htables are not shared between threads yet (tenants ${c.htableTenants.join(', ')}): remove them or set workers = 1`;
  if (c.cluster)
    return `${asked}: a cluster node follows its versions in one thread so far: remove [cluster] or set workers = 1`;
  return undefined;
}
