// What each loaded version of each tenant's script did, for the operators' per-tenant, per-version metrics:
// requests it routed, replies by class (received by its reply route, or answered by it), route invocations
// by route and their duration (histogram buckets), fuel used, failures by cause. Plain numbers kept on the
// message path and read at scrape time (src/admin/metric-table.ts); a scrape drops the entries of versions
// no longer loaded, so the series of a version that is gone disappear with it.
import type { Script } from './script.ts';

/** Upper bounds (seconds) of the route duration buckets: a warm route takes tens of microseconds. */
export const ROUTE_SECONDS_BUCKETS = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25,
] as const;

export interface VersionStats {
  readonly tenant: string;
  readonly version: number;
  requests: number;
  /** By "received 2xx" / "local 4xx" ... */
  readonly replies: Record<string, number>;
  readonly invocations: Record<string, number>;
  /** Per route: counts per bucket of ROUTE_SECONDS_BUCKETS (not cumulative) and the overflow, and the sum. */
  readonly durations: Record<string, { buckets: number[]; sum: number; count: number }>;
  fuel: number;
  readonly failures: Record<string, number>;
}

export class ScriptStats {
  readonly #byVersion = new Map<string, VersionStats>();

  #of(script: Script): VersionStats {
    const key = `${script.tenant}\0${script.version}`;
    let stats = this.#byVersion.get(key);
    if (stats === undefined) {
      stats = {
        tenant: script.tenant,
        version: script.version,
        requests: 0,
        replies: {},
        invocations: {},
        durations: {},
        fuel: 0,
        failures: {},
      };
      this.#byVersion.set(key, stats);
    }
    return stats;
  }

  request(script: Script): void {
    this.#of(script).requests++;
  }

  /** A reply of the script's: `source` "received" (its reply route saw it) or "local" (it answered). */
  reply(script: Script, source: 'received' | 'local', status: number): void {
    const key = `${source} ${Math.floor(status / 100)}xx`;
    const replies = this.#of(script).replies;
    replies[key] = (replies[key] ?? 0) + 1;
  }

  invocation(script: Script, route: string, ms: number, fuel: number, failure: string | undefined): void {
    const stats = this.#of(script);
    stats.invocations[route] = (stats.invocations[route] ?? 0) + 1;
    const seconds = ms / 1000;
    let d = stats.durations[route];
    if (d === undefined) {
      d = { buckets: new Array(ROUTE_SECONDS_BUCKETS.length + 1).fill(0), sum: 0, count: 0 };
      stats.durations[route] = d;
    }
    let i = 0;
    while (i < ROUTE_SECONDS_BUCKETS.length && seconds > ROUTE_SECONDS_BUCKETS[i]) i++;
    d.buckets[i]++;
    d.sum += seconds;
    d.count++;
    stats.fuel += fuel;
    if (failure !== undefined) stats.failures[failure] = (stats.failures[failure] ?? 0) + 1;
  }

  /** The stats of the versions `loaded` names ("tenant\0version"); those of the others are dropped. */
  rows(loaded: ReadonlySet<string>): readonly VersionStats[] {
    for (const key of this.#byVersion.keys()) if (!loaded.has(key)) this.#byVersion.delete(key);
    return [...this.#byVersion.values()];
  }
}
