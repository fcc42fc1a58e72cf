// /metrics with SIP worker threads: each worker reads its own message path (the same table as one thread,
// src/admin/metric-table.ts) into rows by metric name; the primary adds them up. Counters and the gauges
// of what each thread holds (transactions, htable items, pike addresses) are summed; the gauges that read
// a store every thread shares (bindings, address rows, subscribers in SQLite) or that each thread keeps a
// copy of (dispatcher destinations) are one value, not N: the highest (destination_up: the lowest, up
// only where every worker sees it up).
import { METRICS, type MetricSources, type Rows, type Snapshot, sipSnapshot } from '../admin/metric-table.ts';

/** Rows of one worker, by metric name (structured-cloneable). */
export type WorkerRows = Record<string, Rows>;

/** The parts of the metric table a worker fills (everything but the registry, which is the primary's). */
export const THREAD_KEYS = (Object.keys(METRICS) as (keyof Snapshot)[]).filter((k) => k !== 'registry');

const SHARED_HIGHEST = new Set(['kemi_location_bindings', 'kemi_permission_addresses', 'kemi_subscribers']);
const SHARED_LOWEST = new Set(['kemi_dispatcher_destination_up']);

/** One worker's rows: the table's metrics read from its sources. */
export function workerRows(
  sources: Omit<MetricSources, 'registry'>,
  loaded: ReadonlySet<string>,
): WorkerRows {
  const s = sipSnapshot(sources, loaded);
  const rows: WorkerRows = {};
  for (const key of THREAD_KEYS) {
    const part = s[key as Exclude<keyof Snapshot, 'registry'>];
    if (part === undefined) continue;
    for (const def of METRICS[key]) rows[def.name] = (def.read as (p: typeof part) => Rows)(part);
  }
  return rows;
}

/** The workers' rows as one server's. */
export function mergeRows(workers: readonly WorkerRows[]): Map<string, Rows> {
  const merged = new Map<string, Map<string, [Record<string, string>, number]>>();
  for (const rows of workers) {
    for (const [name, list] of Object.entries(rows)) {
      let byLabels = merged.get(name);
      if (byLabels === undefined) {
        byLabels = new Map();
        merged.set(name, byLabels);
      }
      for (const [labels, value] of list) {
        const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
        const seen = byLabels.get(key);
        if (seen === undefined) byLabels.set(key, [labels, value]);
        else seen[1] = combine(name, seen[1], value);
      }
    }
  }
  return new Map([...merged].map(([name, byLabels]) => [name, [...byLabels.values()]]));
}

function combine(name: string, a: number, b: number): number {
  if (SHARED_HIGHEST.has(name)) return Math.max(a, b);
  if (SHARED_LOWEST.has(name)) return Math.min(a, b);
  return a + b;
}
