// Prometheus metrics of one server: the registry (versions, pins, uploads, activations, circuit
// breakers), the message path's counters (core with route failures and failure policies per tenant,
// transactions, selector, transport) and the process defaults (event loop lag, heap). Counters kept as
// plain numbers elsewhere are mirrored at scrape time; registry events are counted as they happen.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry as PromRegistry } from 'prom-client';
import type { CoreCounters } from '../core/counters.ts';
import type { LocationHost } from '../kemi/index.ts';
import type { Registry, SelectorCounters } from '../registry/index.ts';
import type { HtableStore } from '../state/index.ts';
import type { TmCounters } from '../tm/index.ts';
import type { TransportCounters } from '../transport/counters.ts';

/** The transaction layer's counters and the sizes of its table. */
export interface TmSource {
  readonly counters: TmCounters;
  readonly serverTransactions: number;
  readonly clientTransactions: number;
}

export interface MetricSources {
  readonly registry: Registry;
  readonly core?: () => CoreCounters;
  readonly tm?: () => TmSource;
  readonly selector?: () => SelectorCounters;
  readonly transport?: () => { readonly counters: TransportCounters; readonly connections: number };
  readonly htables?: () => HtableStore | undefined;
  readonly location?: () => LocationHost | undefined;
}

/** The tm counters as metrics (`kemi_tm_<name>_total`). */
const TM_COUNTERS: [keyof TmCounters, string, string][] = [
  ['serverTransactions', 'server_transactions', 'Proxy (server) transactions created'],
  ['clientTransactions', 'client_transactions', 'Client transactions created for branches'],
  ['retransmissionsAbsorbed', 'retransmissions_absorbed', 'Retransmissions and ACKs absorbed'],
  ['repliesRelayed', 'replies_relayed', 'Responses forwarded upstream'],
  ['repliesAbsorbed', 'replies_absorbed', 'Responses not forwarded'],
  ['localReplies', 'local_replies', 'Responses made up for a transaction'],
  ['timeouts', 'timeouts', 'Branches that timed out (timers B, F, C)'],
  ['sendFailures', 'send_failures', 'Transaction sends that failed'],
  ['cancelsSent', 'cancels_sent', 'CANCELs sent to branches'],
  ['failureRoutes', 'failure_routes', 'Failure routes run'],
  ['statelessReplies', 'stateless_replies', 'Responses forwarded by their Via (no transaction)'],
];

type Labels = Record<string, string>;

export class AdminMetrics {
  readonly prom = new PromRegistry();
  readonly #unsubscribe: () => void;

  constructor(sources: MetricSources) {
    const register = [this.prom];
    collectDefaultMetrics({ register: this.prom, prefix: 'kemi_' });
    const { registry } = sources;

    const uploads = new Counter({
      name: 'kemi_uploads_total',
      help: 'Module uploads by tenant and result (ok or the refusal code)',
      labelNames: ['tenant', 'result'],
      registers: register,
    });
    const uploadSeconds = new Histogram({
      name: 'kemi_upload_to_active_seconds',
      help: 'Time from a received upload to the version stored (and active, when asked)',
      labelNames: ['tenant'],
      buckets: [0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 15],
      registers: register,
    });
    const activations = new Counter({
      name: 'kemi_activations_total',
      help: 'Version activations by tenant and kind (activate, rollback, fallback, initial, breaker)',
      labelNames: ['tenant', 'kind'],
      registers: register,
    });
    const unloads = new Counter({
      name: 'kemi_version_unloads_total',
      help: 'Old versions unloaded once nothing pinned them',
      labelNames: ['tenant'],
      registers: register,
    });
    const breakers = new Counter({
      name: 'kemi_breaker_events_total',
      help: 'Circuit breaker events by tenant and outcome (rollback, fail-closed, cleared)',
      labelNames: ['tenant', 'outcome'],
      registers: register,
    });
    this.#unsubscribe = registry.subscribe((e) => {
      if (e.kind === 'upload') {
        uploads.inc({ tenant: e.tenant, result: e.ok ? 'ok' : (e.code ?? 'error') });
        if (e.timings) uploadSeconds.observe({ tenant: e.tenant }, e.timings.totalMs / 1000);
      } else if (e.kind === 'activation') activations.inc({ tenant: e.tenant, kind: e.how });
      else if (e.kind === 'breaker') breakers.inc({ tenant: e.tenant, outcome: e.outcome });
      else unloads.inc({ tenant: e.tenant });
    });

    gauge(register, 'kemi_tenant_active_version', 'The active version number per tenant', ['tenant'], () =>
      registry.tenantNames.flatMap((tenant) => {
        const v = registry.active(tenant)?.version;
        return v === undefined ? [] : [[{ tenant }, v]];
      }),
    );
    gauge(
      register,
      'kemi_version_pins',
      'Transactions and dialogs in flight per loaded version',
      ['tenant', 'version'],
      () =>
        registry.tenantNames.flatMap((tenant) =>
          (registry.status(tenant)?.loaded ?? []).map((l): [Labels, number] => [
            { tenant, version: String(l.version) },
            l.pins,
          ]),
        ),
    );
    gauge(
      register,
      'kemi_loaded_versions',
      'Versions loaded per tenant (active + draining + fail-open standby)',
      ['tenant'],
      () => registry.tenantNames.map((tenant) => [{ tenant }, registry.status(tenant)?.loaded.length ?? 0]),
    );
    gauge(
      register,
      'kemi_breaker_open',
      'Tenants left fail-closed by their circuit breaker (1) until an operator activates a version',
      ['tenant'],
      () => registry.tenantNames.map((tenant) => [{ tenant }, registry.active(tenant)?.blocked ? 1 : 0]),
    );
    gauge(
      register,
      'kemi_breaker_recent_failures',
      "Failed invocations of the tenant's active version within its breaker window",
      ['tenant'],
      () => registry.tenantNames.map((tenant) => [{ tenant }, registry.status(tenant)?.breaker.recent ?? 0]),
    );

    const { core, selector, transport } = sources;
    if (core) {
      const c = core;
      const simple: [keyof CoreCounters, string, string][] = [
        ['requests', 'kemi_sip_requests_total', 'SIP requests parsed'],
        ['replies', 'kemi_sip_replies_total', 'SIP replies parsed'],
        ['rejected', 'kemi_sip_rejected_total', 'Broken requests answered 400/505/513'],
        ['repliesDropped', 'kemi_sip_replies_dropped_total', 'Replies no transaction took'],
        ['acksAbsorbed', 'kemi_sip_acks_absorbed_total', 'ACKs to locally generated replies absorbed'],
        [
          'unhandled',
          'kemi_sip_unhandled_total',
          'Requests whose route neither replied, relayed nor dropped',
        ],
        ['localReplies', 'kemi_sip_local_replies_total', 'Replies generated by the server'],
        ['sendErrors', 'kemi_sip_send_errors_total', 'Sends of the message path that failed'],
      ];
      for (const [key, name, help] of simple)
        mirror(register, name, help, [], () => [[{}, c()[key] as number]]);
      mirror(
        register,
        'kemi_sip_parse_errors_total',
        'Messages that did not parse, by reason',
        ['reason'],
        () => Object.entries(c().parseErrors).map(([reason, n]) => [{ reason }, n]),
      );
      mirror(
        register,
        'kemi_route_failures_total',
        'Route invocations that failed, by tenant and cause (fuel, memory, stack, trap, limit, host)',
        ['tenant', 'cause'],
        () => byTenant(c().routeFailures, 'cause'),
      );
      mirror(
        register,
        'kemi_failure_policy_total',
        'What failure policies did with the messages of failed routes (reply, fallback, drop, forward, none)',
        ['tenant', 'outcome'],
        () => byTenant(c().policyOutcomes, 'outcome'),
      );
      mirror(
        register,
        'kemi_relay_refused_total',
        "Relay destinations refused by the tenant's allow-list",
        ['tenant'],
        () => Object.entries(c().destinationsRefused).map(([tenant, n]) => [{ tenant }, n]),
      );
    }
    if (sources.tm) {
      const tm = sources.tm;
      for (const [key, name, help] of TM_COUNTERS)
        mirror(register, `kemi_tm_${name}_total`, help, [], () => [[{}, tm().counters[key]]]);
      gauge(register, 'kemi_tm_server_transactions', 'Server transactions in the table', [], () => [
        [{}, tm().serverTransactions],
      ]);
      gauge(register, 'kemi_tm_client_transactions', 'Client transactions in the table', [], () => [
        [{}, tm().clientTransactions],
      ]);
    }
    if (sources.htables) {
      const htables = sources.htables;
      mirror(
        register,
        'kemi_htable_writes_refused_total',
        'htable writes refused by tenant and cap',
        ['tenant', 'reason'],
        () =>
          (htables()?.tenants ?? []).flatMap((t) =>
            Object.entries(t.refused).map(([reason, n]): [Labels, number] => [
              { tenant: t.tenant, reason },
              n,
            ]),
          ),
      );
      gauge(register, 'kemi_htable_items', 'Items held in htables by tenant', ['tenant'], () =>
        (htables()?.tenants ?? []).map((t): [Labels, number] => [{ tenant: t.tenant }, t.items]),
      );
    }
    if (sources.location) {
      const location = sources.location;
      gauge(register, 'kemi_location_bindings', 'Live registrar bindings by tenant', ['tenant'], () =>
        Object.entries(location()?.store.countsByTenant() ?? {}).map(([tenant, n]): [Labels, number] => [
          { tenant },
          n,
        ]),
      );
      mirror(
        register,
        'kemi_registrar_refused_total',
        'REGISTERs refused by save, by tenant and reply status',
        ['tenant', 'status'],
        () =>
          Object.entries(location()?.refused ?? {}).flatMap(([tenant, byStatus]) =>
            Object.entries(byStatus).map(([status, n]): [Labels, number] => [{ tenant, status }, n]),
          ),
      );
    }
    if (selector) {
      const s = selector;
      mirror(register, 'kemi_unmatched_requests_total', 'Requests no tenant matched', [], () => [
        [{}, s().unmatched],
      ]);
      mirror(
        register,
        'kemi_no_version_requests_total',
        'Requests refused: tenant has no version',
        [],
        () => [[{}, s().noVersion]],
      );
      mirror(
        register,
        'kemi_dialog_pinned_requests_total',
        'In-dialog requests run on their pinned version',
        [],
        () => [[{}, s().dialogPinned]],
      );
      mirror(
        register,
        'kemi_breaker_fail_closed_requests_total',
        'Requests answered fail-closed without running the script: the tenant breaker is open',
        [],
        () => [[{}, s().failClosed]],
      );
    }
    if (transport) {
      const t = transport;
      const perProto: [string, string, string][] = [
        ['received', 'kemi_transport_messages_received_total', 'Messages received'],
        ['bytesReceived', 'kemi_transport_bytes_received_total', 'Bytes received'],
        ['sent', 'kemi_transport_messages_sent_total', 'Messages sent'],
        ['bytesSent', 'kemi_transport_bytes_sent_total', 'Bytes sent'],
        ['sendErrors', 'kemi_transport_send_errors_total', 'Sends that failed'],
        ['keepalives', 'kemi_transport_keepalives_total', 'CRLF keepalives seen'],
      ];
      for (const [key, name, help] of perProto) {
        mirror(register, name, help, ['proto'], () => {
          const { counters } = t();
          return (['udp', 'tcp'] as const).map((proto) => [
            { proto },
            counters[proto][key as keyof TransportCounters['udp']],
          ]);
        });
      }
      const totals: [keyof TransportCounters, string, string][] = [
        ['dropped', 'kemi_transport_dropped_total', 'Datagrams ignored (empty or too large)'],
        ['framingErrors', 'kemi_transport_framing_errors_total', 'TCP streams closed as unframeable'],
        ['connectionsAccepted', 'kemi_transport_connections_accepted_total', 'Inbound TCP connections'],
        ['connectionsOpened', 'kemi_transport_connections_opened_total', 'Outbound TCP connections'],
        [
          'connectionsRejected',
          'kemi_transport_connections_rejected_total',
          'Inbound connections over the limits',
        ],
        ['connectionsClosed', 'kemi_transport_connections_closed_total', 'TCP connections closed'],
        ['idleTimeouts', 'kemi_transport_idle_timeouts_total', 'TCP connections closed when idle'],
        ['socketErrors', 'kemi_transport_socket_errors_total', 'Socket errors outside sends'],
        [
          'handlerErrors',
          'kemi_transport_handler_errors_total',
          'Exceptions from the message handler (bugs)',
        ],
      ];
      for (const [key, name, help] of totals) {
        mirror(register, name, help, [], () => [[{}, t().counters[key] as number]]);
      }
      gauge(register, 'kemi_transport_connections', 'Open TCP connections', [], () => [
        [{}, t().connections],
      ]);
    }
  }

  text(): Promise<string> {
    return this.prom.metrics();
  }

  get contentType(): string {
    return this.prom.contentType;
  }

  close(): void {
    this.#unsubscribe();
  }
}

type Read = () => [Labels, number][];

/** Rows of a per-tenant table as labelled values. */
function byTenant(table: Record<string, Record<string, number>>, label: string): [Labels, number][] {
  return Object.entries(table).flatMap(([tenant, row]) =>
    Object.entries(row).map(([key, n]): [Labels, number] => [{ tenant, [label]: key }, n]),
  );
}

/** A counter whose value lives elsewhere as a plain number: set at scrape time. */
function mirror(
  registers: PromRegistry[],
  name: string,
  help: string,
  labelNames: string[],
  read: Read,
): void {
  new Counter({
    name,
    help,
    labelNames,
    registers,
    collect() {
      this.reset();
      for (const [labels, value] of read()) if (value > 0) this.inc(labels, value);
    },
  });
}

function gauge(
  registers: PromRegistry[],
  name: string,
  help: string,
  labelNames: string[],
  read: Read,
): void {
  new Gauge({
    name,
    help,
    labelNames,
    registers,
    collect() {
      this.reset();
      for (const [labels, value] of read()) this.set(labels, value);
    },
  });
}
