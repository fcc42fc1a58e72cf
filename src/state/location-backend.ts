// What the registrar, the NAT keepalive, the sweep and the metrics need of a location store, whichever
// backend holds the bindings: the embedded one (location-store.ts, node:sqlite, answers at once) or the
// cluster's Redis (src/cluster/redis-location.ts, answers with Promises). The callers keep one code path:
// `andThen` continues synchronously on a plain value, so the embedded store's path stays as fast as it was.
import type { Result } from '../result.ts';
import type {
  Binding,
  BindingChanges,
  Clock,
  LocationFull,
  LocationLimits,
  PingEntry,
} from './location-store.ts';

/** A value now (embedded store) or later (a remote one). */
export type Awaitable<T> = T | Promise<T>;

/** `next(value)` at once for a plain value, after it resolves for a Promise. */
export function andThen<T, U>(value: Awaitable<T>, next: (v: T) => Awaitable<U>): Awaitable<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/**
 * One pass of the periodic sweep: batches of `batch` expired bindings, the next one (after the event loop
 * ran what waited) while a batch came back full, at most `maxBatches`; settles with how many were removed.
 * Expired bindings are removed only here (reads skip them), so a pass drains them rather than one batch
 * a period: Kamailio's usrloc timer removes every expired contact on each run.
 */
export function sweepExpired(backend: LocationBackend, batch: number, maxBatches: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let total = 0;
    let batches = 0;
    const step = () => {
      try {
        void Promise.resolve(backend.sweep(batch)).then((swept) => {
          total += swept;
          if (swept >= batch && ++batches < maxBatches) setImmediate(step);
          else resolve(total);
        }, reject);
      } catch (error) {
        reject(error);
      }
    };
    step();
  });
}

export interface LocationBackend {
  /** Where the bindings live, for log lines. */
  readonly where: string;
  readonly now: Clock;
  /** The AoR's live bindings, best first (highest q, unspecified last, then the newest refresh). */
  bindings(tenant: string, table: string, aor: string): Awaitable<Binding[]>;
  /** One REGISTER's changes, all or nothing: refused over max_contacts (AoR) or max_bindings (tenant). */
  apply(
    tenant: string,
    table: string,
    aor: string,
    changes: BindingChanges,
    limits: LocationLimits,
  ): Awaitable<Result<Binding[], LocationFull>>;
  /** Removes every binding of the AoR; how many there were. */
  removeAor(tenant: string, table: string, aor: string): Awaitable<number>;
  /** Live bindings per tenant (metrics, the NAT keepalive's tenants); a remote store's last count. */
  countsByTenant(): Record<string, number>;
  /** At most `limit` live bindings of the tenant after the cursor `after` (the NAT keepalive's batch). */
  pingBatch(tenant: string, after: number, limit: number): Awaitable<PingEntry[]>;
  /** Removes a binding unless a REGISTER refreshed it after `updatedAt`. */
  removeStale(
    tenant: string,
    table: string,
    aor: string,
    contact: string,
    updatedAt: number,
  ): Awaitable<boolean>;
  /** A remote store's operations its server did not answer, by operation, then outcome (metrics). */
  readonly failures?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Removes at most `limit` expired bindings; how many. */
  sweep(limit?: number): Awaitable<number>;
  close(): void;
}
