// The composition root: reads the configuration, opens the module store and the registry (each tenant's
// active version), starts the transport, wires the message path and the admin API. Everything it returns
// can be stopped with close().
import { createSecretKey } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { AdminServer, MetricSources } from './admin/index.ts';
import { bundledRoute } from './builder/bundled-route.ts';
import { CallbackGuard } from './callback-guard.ts';
import type { ClusterNode } from './cluster/index.ts';
import { RedisLocation } from './cluster/redis-location.ts';
import {
  openHtables,
  type SharedStoreSite,
  shareAddresses,
  shareDialogCounts,
  sharedBreaker,
  sharePike,
  shareSubscribers,
  suspendingFunctions,
} from './cluster/shared-stores.ts';
import { accSettings } from './config/acc-schema.ts';
import { authSettings, nonceSettings } from './config/auth-schema.ts';
import { dialogSettings } from './config/dialog-schema.ts';
import { logLimitOptions, scriptLogLimitOptions } from './config/log-limit-schema.ts';
import { natPingSettings } from './config/nathelper-schema.ts';
import { pikeSettings } from './config/pike-schema.ts';
import { ngSettings } from './config/rtpengine-schema.ts';
import type { Config } from './config/schema.ts';
import { tlsSettings } from './config/tls-schema.ts';
import { tmCaps, tmTimers } from './config/tm-schema.ts';
import { transportLimits } from './config/transport-schema.ts';
import { Dispatcher } from './dispatcher/dispatcher.ts';
import { DispatcherProber } from './dispatcher/prober.ts';
import { dnsServersOf } from './dns/resolv-conf.ts';
import { type AccHost, type AuthHost, ksrModules } from './kemi/index.ts';
import { LogLimiter } from './log-limit.ts';
import {
  DialogPins,
  loadPinKey,
  ModuleStore,
  openRegistry,
  type Refuse,
  type Registry,
  RegistrySelector,
  TenantMatcher,
  tenantSpecs,
} from './registry/index.ts';
import { err, OK, ok, type Result } from './result.ts';
import { localToTag } from './router/local-tag.ts';
import { Myself } from './router/myself.ts';
import { NatKeepalive, type PingTransport } from './router/nat-keepalive.ts';
import { OutboundInterfaces } from './router/outbound-interface.ts';
import { replyTarget } from './router/reply-target.ts';
import { Router } from './router/router.ts';
import { NgClient } from './rtpengine/index.ts';
import { checkBindings, ksrPackage, Linker, setV8Flags } from './runtime/index.ts';
import { Stops } from './shutdown.ts';
import { createResponse } from './sip/index.ts';
import type { SharedStoreCounters } from './state/index.ts';
import {
  AccStore,
  AddressStore,
  DEFAULT_REGISTRAR,
  DEFAULT_SWEEP_INTERVAL_S,
  DialogStore,
  DispatcherStore,
  type LocationBackend,
  LocationStore,
  loadAuthSecret,
  NonceIssuer,
  PikeStore,
  SubscriberStore,
  SWEEP_BATCH,
  SWEEP_MAX_BATCHES,
  sweepExpired,
} from './state/index.ts';
import { createTrace } from './trace/index.ts';
import { DEFAULT_LIMITS, type LocalAddress, TlsContexts, Transport } from './transport/index.ts';
import { type ReplyPorts, replyPortSpecs } from './workers/reply-ports.ts';
import type { WorkerScripts } from './workers/worker-scripts.ts';

/** How often pike generations holding only expired addresses are dropped. */
const PIKE_SWEEP_INTERVAL_MS = 10_000;
/** How often expired call-load cells are dropped (Kamailio's ds_hash_check_interval, 30 s). */
const DS_HASH_CHECK_INTERVAL_MS = 30_000;

export interface Server {
  readonly transport: Transport;
  readonly core: Router;
  /** Undefined in a SIP worker thread: the primary thread keeps the registry (docs/workers.md). */
  readonly registry: Registry | undefined;
  readonly selector: RegistrySelector;
  /** Undefined when the configuration has no `admin` section, and in a SIP worker thread. */
  readonly admin: AdminServer | undefined;
  /** What /metrics reads of this SIP stack (a worker thread sends its rows to the primary). */
  readonly metricSources: Omit<MetricSources, 'registry'>;
  close(): Promise<void>;
  /** While close() runs: the stop step under way and those left (what a shutdown deadline reports). */
  waitingFor(): readonly string[];
}

/**
 * The part of a SIP worker thread (workers > 1, src/workers/): the versions come from the primary thread's
 * registry, the UDP listeners are shared with the other workers, and each has private reply ports.
 */
export interface SipWorkerRole {
  readonly index: number;
  readonly scripts: WorkerScripts;
}

export async function startServer(
  config: Config,
  log: Logger,
  worker?: SipWorkerRole,
): Promise<Result<Server>> {
  // Process-wide, so set here, once, before any script runs (see src/runtime/v8-flags.ts).
  setV8Flags();
  const mismatches = checkBindings(ksrPackage, ksrModules);
  if (mismatches.length > 0) {
    const list = mismatches.map((m) => `${m.interface}.${m.function}: ${m.problem}`).join('; ');
    return err(`KSR tables do not match wit/ksr.wit: ${list}`);
  }
  // Stopped in reverse order on close() or when a later step fails.
  const stops = new Stops(log.child({ layer: 'stop' }));
  // Every timer of the server is scheduled through this guard: a throwing callback is logged and counted,
  // never the end of the process (src/callback-guard.ts).
  const timers = new CallbackGuard(log.child({ layer: 'timers' }));
  const stopAll = () => stops.stopAll();
  const fail = async (error: string): Promise<Result<Server>> => {
    await stopAll();
    return err(error);
  };

  const specs = tenantSpecs(config);
  if (worker === undefined && config.tenants.length === 0 && specs[0].module === undefined) {
    const bundled = await bundledRoute();
    if (!bundled.ok) return err(bundled.error);
    if (bundled.value.built) log.info({ path: bundled.value.path }, 'built the bundled AssemblyScript route');
    specs[0] = { ...specs[0], module: bundled.value.path };
  }

  const storeLog = log.child({ layer: 'registry' });
  // A worker thread has no module store: the primary owns it (and the data dir's lock).
  const opened = worker === undefined ? await ModuleStore.open({ dir: config.data_dir }) : undefined;
  if (opened !== undefined && !opened.ok) return err(opened.error);
  const store = opened?.value.store;
  if (store) stops.add('module store', () => store.close());
  const report = opened?.value.report ?? { sweptTemp: 0, orphans: 0, corrupt: [] };
  if (report.sweptTemp + report.orphans > 0) {
    storeLog.warn(
      { temp: report.sweptTemp, orphans: report.orphans },
      'store: removed files of unfinished uploads',
    );
  }
  for (const c of report.corrupt) {
    storeLog.error(
      { tenant: c.tenant, version: c.version, problem: c.problem },
      'store: version file is corrupt',
    );
  }

  // Bindings live beside the module store (the data dir lock covers both), or in memory without a data dir;
  // in a cluster whose location is shared, in Redis (made once the cluster's connection is there, below).
  const sharedLocation = config.cluster?.stores.location.backend === 'redis';
  let location: LocationBackend | undefined;
  if (!sharedLocation) {
    const openedLocation = LocationStore.open({ dir: config.data_dir });
    if (!openedLocation.ok) return fail(openedLocation.error);
    const embedded = openedLocation.value;
    stops.add('location store', () => embedded.close());
    location = embedded;
  }
  const stateLog = log.child({ layer: 'state' });
  const registrarSettings = new Map(specs.map((spec) => [spec.name, spec.registrar]));
  const openedAddresses = AddressStore.open({
    dir: config.data_dir,
    maxPerTenant: config.permissions.max_addresses_per_tenant,
  });
  if (!openedAddresses.ok) return fail(openedAddresses.error);
  const addresses = openedAddresses.value;
  stops.add('address store', () => addresses.close());
  const permissions = { store: addresses, denied: {} };
  // New addresses turn the generations over; the sweep frees a quiet server's memory.
  const pike = new PikeStore(pikeSettings(config.pike));
  const relays = ngSettings(config.rtpengine);
  const rtpengine =
    relays.instances.length > 0
      ? { client: new NgClient(relays), failed: {} as Record<string, number> }
      : undefined;
  if (rtpengine) stops.add('rtpengine client', () => rtpengine.client.close());
  const pikeSweeper = timers.interval('pike-sweep', PIKE_SWEEP_INTERVAL_MS, () => {
    pike.sweep();
  });
  stops.add('pike sweep', () => pikeSweeper.cancel());

  // Subscribers and the nonce secret live beside the bindings; without a data dir, in memory.
  const authConfig = config.auth;
  const openedSubscribers = SubscriberStore.open({
    dir: config.data_dir,
    maxSubscribers: authConfig.max_subscribers,
    storePasswords: authConfig.store_passwords,
  });
  if (!openedSubscribers.ok) return fail(openedSubscribers.error);
  const subscribers = openedSubscribers.value;
  stops.add('subscriber store', () => subscribers.close());
  const secretEnv = authConfig.secret_env;
  if (secretEnv !== undefined && !process.env[secretEnv])
    return fail(`auth.secret_env: the environment variable ${secretEnv} is not set`);
  const secret = loadAuthSecret({
    given: authConfig.secret ?? (secretEnv === undefined ? undefined : process.env[secretEnv]),
    dataDir: config.data_dir,
  });
  if (!secret.ok) return fail(`auth: ${secret.error}`);
  const auth: AuthHost = {
    nonces: new NonceIssuer(secret.value, nonceSettings(authConfig)),
    subscribers,
    settings: authSettings(authConfig, config.tenants),
    failures: {},
  };
  stateLog.info({ where: subscribers.where }, 'subscriber store open');
  const openedAcc = AccStore.open({ dir: config.data_dir, maxRowsPerTenant: config.acc.max_rows_per_tenant });
  if (!openedAcc.ok) return fail(openedAcc.error);
  const accStore = openedAcc.value;
  stops.add('accounting store', () => accStore.close());
  const accByTenant = new Map(config.tenants.map((t) => [t.name, accSettings(config.acc, t.acc)]));
  const accDefault = accSettings(config.acc, undefined);
  const acc: AccHost = { store: accStore, settings: (tenant) => accByTenant.get(tenant) ?? accDefault };
  stateLog.info({ where: accStore.where }, 'accounting store open');
  const dialogByTenant = new Map(
    config.tenants.map((t) => [t.name, dialogSettings(config.dialog, t.dialog)]),
  );
  const dialogDefault = dialogSettings(config.dialog, undefined);
  // Made once: dialogs belong to their tenant and outlive activations and reloads of its versions.
  const dialogs = new DialogStore((tenant) => dialogByTenant.get(tenant) ?? dialogDefault, timers.clock);

  // Several nodes: the cluster's active versions are copied into this node's store before the registry
  // boots on them, and new versions are numbered cluster-wide (src/cluster/, docs/cluster.md).
  let cluster: ClusterNode | undefined;
  if (config.cluster && store !== undefined) {
    const retainOf = new Map(specs.map((spec) => [spec.name, spec.retain]));
    // Imported only with [cluster]: ioredis stays out of a single node's memory.
    const { ClusterNode } = await import('./cluster/index.ts');
    cluster = new ClusterNode({
      config: config.cluster,
      defaultName: `${hostname()}:${/:(\d+)$/.exec(config.listen[0])?.[1] ?? '5060'}`,
      store,
      retain: (tenant) => retainOf.get(tenant) ?? 10,
      tenants: specs.map((spec) => spec.name),
      log: log.child({ layer: 'cluster' }),
      timers,
    });
    const node = cluster;
    stops.add('cluster connection', () => node.close());
    await cluster.seed();
  }

  // Tenants logging at another level than the server (config tenants[].log_level): their scripts' lines
  // and their message trace lines.
  const tenantLogLevels: Record<string, string> = Object.fromEntries(
    config.tenants.flatMap((t) => (t.log_level === undefined ? [] : [[t.name, t.log_level]])),
  );
  // One limiter for the transport, the router and the shared stores: a cause is counted once however many
  // layers log it.
  const logLimit = new LogLimiter(logLimitOptions(config.log_limit));
  // The stores kept in the cluster's Redis where [cluster.stores] says so (docs/cluster.md), else this node's.
  const sharedCounters: Record<string, SharedStoreCounters> = {};
  const sharing: SharedStoreSite = {
    config,
    cluster,
    timers,
    log: log.child({ layer: 'cluster' }),
    logLimit,
    counters: sharedCounters,
  };
  const sharedFailures = sharedBreaker(sharing);
  const tenantNames = specs.map((spec) => spec.name);
  const dialogSharing = shareDialogCounts(sharing, dialogs, tenantNames);
  if (dialogSharing) stops.add('shared dialog counts', () => dialogSharing.cancel());
  const pikeSharing = sharePike(sharing, pike);
  if (pikeSharing) stops.add('shared pike', () => pikeSharing.cancel());
  const subscriberSharing = await shareSubscribers(sharing, subscribers, tenantNames);
  if (subscriberSharing) stops.add('shared subscribers', () => subscriberSharing.close());
  const addressSharing = await shareAddresses(sharing, addresses, tenantNames);
  if (addressSharing) stops.add('shared addresses', () => addressSharing.close());
  let registry: Registry | undefined;
  if (store !== undefined) {
    const opening = await openRegistry(config.compile, stops, {
      tenants: specs,
      store,
      // The KSR functions of stores kept in Redis answer Promises: linked as suspending imports (JSPI).
      linker: new Linker(ksrModules, { suspending: suspendingFunctions(config, specs) }),
      log: storeLog,
      scriptLog: log,
      scriptLogLevels: tenantLogLevels,
      timers,
      ...(cluster && { numbering: cluster.numbering }),
      ...(sharedFailures && { sharedFailures }),
    });
    if (!opening.ok) return fail(opening.error);
    // Redis is let go before the registry closes: a deploy or activation waiting for a Redis that stopped
    // answering (no command timeout) holds the registry's lock, and the registry's close waits for it. The
    // routes waiting for Redis answers have settled by then (stopped later in start order, earlier here).
    const node = cluster;
    if (node) stops.add('cluster connection (before the registry)', () => node.close());
    const opened = opening.value;
    registry = opened;
    storeLog.info({ where: store.where, tenants: opened.tenantNames }, 'registry open');
  }
  // The registry serves versions and decides failures; in a worker thread, its copy (src/workers/).
  const versions = worker?.scripts ?? registry;
  if (versions === undefined) return fail('no registry');

  if (cluster !== undefined && config.cluster?.stores.location.backend === 'redis') {
    const shared = config.cluster.stores.location;
    location = new RedisLocation({
      redis: cluster.redis,
      prefix: config.cluster.prefix,
      node: cluster.name,
      tenants: specs.map((spec) => spec.name),
      unavailable: shared.unavailable,
      timeoutMs: shared.timeout_ms,
      cacheAors: shared.cache_aors,
      log: stateLog,
      logLimit,
    });
  }
  if (location === undefined) return fail('no location store');
  const bindings = location;
  const sweepEvery = (config.registrar?.sweep_interval_s ?? DEFAULT_SWEEP_INTERVAL_S) * 1000;
  const sweeper = timers.interval('location-sweep', sweepEvery, () => {
    void sweepExpired(bindings, SWEEP_BATCH, SWEEP_MAX_BATCHES).then(
      (swept) => {
        if (swept > 0) stateLog.debug({ swept }, 'location: expired bindings removed');
      },
      (error) => stateLog.error({ err: error }, 'location: the sweep failed'),
    );
  });
  stops.add('location sweep', () => sweeper.cancel());
  stateLog.info({ where: bindings.where }, 'location store open');
  // Destination sets: each tenant's config and admin-API rows (`dispatcher.db` beside the other stores).
  const openedDispatcher = DispatcherStore.open(config.data_dir);
  if (!openedDispatcher.ok) return fail(openedDispatcher.error);
  const dispatcherStore = openedDispatcher.value;
  stops.add('dispatcher store', () => dispatcherStore.close());
  const dispatcher = new Dispatcher({
    config: config.dispatcher,
    tenants: new Map(config.tenants.map((t) => [t.name, t.dispatcher])),
    store: dispatcherStore,
    log: log.child({ layer: 'dispatcher' }),
    logLimit,
  });
  dispatcher.followDialogs(dialogs);
  const loadExpiry = timers.interval('dispatcher-load-expiry', DS_HASH_CHECK_INTERVAL_MS, () => {
    dispatcher.expireLoads();
  });
  stops.add('dispatcher load expiry', () => loadExpiry.cancel());
  stateLog.info({ where: dispatcherStore.where }, 'dispatcher table open');
  let core: Router | undefined;
  let keepalive: NatKeepalive | undefined;
  let prober: DispatcherProber | undefined;
  // Certificates load whenever some are configured or a TLS/WSS listener needs them (it fails without).
  const tlsConfigured =
    config.tls.certificates.length > 0 || config.tls.ca.length > 0 || !config.tls.verify_next_hop;
  const tls = tlsConfigured ? TlsContexts.load(tlsSettings(config.tls)) : undefined;
  if (tls !== undefined && !tls.ok) return fail(tls.error);
  // A worker thread shares the configured UDP sockets and adds a private reply port to each.
  const replySpecs = worker === undefined ? [] : replyPortSpecs(config.listen);
  const started = await Transport.start({
    listen: [...config.listen, ...replySpecs],
    ...(worker === undefined ? {} : { reusePort: new Set(config.listen) }),
    ...(tls === undefined ? {} : { tls: tls.value }),
    logger: log.child({ layer: 'transport' }),
    // Replies to the NAT keepalive's pings are absorbed before the message path (no route runs).
    onMessage: (bytes, source) => {
      if (source.proto === 'udp' && (keepalive?.absorb(bytes) || prober?.absorb(bytes))) return;
      core?.receive(bytes, source);
    },
    onFramingError: (error, source) => core?.framingError(error, source),
    // One bound on a message for every transport: a WebSocket frame over it is closed with 1009.
    limits: {
      ...transportLimits(config.transport),
      maxMessageBytes: config.message_limits.max_message_bytes,
      maxHeaderBytes: Math.min(DEFAULT_LIMITS.maxHeaderBytes, config.message_limits.max_message_bytes),
    },
    logLimit,
  });
  if (!started.ok) return fail(started.error);
  const transport = started.value;
  stops.add('transport', () => transport.close());
  const publicAddresses = transport.localAddresses.slice(0, config.listen.length);
  const replyPorts: ReplyPorts | undefined =
    worker === undefined ? undefined : replyPortsOf(transport.localAddresses, config.listen.length);

  const coreLog = log.child({ layer: 'core' });
  const replyOptions = { multicast: config.multicast_replies };
  // A stateless reply for requests the registry does not route (no tenant, or no version yet).
  const refuse: Refuse = (request, source, status, reason) => {
    const reply = createResponse(request, status, reason, { toTag: localToTag(request) });
    transport.send(replyTarget(request, source, replyOptions), reply.toBuffer());
  };
  // A dialog pinned on one node must verify on every node: in a cluster the key is the cluster's.
  const clusterPinKey = await cluster?.pinKey();
  const pinKey = clusterPinKey
    ? ok({ key: createSecretKey(clusterPinKey), where: 'cluster' })
    : await loadPinKey(config.data_dir);
  if (!pinKey.ok) return fail(pinKey.error);
  if (cluster && !clusterPinKey)
    storeLog.error(
      'dialog pin key: Redis unreachable, this node’s own key: pins of other nodes will not verify',
    );
  storeLog.info({ where: pinKey.value.where }, 'dialog pin key ready');
  const pins = new DialogPins(pinKey.value.key);
  const myself = new Myself(transport, config.domains);
  // Tenants with dialog pinning on: only their Record-Route entries carry a pin (an HMAC per transaction).
  const dialogTenants = new Set(specs.filter((s) => s.dialogGraceMs > 0).map((s) => s.name));
  const selector = new RegistrySelector({
    registry: versions,
    matcher: new TenantMatcher(specs, transport.localAddresses),
    unmatched: config.unmatched,
    dialogTenants,
    pins,
    isOwnUri: (uri) => myself.is(uri.host, uri.port),
    refuse,
  });
  const allowLists = new Map(specs.map((spec) => [spec.name, spec.relayAllow]));
  for (const spec of specs)
    for (const warning of spec.relayAllow?.warnings ?? [])
      coreLog.warn({ tenant: spec.name }, `relay_allow: ${warning}`);
  const pingInterfaces = new OutboundInterfaces(transport, replyPorts);
  // The NAT keepalive and the dispatcher's probes send alike: from our UDP listeners, where the tenant
  // may relay, never to this server itself (it would run a route).
  const pingTransport: PingTransport = {
    pick: (host) =>
      pingInterfaces.pick('udp', host, {
        proto: 'udp',
        remote: { address: host, port: 0 },
        local: { address: '', port: 0 },
      }),
    allowed: (tenant, host, port) =>
      !transport.isLocal(host, port, 'udp') &&
      (allowLists.get(tenant)?.check({ proto: 'udp', host, port }).ok ?? true),
    send: (target, bytes, done) => transport.send(target, bytes, done),
  };
  keepalive = new NatKeepalive(
    natPingSettings(config.nathelper),
    bindings,
    pingTransport,
    log.child({ layer: 'natping' }),
  );
  prober = new DispatcherProber(dispatcher, pingTransport, {
    intervalMs: config.dispatcher.ds_ping_interval * 1000,
    maxPerTenant: config.dispatcher.max_pings_per_interval,
  });
  const probing = prober.start(timers);
  if (probing) stops.add('dispatcher probes', () => probing.cancel());
  const pinger = keepalive.start(timers);
  if (pinger) stops.add('nat keepalive', () => pinger.cancel());
  // The transport reports every message it writes; the router every message it takes (src/trace/).
  const traceLog = log.child({ layer: 'trace' });
  const traced = createTrace(config.trace, traceLog, {
    tenantLog: tenantLoggers(traceLog, tenantLogLevels),
    anyTenantDebug: Object.values(tenantLogLevels).some((level) => level === 'debug' || level === 'trace'),
  });
  transport.wireTap = traced.trace;
  if (traced.hep) stops.add('hep client', () => traced.hep?.close());
  core = new Router({
    trace: traced.trace,
    transport,
    replyPorts,
    myself,
    multicastReplies: config.multicast_replies,
    maxfwdLimit: config.maxfwd.max_limit,
    sanityNoReply: config.sanity.noreply === 1,
    selector,
    log: coreLog,
    timers: tmTimers(config.tm),
    transactionCaps: tmCaps(config.tm),
    clock: timers.clock,
    defines: config.defines,
    tenantDefines: Object.fromEntries(specs.map((spec) => [spec.name, spec.defines])),
    // Made once: a tenant's items outlive its module versions (activation, rollback, fail-open).
    htables: openHtables(sharing, specs),
    guard: versions,
    // A tenant without an allow-list (the implicit default tenant) relays anywhere.
    authorizeDestination: (script, hop) => allowLists.get(script.tenant)?.check(hop) ?? OK,
    relayToSelf: config.relay_to_self,
    resolverLimits: {
      cacheTtlMs: config.relay_dns.cache_ttl_ms,
      cacheEntries: config.relay_dns.cache_entries,
      negativeTtlMs: config.relay_dns.negative_ttl_ms,
      timeoutMs: config.relay_dns.timeout_ms,
      queryTimeoutMs: config.relay_dns.query_timeout_ms,
      maxTargets: config.relay_dns.max_targets,
    },
    dnsServers: dnsServersOf(config.relay_dns.servers),
    dnsFailover: config.relay_dns.failover,
    recordRouteParams: (script, request) =>
      dialogTenants.has(script.tenant)
        ? `;${pins.routeParam(script.tenant, script.version, request.callId)}`
        : '',
    location: {
      store: bindings,
      settings: (tenant) => registrarSettings.get(tenant) ?? DEFAULT_REGISTRAR,
      refused: {},
    },
    permissions,
    pike,
    auth,
    rtpengine,
    acc,
    dialogs,
    dispatcher,
    logLimit,
    scriptLogLimit: new LogLimiter(scriptLogLimitOptions(config.log_limit)),
    parseLimits: { maxMessageSize: config.message_limits.max_message_bytes },
    editLimits: {
      maxMessageBytes: config.message_limits.max_message_bytes,
      maxHeaderFields: config.message_limits.max_header_fields,
    },
  });
  // Stopped before the transport: the routes waiting for a remote store's answer finish and send what they
  // decided (each wait is bounded by async_timeout_ms); routes started meanwhile are not waited for.
  const routing = core;
  stops.add('routes waiting for KSR answers', () => routing.routesSettled());
  for (const local of publicAddresses)
    log.info({ listen: `${local.proto}:${local.address}:${local.port}` }, 'listening');
  for (const local of replyPorts?.values() ?? [])
    log.info({ reply: `${local.proto}:${local.address}:${local.port}` }, 'reply port');
  if (cluster !== undefined && registry !== undefined) {
    const sipCoreForCluster = core;
    await cluster.attach(
      registry,
      () => sipCoreForCluster.tm.table.serverCount + sipCoreForCluster.tm.table.clientCount,
    );
  }

  const sipCore = core;
  const clusterNode = cluster;
  const metricSources: Omit<MetricSources, 'registry'> = {
    ...(clusterNode && { cluster: () => clusterNode.counters, sharedStores: () => sharedCounters }),
    core: () => sipCore.counters,
    tm: () => ({
      counters: sipCore.tm.counters,
      serverTransactions: sipCore.tm.table.serverCount,
      clientTransactions: sipCore.tm.table.clientCount,
      liveByTenant: sipCore.tm.caps.byTenant(),
      dns: sipCore.tm.dns,
    }),
    selector: () => selector.counters,
    transport: () => ({ counters: transport.counters, connections: transport.connectionCount }),
    htables: () => sipCore.htables,
    location: () => sipCore.location,
    permissions: () => sipCore.permissions,
    pike: () => sipCore.pike,
    auth: () => sipCore.auth,
    rtpengine: () => sipCore.rtpengine,
    acc: () => accStore,
    dialogs: () => sipCore.dialogByes && { store: dialogs, byes: sipCore.dialogByes.counters },
    logs: () => logLimit.suppressed,
    callbacks: () => timers.errors,
    natping: () => keepalive.counts,
    dispatcher: () => dispatcher,
    hep: () => traced.hep,
    scripts: () => sipCore.scriptStats,
  };
  let admin: AdminServer | undefined;
  if (config.admin && registry !== undefined) {
    // Imported only with [admin]: Hono, prom-client and the page's views stay out of a server without it.
    const { startAdmin } = await import('./admin/index.ts');
    const startedAdmin = await startAdmin({
      config: config.admin,
      tenants: config.tenants,
      registry,
      ...(cluster && { cluster }),
      addresses,
      sources: metricSources,
      dispatcher,
      subscribers,
      ...(subscriberSharing && { sharedSubscribers: subscriberSharing.writer }),
      ...(addressSharing && { sharedAddresses: addressSharing.writer }),
      acc: accStore,
      trace: traced,
      log: log.child({ layer: 'admin' }),
    });
    if (!startedAdmin.ok) return fail(startedAdmin.error);
    admin = startedAdmin.value;
    stops.add('admin API', () => startedAdmin.value.close());
  }

  return ok({
    transport,
    core,
    registry,
    selector,
    admin,
    metricSources,
    close: stopAll,
    waitingFor: () => stops.waitingFor,
  });
}

/** The private reply port of each shared UDP listener: the listeners after the configured ones, in order. */
function replyPortsOf(all: readonly LocalAddress[], configured: number): ReplyPorts {
  const ports = new Map<string, LocalAddress>();
  const shared = all.slice(0, configured).filter((l) => l.proto === 'udp');
  for (const [i, l] of shared.entries()) {
    const reply = all[configured + i];
    if (reply !== undefined) ports.set(`${l.address}:${l.port}`, reply);
  }
  return ports;
}

/** The logger of a tenant's lines under `parent`: at the tenant's own level when it has one, made once. */
function tenantLoggers(parent: Logger, levels: Readonly<Record<string, string>>): (tenant: string) => Logger {
  const made = new Map<string, Logger>();
  return (tenant) => {
    const level = levels[tenant];
    if (level === undefined) return parent;
    let log = made.get(tenant);
    if (log === undefined) {
      log = parent.child({}, { level });
      made.set(tenant, log);
    }
    return log;
  };
}
