// Prometheus metrics of one server: the registry (versions, pins, uploads, activations, circuit
// breakers), the message path's counters (core with route failures and failure policies per tenant,
// transactions, selector, transport) and the process defaults (event loop lag, heap). Registry events are
// counted as they happen; everything else is declared in metric-table.ts and set from one status snapshot
// per scrape.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry as PromRegistry } from 'prom-client';
import { ROUTE_SECONDS_BUCKETS, type VersionStats } from '../router/script-stats.ts';
import {
  EVENT_METRICS,
  type EventMetric,
  type Labels,
  METRICS,
  type MetricDef,
  type MetricSources,
  type Snapshot,
  snapshot,
  versionLabels,
} from './metric-table.ts';

export type { MetricSources, TmSource } from './metric-table.ts';

/** One row of a tenant's metrics: the metric, its labels but the tenant, the value. */
export interface TenantMetricRow {
  readonly name: string;
  readonly labels: Readonly<Record<string, string | number | undefined>>;
  readonly value: number;
}

/** A metric of the table: sets its rows from a snapshot. */
type Mirror = (s: Partial<Snapshot>) => void;

export class AdminMetrics {
  readonly prom = new PromRegistry();
  readonly #sources: MetricSources;
  readonly #mirrors: Mirror[] = [];
  readonly #unsubscribe: () => void;
  readonly #refused: Counter;

  constructor(sources: MetricSources) {
    this.#sources = sources;
    const registers = [this.prom];
    collectDefaultMetrics({ register: this.prom, prefix: 'kemi_' });

    const counter = (m: EventMetric) =>
      new Counter({ name: m.name, help: m.help, labelNames: m.labels, registers });
    const uploads = counter(EVENT_METRICS.uploads);
    const uploadSeconds = new Histogram({
      name: 'kemi_upload_to_active_seconds',
      help: 'Time from a received upload to the version stored (and active, when asked)',
      labelNames: ['tenant'],
      buckets: [0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 15],
      registers,
    });
    const activations = counter(EVENT_METRICS.activations);
    const unloads = counter(EVENT_METRICS.unloads);
    const breakers = counter(EVENT_METRICS.breakers);
    this.#refused = counter(EVENT_METRICS.adminRefused);
    this.#unsubscribe = sources.registry.subscribe((e) => {
      if (e.kind === 'upload') {
        const { result } = e;
        uploads.inc({ tenant: e.tenant, result: result.ok ? 'ok' : result.error.code });
        if (result.ok) uploadSeconds.observe({ tenant: e.tenant }, result.value.totalMs / 1000);
      } else if (e.kind === 'activation') activations.inc({ tenant: e.tenant, kind: e.how });
      else if (e.kind === 'breaker') breakers.inc({ tenant: e.tenant, outcome: e.outcome });
      else unloads.inc({ tenant: e.tenant });
    });

    for (const key of Object.keys(METRICS) as (keyof Snapshot)[]) {
      if (key === 'registry' || sources[key] !== undefined) this.#declare(key, registers);
    }
    if (sources.scripts !== undefined) this.#declareRouteSeconds();
  }

  /** What the last scrape read of the scripts, for the route duration histogram. */
  #scripts: readonly VersionStats[] = [];

  /**
   * kemi_script_route_seconds, a histogram the router fills as plain numbers (src/router/script-stats.ts):
   * prom-client's Histogram only observes, so this metric hands the registry its values at each scrape.
   */
  #declareRouteSeconds(): void {
    const name = 'kemi_script_route_seconds';
    const help = 'Route invocation time per loaded version and route';
    const metric = {
      name,
      help,
      type: 'histogram',
      aggregator: 'sum',
      collect: undefined,
      reset: () => undefined,
      get: async () => ({
        name,
        help,
        type: 'histogram',
        aggregator: 'sum',
        values: this.#scripts.flatMap((v) =>
          Object.entries(v.durations).flatMap(([route, d]) => {
            const labels = { ...versionLabels(v), route };
            let cumulative = 0;
            return [
              ...ROUTE_SECONDS_BUCKETS.map((le, i) => {
                cumulative += d.buckets[i];
                return { metricName: `${name}_bucket`, labels: { ...labels, le }, value: cumulative };
              }),
              { metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: d.count },
              { metricName: `${name}_sum`, labels, value: d.sum },
              { metricName: `${name}_count`, labels, value: d.count },
            ];
          }),
        ),
      }),
    };
    this.prom.registerMetric(metric as unknown as Parameters<PromRegistry['registerMetric']>[0]);
  }

  /** An admin request refused to protect the server (body too large, too many uploads in flight). */
  refused(reason: string, tenant = ''): void {
    this.#refused.inc({ reason, tenant });
  }

  async text(): Promise<string> {
    const s = snapshot(this.#sources);
    this.#scripts = s.scripts ?? [];
    for (const mirror of this.#mirrors) mirror(s);
    return this.prom.metrics();
  }

  /**
   * The counters and gauges of one tenant as the scrape would show them (rows labelled with the tenant),
   * for the admin page: name, the other labels, value.
   */
  async tenantRows(tenant: string): Promise<TenantMetricRow[]> {
    const s = snapshot(this.#sources);
    for (const mirror of this.#mirrors) mirror(s);
    const rows: TenantMetricRow[] = [];
    for (const metric of await this.prom.getMetricsAsJSON()) {
      // prom-client types it as an enum, but the value is the exposition name ('counter', 'histogram' ...).
      const type = String(metric.type);
      if (type !== 'counter' && type !== 'gauge') continue;
      for (const { labels, value } of metric.values) {
        if (labels.tenant !== tenant) continue;
        const { tenant: _, ...rest } = labels;
        rows.push({ name: metric.name, labels: rest, value });
      }
    }
    return rows;
  }

  get contentType(): string {
    return this.prom.contentType;
  }

  close(): void {
    this.#unsubscribe();
  }

  #declare<K extends keyof Snapshot>(key: K, registers: PromRegistry[]): void {
    const defs: readonly MetricDef<Snapshot[K]>[] = METRICS[key];
    for (const def of defs) {
      const options = { name: def.name, help: def.help, labelNames: def.labels, registers };
      const metric = def.kind === 'counter' ? new Counter(options) : new Gauge(options);
      // A counter is only ever incremented: rows of 0 stay out, as for a counter that never counted.
      const set =
        metric instanceof Counter
          ? (labels: Labels, value: number) => {
              if (value > 0) metric.inc(labels, value);
            }
          : (labels: Labels, value: number) => metric.set(labels, value);
      this.#mirrors.push((s) => {
        metric.reset();
        const part = s[key];
        if (part !== undefined) for (const [labels, value] of def.read(part)) set(labels, value);
      });
    }
  }
}
