// The registrar's location in the cluster's Redis (docs/cluster.md, "Location"): every node reads and
// writes the same bindings, so a phone registered through one node is found through any other. Writes are
// the Lua scripts of location-scripts.ts (one REGISTER, the AoR and tenant caps over every node, the
// indexes and TTLs: one atomic step); reads are one HGETALL. Every operation answers a Promise, bounded by
// `timeoutMs`: a Redis that is down or slow fails the operation (the registrar answers 500 / -3), or with
// `unavailable = "cache"` a lookup is served from what this node last read or wrote for the AoR. Each
// failure is counted (failures) and logged, rate-limited.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { LogLimiter } from '../log-limit.ts';
import { err, ok, type Result } from '../result.ts';
import type {
  Binding,
  BindingChanges,
  Clock,
  LocationBackend,
  LocationFull,
  LocationLimits,
  PingEntry,
} from '../state/index.ts';
import { LocationCache } from './location-cache.ts';
import {
  LOCATION_APPLY,
  LOCATION_PING_BATCH,
  LOCATION_REMOVE_AOR,
  LOCATION_REMOVE_STALE,
  LOCATION_SWEEP,
} from './location-scripts.ts';

export type Unavailable = 'fail' | 'cache';

/**
 * The KSR functions that read or write the location: with the location in Redis they answer a Promise, so
 * the server links them as suspending imports (LinkerOptions.suspending, `'<interface>#<function>'`).
 */
export const LOCATION_SUSPENDING: readonly string[] = [
  'registrar#save',
  'registrar#lookup',
  'registrar#lookup-uri',
  'registrar#registered',
  'registrar#registered-uri',
  'registrar#unregister',
];
/** read: an AoR's bindings (save, lookup, registered); write: one REGISTER's changes. */
export type LocationOp = 'read' | 'write' | 'unregister' | 'natping' | 'sweep' | 'count';
/** A failed operation: `failed` (its caller got an error) or `cached` (a lookup served from the cache). */
export type FailureOutcome = 'failed' | 'cached';

export interface RedisLocationOptions {
  readonly redis: Redis;
  /** The cluster's key prefix. */
  readonly prefix: string;
  /** This node's name: the bindings saved through it are the ones its NAT keepalive pings. */
  readonly node: string;
  /** The tenants whose bindings are counted (metrics) and swept. */
  readonly tenants: readonly string[];
  readonly unavailable: Unavailable;
  /** How long an operation may wait for Redis before it counts as failed. */
  readonly timeoutMs: number;
  /** AoRs kept by the cache (unavailable = "cache"). */
  readonly cacheAors: number;
  readonly log: Logger;
  readonly logLimit: LogLimiter;
  readonly now?: Clock;
}

/** A binding as stored in Redis: the Binding and the node that saved it. */
type Stored = Binding & { readonly node?: string };

const COMMANDS = {
  kwLocApply: [2, LOCATION_APPLY],
  kwLocRemoveAor: [2, LOCATION_REMOVE_AOR],
  kwLocRemoveStale: [2, LOCATION_REMOVE_STALE],
  kwLocSweep: [1, LOCATION_SWEEP],
  kwLocPingBatch: [1, LOCATION_PING_BATCH],
} as const;
type Command = keyof typeof COMMANDS;

/** Highest q first (unspecified last), then the newest refresh, then the contact: the embedded order. */
function byRank(a: Binding, b: Binding): number {
  const qa = a.q === undefined ? -1 : Math.round(a.q * 1000);
  const qb = b.q === undefined ? -1 : Math.round(b.q * 1000);
  if (qa !== qb) return qb - qa;
  if (a.updatedAt !== b.updatedAt) return b.updatedAt - a.updatedAt;
  return a.contact < b.contact ? -1 : a.contact > b.contact ? 1 : 0;
}

function decode(raw: string): Binding {
  const { node: _node, q, ...rest } = JSON.parse(raw) as Stored & { q?: number | null };
  return { ...rest, q: q ?? undefined };
}

/** cjson writes an empty array as {}. */
const list = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);

export class RedisLocation implements LocationBackend {
  readonly where: string;
  readonly now: Clock;
  /** Operations Redis did not answer in time, by operation and outcome (metrics). */
  readonly failures: Record<string, Record<string, number>> = {};
  readonly #o: RedisLocationOptions;
  readonly #cache: LocationCache | undefined;
  #counts: Record<string, number> = {};
  #counting = false;

  constructor(options: RedisLocationOptions) {
    this.#o = options;
    this.now = options.now ?? Date.now;
    this.where = `redis ${options.prefix}tenant:*:loc:* (${options.unavailable} when unavailable)`;
    this.#cache = options.unavailable === 'cache' ? new LocationCache(options.cacheAors) : undefined;
    for (const [name, [numberOfKeys, lua]] of Object.entries(COMMANDS))
      options.redis.defineCommand(name, { numberOfKeys, lua });
  }

  #tenantKey(tenant: string): string {
    return `${this.#o.prefix}tenant:${tenant}:`;
  }

  #aorKey(tenant: string, table: string, aor: string): string {
    return `${this.#tenantKey(tenant)}loc:${table}:${aor}`;
  }

  #expiryKey(tenant: string): string {
    return `${this.#tenantKey(tenant)}loc-expiry`;
  }

  #nodePrefix(tenant: string): string {
    return `${this.#tenantKey(tenant)}loc-node:`;
  }

  /** A script, bounded by the timeout. */
  #run(command: Command, ...args: (string | number)[]): Promise<unknown> {
    const call = (
      this.#o.redis as unknown as Record<Command, (...a: (string | number)[]) => Promise<unknown>>
    )[command](...args);
    return this.#bounded(call);
  }

  #bounded<T>(call: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Redis did not answer within ${this.#o.timeoutMs} ms`)),
        this.#o.timeoutMs,
      );
      timer.unref();
    });
    return Promise.race([call, late]).finally(() => clearTimeout(timer));
  }

  #failed(op: LocationOp, outcome: FailureOutcome, error: unknown, tenant?: string): void {
    this.failures[op] ??= {};
    this.failures[op][outcome] = (this.failures[op][outcome] ?? 0) + 1;
    const message =
      outcome === 'cached'
        ? 'location: Redis unavailable, the AoR served from this node’s cache'
        : 'location: Redis unavailable, the operation failed';
    this.#o.logLimit.error(
      this.#o.log,
      `location-redis-${op}-${outcome}`,
      { op, ...(tenant !== undefined && { tenant }), err: (error as Error)?.message ?? String(error) },
      message,
    );
  }

  async bindings(tenant: string, table: string, aor: string): Promise<Binding[]> {
    const cacheKey = `${tenant}\n${table}\n${aor}`;
    try {
      const raw = await this.#bounded(this.#o.redis.hgetall(this.#aorKey(tenant, table, aor)));
      const now = this.now();
      const live = Object.values(raw)
        .map(decode)
        .filter((b) => b.expiresAt > now)
        .sort(byRank);
      this.#cache?.remember(cacheKey, live);
      return live;
    } catch (error) {
      const cached = this.#cache?.recall(cacheKey, this.now());
      if (cached !== undefined) {
        this.#failed('read', 'cached', error, tenant);
        return cached;
      }
      this.#failed('read', 'failed', error, tenant);
      throw error;
    }
  }

  async apply(
    tenant: string,
    table: string,
    aor: string,
    changes: BindingChanges,
    limits: LocationLimits,
  ): Promise<Result<Binding[], LocationFull>> {
    const node = this.#o.node;
    const puts = changes.put.flatMap((b) => [
      b.contact,
      String(b.expiresAt),
      JSON.stringify({ ...b, node } satisfies Stored),
    ]);
    let answer: { bindings?: unknown; error?: LocationFull['code']; count?: number };
    try {
      const raw = await this.#run(
        'kwLocApply',
        this.#aorKey(tenant, table, aor),
        this.#expiryKey(tenant),
        this.#nodePrefix(tenant),
        String(this.now()),
        `${table}\n${aor}\n`,
        limits.maxContacts,
        limits.maxBindings,
        node,
        changes.remove.length,
        ...changes.remove,
        ...puts,
      );
      answer = JSON.parse(raw as string);
    } catch (error) {
      this.#failed('write', 'failed', error, tenant);
      throw error;
    }
    if (answer.error !== undefined) {
      const code = answer.error;
      const limit = code === 'aor-full' ? limits.maxContacts : limits.maxBindings;
      const what = code === 'aor-full' ? `the AoR ${aor}` : `tenant ${tenant}`;
      const setting = code === 'aor-full' ? 'max_contacts' : 'max_bindings';
      const count = answer.count ?? 0;
      return err({
        code,
        message: `${what} has ${count} bindings, the limit is ${limit} (${setting})`,
        count,
        limit,
      });
    }
    const bindings = list<string>(answer.bindings).map(decode).sort(byRank);
    this.#cache?.remember(`${tenant}\n${table}\n${aor}`, bindings);
    return ok(bindings);
  }

  async removeAor(tenant: string, table: string, aor: string): Promise<number> {
    try {
      const removed = await this.#run(
        'kwLocRemoveAor',
        this.#aorKey(tenant, table, aor),
        this.#expiryKey(tenant),
        this.#nodePrefix(tenant),
        `${table}\n${aor}\n`,
      );
      this.#cache?.remember(`${tenant}\n${table}\n${aor}`, []);
      return Number(removed);
    } catch (error) {
      this.#failed('unregister', 'failed', error, tenant);
      throw error;
    }
  }

  /** The last counts read (refreshed in the background at every call: a scrape shows the previous one's). */
  countsByTenant(): Record<string, number> {
    void this.refreshCounts();
    return this.#counts;
  }

  /** Reads every tenant's live count (ZCOUNT of its expiry index); keeps the last one on failure. */
  async refreshCounts(): Promise<void> {
    if (this.#counting) return;
    this.#counting = true;
    try {
      const now = `(${this.now()}`;
      const pipeline = this.#o.redis.pipeline();
      for (const tenant of this.#o.tenants) pipeline.zcount(this.#expiryKey(tenant), now, '+inf');
      const answers = (await this.#bounded(pipeline.exec())) ?? [];
      const counts: Record<string, number> = {};
      for (const [i, tenant] of this.#o.tenants.entries()) {
        const n = Number(answers[i]?.[1] ?? 0);
        if (n > 0) counts[tenant] = n;
      }
      this.#counts = counts;
    } catch (error) {
      this.#failed('count', 'failed', error);
    } finally {
      this.#counting = false;
    }
  }

  async pingBatch(tenant: string, after: number, limit: number): Promise<PingEntry[]> {
    try {
      const raw = await this.#run(
        'kwLocPingBatch',
        `${this.#nodePrefix(tenant)}${this.#o.node}`,
        `${this.#tenantKey(tenant)}loc:`,
        String(this.now()),
        after,
        limit,
      );
      return list<[string, string]>(JSON.parse(raw as string)).flatMap(([member, json], i) => {
        if (json === '') return [];
        const [table, aor] = member.split('\n');
        const b = decode(json);
        return [
          {
            id: after + i + 1,
            table,
            aor,
            contact: b.contact,
            ...(b.received !== undefined && { received: b.received }),
            source: b.source,
            updatedAt: b.updatedAt,
            flags: b.flags ?? 0,
          },
        ];
      });
    } catch (error) {
      this.#failed('natping', 'failed', error, tenant);
      return [];
    }
  }

  async removeStale(
    tenant: string,
    table: string,
    aor: string,
    contact: string,
    updatedAt: number,
  ): Promise<boolean> {
    try {
      const removed = await this.#run(
        'kwLocRemoveStale',
        this.#aorKey(tenant, table, aor),
        this.#expiryKey(tenant),
        this.#nodePrefix(tenant),
        `${table}\n${aor}\n`,
        contact,
        updatedAt,
      );
      return Number(removed) === 1;
    } catch (error) {
      this.#failed('natping', 'failed', error, tenant);
      return false;
    }
  }

  /**
   * Removes at most `limit` expired bindings per tenant (their hash keys also expire by TTL with their last
   * binding; the sweep keeps the tenant's count exact in between) and refreshes the counts.
   */
  async sweep(limit = 1000): Promise<number> {
    let removed = 0;
    try {
      for (const tenant of this.#o.tenants)
        removed += Number(
          await this.#run(
            'kwLocSweep',
            this.#expiryKey(tenant),
            this.#nodePrefix(tenant),
            `${this.#tenantKey(tenant)}loc:`,
            String(this.now()),
            limit,
          ),
        );
    } catch (error) {
      this.#failed('sweep', 'failed', error);
    }
    await this.refreshCounts();
    return removed;
  }

  /** The connection is the cluster node's: it closes it. */
  close(): void {}
}
