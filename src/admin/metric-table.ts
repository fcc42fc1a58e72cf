// Every metric whose value lives elsewhere (the registry's status, the message path's plain-number
// counters), declared once: name, help, labels and how to read its rows from one status snapshot. A scrape
// takes the snapshot once (snapshot() below) and every metric of the table reads from it.

import type { ClusterCounters } from '../cluster/index.ts';
import type { Dispatcher } from '../dispatcher/dispatcher.ts';
import type { AuthHost, LocationHost, PermissionsHost, RtpengineHost } from '../kemi/index.ts';
import type { Registry, SelectorCounters, TenantStatus } from '../registry/index.ts';
import type { RouterCounters } from '../router/counters.ts';
import type { ScriptStats, VersionStats } from '../router/script-stats.ts';
import type { DialogCounters, DialogStore } from '../state/dialog-store.ts';
import type {
  AccStore,
  HtableStore,
  PikeCounts,
  PikeStore,
  SharedStoreCounters,
  TenantHtables,
} from '../state/index.ts';
import type { TmCounters } from '../tm/index.ts';
import type { HepCounters } from '../trace/hep-client.ts';
import type { TransportCounters } from '../transport/counters.ts';

/** The transaction layer's counters and the sizes of its table. */
export interface TmSource {
  readonly counters: TmCounters;
  readonly serverTransactions: number;
  readonly clientTransactions: number;
  /** Live proxy transactions by tenant (what the transaction caps count). */
  readonly liveByTenant?: Readonly<Record<string, number>>;
  /** The relay resolver's DNS questions asked, answered from the cache, failed; answers cached now. */
  readonly dns?: {
    readonly queries: number;
    readonly cacheHits: number;
    readonly failures: number;
    readonly cached: number;
  };
}

export interface TransportSource {
  readonly counters: TransportCounters;
  readonly connections: number;
}

/** Where the values come from; every source but the registry is optional (tests give a few). */
export interface MetricSources {
  readonly registry: Registry;
  readonly core?: () => RouterCounters;
  readonly tm?: () => TmSource;
  readonly selector?: () => SelectorCounters;
  readonly transport?: () => TransportSource;
  readonly htables?: () => HtableStore | undefined;
  readonly location?: () => LocationHost | undefined;
  readonly permissions?: () => PermissionsHost | undefined;
  readonly pike?: () => PikeStore | undefined;
  /** The auth functions' failures and the subscriber store. */
  readonly auth?: () => AuthHost | undefined;
  /** The rtpengine functions' commands that came to nothing, by tenant. */
  readonly rtpengine?: () => RtpengineHost | undefined;
  readonly acc?: () => AccStore | undefined;
  /** Tracked dialogs (KSR.dialog) and the BYEs the server sent for them, by tenant. */
  readonly dialogs?: () =>
    | {
        readonly store: DialogStore;
        readonly byes: { sent: Record<string, number>; refused: Record<string, number> };
      }
    | undefined;
  /** Log lines suppressed by the rate limit (src/log-limit.ts), by cause. */
  readonly logs?: () => Readonly<Record<string, number>>;
  /** Guarded callbacks (timers) that threw, by what they were (src/callback-guard.ts). */
  readonly callbacks?: () => ReadonlyMap<string, number>;
  /** The NAT keepalive's pings, replies and removals, by tenant then event (src/router/nat-keepalive.ts). */
  readonly natping?: () => Record<string, Record<string, number>>;
  /** The dispatcher's destinations, state changes, probes and call load (src/dispatcher/dispatcher.ts). */
  readonly dispatcher?: () => Dispatcher | undefined;
  /** Per tenant and version: requests, replies, route invocations and durations, fuel, failures. */
  readonly scripts?: () => ScriptStats;
  /** The HEP export's captures sent and dropped, and its queue (src/trace/hep-client.ts). */
  readonly hep?: () => HepSource | undefined;
  /**
   * With SIP worker threads (docs/workers.md): the metrics of the message path read from every worker and
   * merged (src/workers/metric-merge.ts), by metric name; `keys` are the parts of the table they fill.
   */
  readonly threads?: ThreadMetrics;
  /** Several nodes: Redis reachable, activations followed, failed and refused (src/cluster/). */
  readonly cluster?: () => ClusterCounters;
  /** Several nodes: the stores kept in Redis, their failed operations by cause (src/state/shared-store.ts). */
  readonly sharedStores?: () => Readonly<Record<string, SharedStoreCounters>>;
}

export interface ThreadMetrics {
  readonly keys: readonly (keyof Snapshot)[];
  rows(): Promise<ReadonlyMap<string, Rows>>;
}

/** What a scrape reads of the dispatcher. */
export interface DispatcherSnapshot {
  /** Events by tenant: down, up, probe_sent, probe_failed, probe_timeout, probe_refused, probe_capped. */
  readonly events: Record<string, Record<string, number>>;
  /** Every running destination: 1 when it can be selected (neither inactive nor disabled). */
  readonly destinations: readonly { tenant: string; set: number; uri: string; up: boolean }[];
  /** Calls held by algorithm 10, by tenant. */
  readonly calls: Record<string, number>;
}

export interface HepSource {
  readonly counters: HepCounters;
  readonly pending: number;
}

/** What one scrape reads of each source. */
export interface Snapshot {
  readonly registry: readonly TenantStatus[];
  readonly core: RouterCounters;
  readonly tm: TmSource;
  readonly selector: SelectorCounters;
  readonly transport: TransportSource;
  readonly htables: readonly TenantHtables[];
  readonly location: {
    readonly bindings: Record<string, number>;
    readonly refused: LocationHost['refused'];
    /** A Redis location's operations Redis did not answer, by operation, then outcome (failed, cached). */
    readonly unavailable: Readonly<Record<string, Readonly<Record<string, number>>>>;
  };
  readonly permissions: {
    readonly addresses: Record<string, number>;
    readonly denied: PermissionsHost['denied'];
  };
  readonly pike: readonly PikeCounts[];
  readonly auth: {
    readonly subscribers: Record<string, number>;
    readonly failures: AuthHost['failures'];
  };
  readonly rtpengine: { readonly failed: RtpengineHost['failed']; readonly pending: number };
  readonly acc: {
    readonly written: Record<string, number>;
    readonly refused: Record<string, number>;
    readonly lost: number;
  };
  readonly dialogs: {
    readonly active: Record<string, number>;
    readonly counters: DialogCounters;
    readonly byes: { sent: Record<string, number>; refused: Record<string, number> };
  };
  readonly logs: Readonly<Record<string, number>>;
  readonly callbacks: ReadonlyMap<string, number>;
  readonly natping: Record<string, Record<string, number>>;
  readonly dispatcher: DispatcherSnapshot;
  readonly hep: HepSource;
  readonly scripts: readonly VersionStats[];
  readonly cluster: ClusterCounters;
  readonly sharedStores: Readonly<Record<string, SharedStoreCounters>>;
}

export type Labels = Record<string, string>;
export type Rows = readonly (readonly [Labels, number])[];

/**
 * `counter`: a count kept as a plain number elsewhere, set at scrape time (rows of 0 are left out, as a
 * counter that never counted); `gauge`: a level, every row set.
 */
export interface MetricDef<S> {
  readonly kind: 'counter' | 'gauge';
  readonly name: string;
  readonly help: string;
  readonly labels: readonly string[];
  readonly read: (part: S) => Rows;
}

/** The table, by the source each metric reads: a metric exists when its source was given. */
export type MetricTable = { readonly [K in keyof Snapshot]: readonly MetricDef<Snapshot[K]>[] };

/** Reads every given source once. */
export function snapshot(sources: MetricSources): Partial<Snapshot> {
  const { registry } = sources;
  const tenants = registry.tenantNames.flatMap((tenant) => registry.status(tenant) ?? []);
  // Only the versions loaded now: the series of a version that is gone go with it.
  const loaded = new Set(tenants.flatMap((t) => t.loaded.map((l) => `${t.tenant}\0${l.version}`)));
  return { registry: tenants, ...sipSnapshot(sources, loaded) };
}

/** Reads every given source of the message path once; `loaded`: `tenant\0version` of the loaded versions. */
export function sipSnapshot(
  sources: Omit<MetricSources, 'registry'>,
  loaded: ReadonlySet<string>,
): Omit<Partial<Snapshot>, 'registry'> {
  const location = sources.location?.();
  const permissions = sources.permissions?.();
  const auth = sources.auth?.();
  const rtpengine = sources.rtpengine?.();
  const dialogs = sources.dialogs?.();
  return {
    scripts: sources.scripts?.().rows(loaded),
    core: sources.core?.(),
    tm: sources.tm?.(),
    selector: sources.selector?.(),
    transport: sources.transport?.(),
    htables: sources.htables?.()?.tenants,
    location: location && {
      bindings: location.store.countsByTenant(),
      refused: location.refused,
      unavailable: location.store.failures ?? {},
    },
    permissions: permissions && {
      addresses: permissions.store.countsByTenant(),
      denied: permissions.denied,
    },
    pike: sources.pike?.()?.counts(),
    auth: auth && { subscribers: auth.subscribers.countsByTenant(), failures: auth.failures },
    rtpengine: rtpengine && { failed: rtpengine.failed, pending: rtpengine.client.pending },
    acc: sources.acc?.(),
    dialogs: dialogs && {
      active: dialogs.store.activeByTenant(),
      counters: dialogs.store.counters,
      byes: dialogs.byes,
    },
    logs: sources.logs?.(),
    callbacks: sources.callbacks?.(),
    natping: sources.natping?.(),
    dispatcher: dispatcherSnapshot(sources.dispatcher?.()),
    hep: sources.hep?.(),
    cluster: sources.cluster?.(),
    sharedStores: sources.sharedStores?.(),
  };
}

function dispatcherSnapshot(d: Dispatcher | undefined): DispatcherSnapshot | undefined {
  if (d === undefined) return undefined;
  const destinations: { tenant: string; set: number; uri: string; up: boolean }[] = [];
  const calls: Record<string, number> = {};
  for (const t of d.active) {
    calls[t.name] = t.loadCells;
    for (const set of t.sets.values())
      for (const dest of set.list)
        destinations.push({ tenant: t.name, set: set.id, uri: dest.uri, up: (dest.flags & 5) === 0 });
  }
  return { events: d.counts, destinations, calls };
}

const PROTOS = ['udp', 'tcp', 'tls', 'ws', 'wss'] as const;

/** A counter of registry events, counted as they happen (metrics.ts subscribes). */
export interface EventMetric {
  readonly name: string;
  readonly help: string;
  readonly labels: readonly string[];
}

export const EVENT_METRICS = {
  uploads: {
    name: 'kemi_uploads_total',
    help: 'Module uploads by tenant and result (ok or the refusal code)',
    labels: ['tenant', 'result'],
  },
  activations: {
    name: 'kemi_activations_total',
    help: 'Version activations by tenant and kind (activate, rollback, fallback, initial, breaker)',
    labels: ['tenant', 'kind'],
  },
  unloads: {
    name: 'kemi_version_unloads_total',
    help: 'Old versions unloaded once nothing pinned them',
    labels: ['tenant'],
  },
  breakers: {
    name: 'kemi_breaker_events_total',
    help: 'Circuit breaker events by tenant and outcome (rollback, fail-closed, cleared, revoked)',
    labels: ['tenant', 'outcome'],
  },
  adminRefused: {
    name: 'kemi_admin_refused_total',
    help: 'Admin requests refused by a resource limit, by reason (too-large, uploads-busy) and tenant',
    labels: ['reason', 'tenant'],
  },
} as const satisfies Record<string, EventMetric>;

export const METRICS: MetricTable = {
  cluster: [
    gauge('kemi_cluster_redis_up', "1 while the cluster's Redis is reachable", [], (c) => one(c.redisUp)),
    counter('kemi_cluster_events_total', 'Activations of other nodes received on the channel', [], (c) =>
      one(c.events),
    ),
    counter(
      'kemi_cluster_activations_total',
      'Cluster activations this node applied (ok) or could not load and kept its version (failed)',
      ['outcome'],
      (c) => [row({ outcome: 'ok' }, c.applied), row({ outcome: 'failed' }, c.failed)],
    ),
    counter(
      'kemi_cluster_caught_up_total',
      'Cluster activations applied by a catch-up (start, Redis back, heartbeat check) instead of an event',
      [],
      (c) => one(c.caughtUp),
    ),
    counter('kemi_cluster_deploys_refused_total', 'Deploys refused: Redis unreachable', [], (c) =>
      one(c.refused),
    ),
    counter('kemi_cluster_redis_disconnects_total', 'Times the cluster’s Redis became unreachable', [], (c) =>
      one(c.disconnects),
    ),
  ],
  sharedStores: [
    counter(
      'kemi_cluster_store_failures_total',
      "Operations of a store kept in the cluster's Redis that got no answer, by store and cause (down, timeout, error)",
      ['store', 'cause'],
      (stores) =>
        Object.entries(stores).flatMap(([store, c]) =>
          (['down', 'timeout', 'error'] as const).map((cause) => row({ store, cause }, c[cause])),
        ),
    ),
    counter(
      'kemi_cluster_store_cache_answers_total',
      "Operations answered from this node's cache because Redis did not answer (unavailable = cache), by store",
      ['store'],
      (stores) => Object.entries(stores).map(([store, c]) => row({ store }, c.cached)),
    ),
  ],
  registry: [
    gauge('kemi_tenant_active_version', 'The active version number per tenant', ['tenant'], (tenants) =>
      tenants.flatMap((t) => (t.active === undefined ? [] : [row({ tenant: t.tenant }, t.active)])),
    ),
    gauge(
      'kemi_version_pins',
      'Transactions and dialogs in flight per loaded version',
      ['tenant', 'version'],
      (tenants) =>
        tenants.flatMap((t) =>
          t.loaded.map((l) => row({ tenant: t.tenant, version: String(l.version) }, l.pins)),
        ),
    ),
    gauge(
      'kemi_loaded_versions',
      'Versions loaded per tenant (active + draining + fail-open standby)',
      ['tenant'],
      (tenants) => tenants.map((t) => row({ tenant: t.tenant }, t.loaded.length)),
    ),
    gauge(
      'kemi_breaker_open',
      'Tenants left fail-closed by their circuit breaker (1) until an operator activates a version',
      ['tenant'],
      (tenants) => tenants.map((t) => row({ tenant: t.tenant }, t.breaker.state === 'open' ? 1 : 0)),
    ),
    gauge(
      'kemi_breaker_recent_failures',
      "Failed invocations of the tenant's active version within its breaker window",
      ['tenant'],
      (tenants) => tenants.map((t) => row({ tenant: t.tenant }, t.breaker.recent)),
    ),
    counter(
      'kemi_inactive_version_failures_total',
      'Failed invocations of versions other than the active one (in-dialog requests pinned to them, ' +
        "their transactions' routes, fail-open runs); each version's own breaker counts them",
      ['tenant'],
      (tenants) => tenants.map((t) => row({ tenant: t.tenant }, t.inactiveFailures)),
    ),
  ],
  core: [
    counter('kemi_sip_requests_total', 'SIP requests parsed', [], (c) => one(c.requests)),
    counter('kemi_sip_replies_total', 'SIP replies parsed', [], (c) => one(c.replies)),
    counter('kemi_sip_rejected_total', 'Broken requests answered 400/505/513', [], (c) => one(c.rejected)),
    counter('kemi_sip_replies_dropped_total', 'Replies no transaction took', [], (c) =>
      one(c.repliesDropped),
    ),
    counter('kemi_sip_acks_absorbed_total', 'ACKs to locally generated replies absorbed', [], (c) =>
      one(c.acksAbsorbed),
    ),
    counter(
      'kemi_sip_unhandled_total',
      'Requests whose route neither replied, relayed nor dropped',
      [],
      (c) => one(c.unhandled),
    ),
    counter('kemi_sip_local_replies_total', 'Replies generated by the server', [], (c) =>
      one(c.localReplies),
    ),
    counter('kemi_sip_send_errors_total', 'Sends of the message path that failed', [], (c) =>
      one(c.sendErrors),
    ),
    counter('kemi_sip_parse_errors_total', 'Messages that did not parse, by reason', ['reason'], (c) =>
      Object.entries(c.parseErrors).map(([reason, n]) => row({ reason }, n)),
    ),
    counter(
      'kemi_route_failures_total',
      'Route invocations that failed, by tenant and cause (fuel, deadline, memory, stack, trap, limit, host, busy)',
      ['tenant', 'cause'],
      (c) => byTenant(c.routeFailures, 'cause'),
    ),
    counter(
      'kemi_ksr_timeouts_total',
      'KSR calls that got their failure value because a remote store did not answer within async_timeout_ms (or the route could not wait)',
      ['tenant', 'function'],
      (c) => byTenant(c.ksrTimeouts, 'function'),
    ),
    counter(
      'kemi_failure_policy_total',
      'What failure policies did with the messages of failed routes (reply, fallback, drop, forward, none)',
      ['tenant', 'outcome'],
      (c) => byTenant(c.policyOutcomes, 'outcome'),
    ),
    counter(
      'kemi_relay_refused_total',
      "Relay destinations refused by the tenant's allow-list",
      ['tenant'],
      (c) => Object.entries(c.destinationsRefused).map(([tenant, n]) => row({ tenant }, n)),
    ),
    counter(
      'kemi_relay_self_refused_total',
      "Relay destinations refused for being one of the server's own sockets",
      ['tenant'],
      (c) => Object.entries(c.selfRelaysRefused).map(([tenant, n]) => row({ tenant }, n)),
    ),
    counter(
      'kemi_tm_transactions_refused_total',
      'Requests refused a transaction by a full cap (tenant, global): answered 503 with Retry-After',
      ['tenant', 'cap'],
      (c) => byTenant(c.transactionsRefused, 'cap'),
    ),
    counter(
      'kemi_edits_refused_total',
      'Script edits refused for taking a message or reply past max_message_bytes or max_header_fields',
      ['tenant'],
      (c) => Object.entries(c.editsRefused).map(([tenant, n]) => row({ tenant }, n)),
    ),
    counter('kemi_sip_loops_detected_total', 'Requests that looped back (482 Loop Detected)', [], (c) =>
      one(c.loopsDetected),
    ),
  ],
  tm: [
    ...(
      [
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
        [
          'unresolved',
          'unresolved_branches',
          'Branches to a host name that did not resolve to an allowed target',
        ],
        [
          'dnsFailovers',
          'dns_failovers',
          'Branches to the next DNS target after a 503, timeout or send error',
        ],
        ['statelessReplies', 'stateless_replies', 'Responses forwarded by their Via (no transaction)'],
        [
          'statelessRepliesRefused',
          'stateless_replies_refused',
          'Responses naming us with a branch not minted here for their next Via: dropped',
        ],
      ] as const
    ).map(([key, name, help]) =>
      counter<TmSource>(`kemi_tm_${name}_total`, help, [], (tm) => one(tm.counters[key])),
    ),
    counter<TmSource>('kemi_dns_queries_total', 'DNS questions asked for relay next hops', [], (tm) =>
      one(tm.dns?.queries ?? 0),
    ),
    counter<TmSource>(
      'kemi_dns_cache_hits_total',
      'DNS answers for relay next hops taken from the cache',
      [],
      (tm) => one(tm.dns?.cacheHits ?? 0),
    ),
    counter<TmSource>(
      'kemi_dns_query_failures_total',
      'DNS questions that timed out or got SERVFAIL/REFUSED',
      [],
      (tm) => one(tm.dns?.failures ?? 0),
    ),
    gauge<TmSource>('kemi_dns_cache_entries', 'DNS answers cached now', [], (tm) => one(tm.dns?.cached ?? 0)),
    gauge('kemi_tm_server_transactions', 'Server transactions in the table', [], (tm) =>
      one(tm.serverTransactions),
    ),
    gauge('kemi_tm_client_transactions', 'Client transactions in the table', [], (tm) =>
      one(tm.clientTransactions),
    ),
    gauge(
      'kemi_tm_live_transactions',
      'Live proxy transactions by tenant (the caps count them)',
      ['tenant'],
      (tm) => Object.entries(tm.liveByTenant ?? {}).map(([tenant, n]) => row({ tenant }, n)),
    ),
  ],
  htables: [
    counter(
      'kemi_htable_writes_refused_total',
      'htable writes refused by tenant and cap',
      ['tenant', 'reason'],
      (tenants) =>
        tenants.flatMap((t) =>
          Object.entries(t.refused).map(([reason, n]) => row({ tenant: t.tenant, reason }, n)),
        ),
    ),
    gauge('kemi_htable_items', 'Items held in htables by tenant', ['tenant'], (tenants) =>
      tenants.map((t) => row({ tenant: t.tenant }, t.items)),
    ),
  ],
  location: [
    gauge('kemi_location_bindings', 'Live registrar bindings by tenant', ['tenant'], (l) =>
      Object.entries(l.bindings).map(([tenant, n]) => row({ tenant }, n)),
    ),
    counter(
      'kemi_registrar_refused_total',
      'REGISTERs refused by save, by tenant and reply status',
      ['tenant', 'status'],
      (l) => byTenant(l.refused, 'status'),
    ),
    counter(
      'kemi_location_unavailable_total',
      'Location operations the cluster Redis did not answer in time, by operation and outcome (failed, or cached: a lookup served from the node cache)',
      ['op', 'outcome'],
      (l) =>
        Object.entries(l.unavailable).flatMap(([op, outcomes]) =>
          Object.entries(outcomes).map(([outcome, n]) => row({ op, outcome }, n)),
        ),
    ),
  ],
  permissions: [
    gauge('kemi_permission_addresses', 'Rows of the permissions address table by tenant', ['tenant'], (p) =>
      Object.entries(p.addresses).map(([tenant, n]) => row({ tenant }, n)),
    ),
    counter(
      'kemi_permission_denied_total',
      'Permissions checks answered -1 (address not trusted), by tenant and function',
      ['tenant', 'function'],
      (p) => byTenant(p.denied, 'function'),
    ),
  ],
  pike: [
    counter(
      'kemi_pike_detections_total',
      'Addresses pike found flooding (answered -2), by tenant',
      ['tenant'],
      (ts) => ts.map((t) => row({ tenant: t.tenant }, t.detected)),
    ),
    counter(
      'kemi_pike_blocked_total',
      'Requests pike answered -1 (flooding detected before), by tenant',
      ['tenant'],
      (ts) => ts.map((t) => row({ tenant: t.tenant }, t.blocked)),
    ),
    counter(
      'kemi_pike_evicted_total',
      'Addresses forgotten by pike at its cap (pike.max_entries), by tenant',
      ['tenant'],
      (ts) => ts.map((t) => row({ tenant: t.tenant }, t.evicted)),
    ),
    gauge('kemi_pike_addresses', 'Addresses pike tracks, by tenant', ['tenant'], (ts) =>
      ts.map((t) => row({ tenant: t.tenant }, t.entries)),
    ),
  ],
  rtpengine: [
    counter(
      'kemi_rtpengine_failures_total',
      'rtpengine commands no instance answered or answered with an error (message sent unchanged), by tenant',
      ['tenant'],
      (r) => Object.entries(r.failed).map(([tenant, n]) => row({ tenant }, n)),
    ),
    gauge('kemi_rtpengine_pending', 'rtpengine commands waiting for a reply', [], (r) => [
      row({}, r.pending),
    ]),
  ],
  auth: [
    gauge('kemi_subscribers', 'Subscribers (auth_db) by tenant', ['tenant'], (a) =>
      Object.entries(a.subscribers).map(([tenant, n]) => row({ tenant }, n)),
    ),
    counter(
      'kemi_auth_failures_total',
      'Digest checks that failed, by tenant and cause (no-credentials, wrong-password, unknown-user, stale-nonce, nonce-reused, user-mismatch, error)',
      ['tenant', 'cause'],
      (a) => byTenant(a.failures, 'cause'),
    ),
  ],
  natping: [
    counter(
      'kemi_natping_total',
      'NAT keepalive events by tenant: sent, failed (send error), refused (outside relay_allow, or this server), replied (reply absorbed), capped (a round cut at ' +
        'nathelper.max_pings_per_interval), removed (no reply within keepalive_timeout)',
      ['tenant', 'event'],
      (n) => byTenant(n, 'event'),
    ),
  ],
  dispatcher: [
    counter(
      'kemi_dispatcher_events_total',
      'Dispatcher events by tenant: down and up (a destination changed state), probe_sent, probe_failed (send error), probe_timeout (no reply by the next round), ' +
        'probe_refused (outside relay_allow, or this server), probe_capped (a round cut at dispatcher.max_pings_per_interval)',
      ['tenant', 'event'],
      (d) => byTenant(d.events, 'event'),
    ),
    gauge(
      'kemi_dispatcher_destination_up',
      'Dispatcher destinations: 1 active, 0 inactive or disabled, by tenant, set and URI',
      ['tenant', 'set', 'uri'],
      (d) =>
        d.destinations.map((x) => row({ tenant: x.tenant, set: String(x.set), uri: x.uri }, x.up ? 1 : 0)),
    ),
    gauge(
      'kemi_dispatcher_calls',
      'Calls counted by the call-load algorithm (10), by tenant',
      ['tenant'],
      (d) => Object.entries(d.calls).map(([tenant, n]) => row({ tenant }, n)),
    ),
  ],
  acc: [
    counter('kemi_acc_records_total', 'Accounting records written (acc), by tenant', ['tenant'], (a) =>
      Object.entries(a.written).map(([tenant, n]) => row({ tenant }, n)),
    ),
    counter(
      'kemi_acc_records_refused_total',
      'Accounting records refused at the cap (acc.max_rows_per_tenant), by tenant',
      ['tenant'],
      (a) => Object.entries(a.refused).map(([tenant, n]) => row({ tenant }, n)),
    ),
    counter(
      'kemi_acc_records_lost_total',
      'Accounting records lost to a failed insert (disk errors)',
      [],
      (a) => one(a.lost),
    ),
  ],
  dialogs: [
    gauge('kemi_dialogs_active', 'Tracked dialogs (KSR.dialog) alive, by tenant', ['tenant'], (d) =>
      Object.entries(d.active).map(([tenant, n]) => row({ tenant }, n)),
    ),
    counter('kemi_dialogs_created_total', 'Dialogs created by dlg_manage, by tenant', ['tenant'], (d) =>
      Object.entries(d.counters.created).map(([tenant, n]) => row({ tenant }, n)),
    ),
    counter(
      'kemi_dialogs_refused_total',
      'Dialogs refused at the cap (dialog.max_dialogs): dlg_manage answered -1, by tenant',
      ['tenant'],
      (d) => Object.entries(d.counters.refused).map(([tenant, n]) => row({ tenant }, n)),
    ),
    counter(
      'kemi_dialogs_ended_total',
      'Dialogs ended, by tenant and reason (bye, failed, timeout, dlg-bye)',
      ['tenant', 'reason'],
      (d) => byTenant(d.counters.ended, 'reason'),
    ),
    counter(
      'kemi_dialog_byes_total',
      'BYEs the server sent to end dialogs (dlg_bye, timeout with send_bye), by tenant and outcome (sent, refused)',
      ['tenant', 'outcome'],
      (d) => [
        ...Object.entries(d.byes.sent).map(([tenant, n]) => row({ tenant, outcome: 'sent' }, n)),
        ...Object.entries(d.byes.refused).map(([tenant, n]) => row({ tenant, outcome: 'refused' }, n)),
      ],
    ),
  ],
  callbacks: [
    counter(
      'kemi_callback_errors_total',
      'Timer callbacks that threw, caught by the guard (src/callback-guard.ts), by what they were',
      ['what'],
      (errors) => [...errors].map(([what, n]) => row({ what }, n)),
    ),
  ],
  selector: [
    counter('kemi_unmatched_requests_total', 'Requests no tenant matched', [], (s) => one(s.unmatched)),
    counter('kemi_no_version_requests_total', 'Requests refused: tenant has no version', [], (s) =>
      one(s.noVersion),
    ),
    counter('kemi_dialog_pinned_requests_total', 'In-dialog requests run on their pinned version', [], (s) =>
      one(s.dialogPinned),
    ),
    counter(
      'kemi_dialog_pin_refused_total',
      'In-dialog requests whose version pin was ignored (run on the active version), by reason ' +
        '(unverified: forged or of another dialog or tenant; not-ours: not our Route entry; revoked)',
      ['reason'],
      (s) => Object.entries(s.dialogPinRefused).map(([reason, n]) => row({ reason }, n)),
    ),
    counter(
      'kemi_breaker_fail_closed_requests_total',
      'Requests answered fail-closed without running the script: the tenant breaker is open',
      [],
      (s) => one(s.failClosed),
    ),
  ],
  transport: [
    ...(
      [
        ['received', 'kemi_transport_messages_received_total', 'Messages received'],
        ['bytesReceived', 'kemi_transport_bytes_received_total', 'Bytes received'],
        ['sent', 'kemi_transport_messages_sent_total', 'Messages sent'],
        ['bytesSent', 'kemi_transport_bytes_sent_total', 'Bytes sent'],
        ['sendErrors', 'kemi_transport_send_errors_total', 'Sends that failed'],
        ['keepalives', 'kemi_transport_keepalives_total', 'CRLF keepalives seen'],
      ] as const
    ).map(([key, name, help]) =>
      counter<TransportSource>(name, help, ['proto'], (t) =>
        PROTOS.map((proto) => row({ proto }, t.counters[proto][key])),
      ),
    ),
    ...(
      [
        ['dropped', 'kemi_transport_dropped_total', 'Datagrams ignored (empty or too large)'],
        ['framingErrors', 'kemi_transport_framing_errors_total', 'TCP streams closed as unframeable'],
        ['connectionsAccepted', 'kemi_transport_connections_accepted_total', 'Inbound TCP connections'],
        ['connectionsOpened', 'kemi_transport_connections_opened_total', 'Outbound TCP connections'],
        [
          'connectionsRejected',
          'kemi_transport_connections_rejected_total',
          'Inbound connections over the limits',
        ],
        [
          'connectionsRejectedPerIp',
          'kemi_transport_connections_rejected_per_ip_total',
          'Inbound connections over max_connections_per_ip (part of connections_rejected)',
        ],
        [
          'outboundRefused',
          'kemi_transport_outbound_refused_total',
          'Outbound connects refused at max_outbound_connections',
        ],
        [
          'messageTimeouts',
          'kemi_transport_message_timeouts_total',
          'TCP connections closed with a message incomplete after message_timeout_ms',
        ],
        ['connectionsClosed', 'kemi_transport_connections_closed_total', 'TCP connections closed'],
        ['idleTimeouts', 'kemi_transport_idle_timeouts_total', 'TCP connections closed when idle'],
        ['socketErrors', 'kemi_transport_socket_errors_total', 'Socket errors outside sends'],
        [
          'tlsHandshakeFailures',
          'kemi_transport_tls_handshake_failures_total',
          'TLS handshakes that failed, inbound and outbound',
        ],
        [
          'tlsVerifyFailures',
          'kemi_transport_tls_verify_failures_total',
          'Outbound TLS handshakes refused because the next hop certificate did not verify',
        ],
        [
          'wsUpgradesRefused',
          'kemi_transport_ws_upgrades_refused_total',
          'WebSocket upgrades refused (no sip subprotocol, or plain HTTP)',
        ],
        [
          'wsOversizedFrames',
          'kemi_transport_ws_oversized_frames_total',
          'WebSocket connections closed with 1009: a frame over max_message_bytes',
        ],
        [
          'handlerErrors',
          'kemi_transport_handler_errors_total',
          'Exceptions from the message handler (bugs)',
        ],
      ] as const
    ).map(([key, name, help]) => counter<TransportSource>(name, help, [], (t) => one(t.counters[key]))),
    gauge('kemi_transport_connections', 'Open TCP, TLS and WebSocket connections', [], (t) =>
      one(t.connections),
    ),
  ],
  scripts: [
    counter(
      'kemi_script_requests_total',
      'Requests routed by each loaded version',
      ['tenant', 'version'],
      (s) => s.map((v) => row(versionLabels(v), v.requests)),
    ),
    counter(
      'kemi_script_replies_total',
      'Replies by class per loaded version: received (its reply route saw them) or local (it answered statelessly)',
      ['tenant', 'version', 'source', 'class'],
      (s) =>
        s.flatMap((v) =>
          Object.entries(v.replies).map(([key, n]) => {
            const [source, klass] = key.split(' ');
            return row({ ...versionLabels(v), source, class: klass }, n);
          }),
        ),
    ),
    counter(
      'kemi_script_route_invocations_total',
      'Route invocations per loaded version and route (request-route, reply-route, named-route)',
      ['tenant', 'version', 'route'],
      (s) =>
        s.flatMap((v) =>
          Object.entries(v.invocations).map(([route, n]) => row({ ...versionLabels(v), route }, n)),
        ),
    ),
    counter(
      'kemi_script_fuel_total',
      'Fuel (instrumented wasm work units) used by each loaded version',
      ['tenant', 'version'],
      (s) => s.map((v) => row(versionLabels(v), v.fuel)),
    ),
    counter(
      'kemi_script_failures_total',
      'Route failures per loaded version by cause (fuel, deadline, trap, memory, slow ...)',
      ['tenant', 'version', 'cause'],
      (s) =>
        s.flatMap((v) =>
          Object.entries(v.failures).map(([cause, n]) => row({ ...versionLabels(v), cause }, n)),
        ),
    ),
  ],
  hep: [
    counter(
      'kemi_hep_captures_total',
      'HEP captures by outcome: sent (handed to the socket), dropped (queue full: collector down or slow), too-large (over 64 KiB), error (socket errors)',
      ['outcome'],
      (h) => [
        row({ outcome: 'sent' }, h.counters.sent),
        row({ outcome: 'dropped' }, h.counters.dropped),
        row({ outcome: 'too-large' }, h.counters.tooLarge),
        row({ outcome: 'error' }, h.counters.errors),
      ],
    ),
    gauge('kemi_hep_queue', 'HEP captures waiting for the collector', [], (h) => one(h.pending)),
  ],
  logs: [
    counter(
      'kemi_log_lines_suppressed_total',
      'Log lines not written by the per-cause rate limit (a summary line counts them)',
      ['cause'],
      (suppressed) => Object.entries(suppressed).map(([cause, n]) => row({ cause }, n)),
    ),
  ],
};

function counter<S>(
  name: string,
  help: string,
  labels: readonly string[],
  read: (part: S) => Rows,
): MetricDef<S> {
  return { kind: 'counter', name, help, labels, read };
}

function gauge<S>(
  name: string,
  help: string,
  labels: readonly string[],
  read: (part: S) => Rows,
): MetricDef<S> {
  return { kind: 'gauge', name, help, labels, read };
}

function row(labels: Labels, value: number): readonly [Labels, number] {
  return [labels, value];
}

/** The one row of an unlabelled metric. */
function one(value: number): Rows {
  return [[{}, value]];
}

/** Rows of a per-tenant table as labelled values. */
function byTenant(table: Record<string, Record<string, number>>, label: string): Rows {
  return Object.entries(table).flatMap(([tenant, counts]) =>
    Object.entries(counts).map(([key, n]) => row({ tenant, [label]: key }, n)),
  );
}

export function versionLabels(v: VersionStats): Labels {
  return { tenant: v.tenant, version: String(v.version) };
}
