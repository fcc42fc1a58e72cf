// Prometheus metrics of one server: the registry (versions, pins, uploads, activations, circuit
// breakers), the message path's counters (core with route failures and failure policies per tenant,
// transactions, selector, transport) and the process defaults (event loop lag, heap). Registry events are
// counted as they happen; everything else is declared in metric-table.ts and set from one status snapshot
// per scrape.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry as PromRegistry } from 'prom-client';
import { METRICS, type MetricDef, type MetricSources, type Snapshot, snapshot } from './metric-table.ts';

export type { MetricSources, TmSource } from './metric-table.ts';

/** A metric of the table: sets its rows from a snapshot. */
type Mirror = (s: Partial<Snapshot>) => void;

export class AdminMetrics {
  readonly prom = new PromRegistry();
  readonly #sources: MetricSources;
  readonly #mirrors: Mirror[] = [];
  readonly #unsubscribe: () => void;

  constructor(sources: MetricSources) {
    this.#sources = sources;
    const registers = [this.prom];
    collectDefaultMetrics({ register: this.prom, prefix: 'kemi_' });

    const uploads = new Counter({
      name: 'kemi_uploads_total',
      help: 'Module uploads by tenant and result (ok or the refusal code)',
      labelNames: ['tenant', 'result'],
      registers,
    });
    const uploadSeconds = new Histogram({
      name: 'kemi_upload_to_active_seconds',
      help: 'Time from a received upload to the version stored (and active, when asked)',
      labelNames: ['tenant'],
      buckets: [0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 15],
      registers,
    });
    const activations = new Counter({
      name: 'kemi_activations_total',
      help: 'Version activations by tenant and kind (activate, rollback, fallback, initial, breaker)',
      labelNames: ['tenant', 'kind'],
      registers,
    });
    const unloads = new Counter({
      name: 'kemi_version_unloads_total',
      help: 'Old versions unloaded once nothing pinned them',
      labelNames: ['tenant'],
      registers,
    });
    const breakers = new Counter({
      name: 'kemi_breaker_events_total',
      help: 'Circuit breaker events by tenant and outcome (rollback, fail-closed, cleared)',
      labelNames: ['tenant', 'outcome'],
      registers,
    });
    this.#unsubscribe = sources.registry.subscribe((e) => {
      if (e.kind === 'upload') {
        uploads.inc({ tenant: e.tenant, result: e.ok ? 'ok' : (e.code ?? 'error') });
        if (e.timings) uploadSeconds.observe({ tenant: e.tenant }, e.timings.totalMs / 1000);
      } else if (e.kind === 'activation') activations.inc({ tenant: e.tenant, kind: e.how });
      else if (e.kind === 'breaker') breakers.inc({ tenant: e.tenant, outcome: e.outcome });
      else unloads.inc({ tenant: e.tenant });
    });

    for (const key of Object.keys(METRICS) as (keyof Snapshot)[]) {
      if (key === 'registry' || sources[key] !== undefined) this.#declare(key, registers);
    }
  }

  async text(): Promise<string> {
    const s = snapshot(this.#sources);
    for (const mirror of this.#mirrors) mirror(s);
    return this.prom.metrics();
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
      if (def.kind === 'counter') {
        const counter = new Counter(options);
        this.#mirrors.push((s) => {
          counter.reset();
          const part = s[key];
          if (part === undefined) return;
          for (const [labels, value] of def.read(part)) if (value > 0) counter.inc(labels, value);
        });
      } else {
        const gauge = new Gauge(options);
        this.#mirrors.push((s) => {
          gauge.reset();
          const part = s[key];
          if (part === undefined) return;
          for (const [labels, value] of def.read(part)) gauge.set(labels, value);
        });
      }
    }
  }
}
