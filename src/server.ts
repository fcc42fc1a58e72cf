// The composition root: reads the configuration, opens the module store and the registry (each tenant's
// active version), starts the transport, wires the message path and the admin API. Everything it returns
// can be stopped with close().
import type { Logger } from 'pino';
import { type AdminServer, startAdmin } from './admin/index.ts';
import { bundledRoute } from './builder/bundled-route.ts';
import { CallbackGuard } from './callback-guard.ts';
import { logLimitOptions } from './config/log-limit-schema.ts';
import type { Config } from './config/schema.ts';
import { tmTimers } from './config/tm-schema.ts';
import { transportLimits } from './config/transport-schema.ts';
import { ksrModules } from './kemi/index.ts';
import { LogLimiter } from './log-limit.ts';
import {
  dialogRouteParam,
  ModuleCompiler,
  ModuleStore,
  type Refuse,
  Registry,
  RegistrySelector,
  TenantMatcher,
  tenantSpecs,
} from './registry/index.ts';
import { err, OK, ok, type Result } from './result.ts';
import { localToTag } from './router/local-tag.ts';
import { Myself } from './router/myself.ts';
import { replyTarget } from './router/reply-target.ts';
import { Router } from './router/router.ts';
import { checkBindings, ksrPackage, Linker, setV8Flags } from './runtime/index.ts';
import { createResponse } from './sip/index.ts';
import {
  DEFAULT_REGISTRAR,
  DEFAULT_SWEEP_INTERVAL_S,
  HtableStore,
  LocationStore,
  SWEEP_BATCH,
} from './state/index.ts';
import { Transport } from './transport/index.ts';

export interface Server {
  readonly transport: Transport;
  readonly core: Router;
  readonly registry: Registry;
  readonly selector: RegistrySelector;
  /** Undefined when the configuration has no `admin` section. */
  readonly admin: AdminServer | undefined;
  close(): Promise<void>;
}

export async function startServer(config: Config, log: Logger): Promise<Result<Server>> {
  // Process-wide, so set here, once, before any script runs (see src/runtime/v8-flags.ts).
  setV8Flags();
  const mismatches = checkBindings(ksrPackage, ksrModules);
  if (mismatches.length > 0) {
    const list = mismatches.map((m) => `${m.interface}.${m.function}: ${m.problem}`).join('; ');
    return err(`KSR tables do not match wit/ksr.wit: ${list}`);
  }
  // Stopped in reverse order on close() or when a later step fails.
  const stops: (() => Promise<void>)[] = [];
  // Every timer of the server is scheduled through this guard: a throwing callback is logged and counted,
  // never the end of the process (src/callback-guard.ts).
  const timers = new CallbackGuard(log.child({ layer: 'timers' }));
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  const fail = async (error: string): Promise<Result<Server>> => {
    await stopAll();
    return err(error);
  };

  const specs = tenantSpecs(config);
  if (config.tenants.length === 0 && specs[0].module === undefined) {
    const bundled = await bundledRoute();
    if (!bundled.ok) return err(bundled.error);
    if (bundled.value.built) log.info({ path: bundled.value.path }, 'built the bundled AssemblyScript route');
    specs[0] = { ...specs[0], module: bundled.value.path };
  }

  const opened = await ModuleStore.open({ dir: config.data_dir });
  if (!opened.ok) return err(opened.error);
  const { store, report } = opened.value;
  stops.push(() => store.close());
  const storeLog = log.child({ layer: 'registry' });
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

  // Bindings live beside the module store (the data dir lock covers both), or in memory without a data dir.
  const openedLocation = LocationStore.open({ dir: config.data_dir });
  if (!openedLocation.ok) return fail(openedLocation.error);
  const location = openedLocation.value;
  stops.push(async () => location.close());
  const stateLog = log.child({ layer: 'state' });
  const sweepEvery = (config.registrar?.sweep_interval_s ?? DEFAULT_SWEEP_INTERVAL_S) * 1000;
  const sweeper = timers.interval('location-sweep', sweepEvery, () => {
    const swept = location.sweep(SWEEP_BATCH);
    if (swept > 0) stateLog.debug({ swept }, 'location: expired bindings removed');
  });
  stops.push(async () => sweeper.cancel());
  const registrarSettings = new Map(specs.map((spec) => [spec.name, spec.registrar]));
  stateLog.info({ where: location.where }, 'location store open');

  const compiler = new ModuleCompiler({ maxMemoryMb: config.compile?.max_memory_mb });
  compiler.warm();
  stops.push(() => compiler.close());
  const linker = new Linker(ksrModules);
  const opening = await Registry.open({
    tenants: specs,
    store,
    compiler,
    linker,
    log: storeLog,
    scriptLog: log,
    timers,
  });
  if (!opening.ok) return fail(opening.error);
  const registry = opening.value;
  stops.push(() => registry.close());
  storeLog.info({ where: store.where, tenants: registry.tenantNames }, 'registry open');

  // One limiter for the transport and the router: a cause is counted once however many layers log it.
  const logLimit = new LogLimiter(logLimitOptions(config.log_limit));
  let core: Router | undefined;
  const started = await Transport.start({
    listen: config.listen,
    logger: log.child({ layer: 'transport' }),
    onMessage: (bytes, source) => core?.receive(bytes, source),
    onFramingError: (error, source) => core?.framingError(error, source),
    limits: transportLimits(config.transport),
    logLimit,
  });
  if (!started.ok) return fail(started.error);
  const transport = started.value;
  stops.push(() => transport.close());

  const coreLog = log.child({ layer: 'core' });
  const replyOptions = { multicast: config.multicast_replies };
  // A stateless reply for requests the registry does not route (no tenant, or no version yet).
  const refuse: Refuse = (request, source, status, reason) => {
    const reply = createResponse(request, status, reason, { toTag: localToTag(request) });
    void transport.send(replyTarget(request, source, replyOptions), reply.toBuffer());
  };
  const selector = new RegistrySelector({
    registry,
    matcher: new TenantMatcher(specs, transport.localAddresses),
    unmatched: config.unmatched,
    dialogTenants: new Set(specs.filter((s) => s.dialogGraceMs > 0).map((s) => s.name)),
    refuse,
  });
  const allowLists = new Map(specs.map((spec) => [spec.name, spec.relayAllow]));
  for (const spec of specs)
    for (const warning of spec.relayAllow?.warnings ?? [])
      coreLog.warn({ tenant: spec.name }, `relay_allow: ${warning}`);
  core = new Router({
    transport,
    myself: new Myself(transport, config.domains),
    multicastReplies: config.multicast_replies,
    maxfwdLimit: config.maxfwd.max_limit,
    sanityNoReply: config.sanity.noreply === 1,
    selector,
    log: coreLog,
    timers: tmTimers(config.tm),
    clock: timers.clock,
    defines: config.defines,
    tenantDefines: Object.fromEntries(specs.map((spec) => [spec.name, spec.defines])),
    // Made once: a tenant's items outlive its module versions (activation, rollback, fail-open).
    htables: new HtableStore(Object.fromEntries(specs.map((spec) => [spec.name, spec.htables]))),
    guard: registry,
    // A tenant without an allow-list (the implicit default tenant) relays anywhere.
    authorizeDestination: (script, hop) => allowLists.get(script.tenant)?.check(hop) ?? OK,
    relayToSelf: config.relay_to_self,
    resolverLimits: {
      cacheTtlMs: config.relay_dns.cache_ttl_ms,
      cacheEntries: config.relay_dns.cache_entries,
      timeoutMs: config.relay_dns.timeout_ms,
    },
    recordRouteParams: (script) => `;${dialogRouteParam(script.version)}`,
    location: {
      store: location,
      settings: (tenant) => registrarSettings.get(tenant) ?? DEFAULT_REGISTRAR,
      refused: {},
    },
    logLimit,
  });
  for (const local of transport.localAddresses)
    log.info({ listen: `${local.proto}:${local.address}:${local.port}` }, 'listening');

  let admin: AdminServer | undefined;
  if (config.admin) {
    const sipCore = core;
    const startedAdmin = await startAdmin({
      config: config.admin,
      tenants: config.tenants,
      registry,
      sources: {
        core: () => sipCore.counters,
        tm: () => ({
          counters: sipCore.tm.counters,
          serverTransactions: sipCore.tm.table.serverCount,
          clientTransactions: sipCore.tm.table.clientCount,
        }),
        selector: () => selector.counters,
        transport: () => ({ counters: transport.counters, connections: transport.connectionCount }),
        htables: () => sipCore.htables,
        location: () => sipCore.location,
        logs: () => logLimit.suppressed,
        callbacks: () => timers.errors,
      },
      log: log.child({ layer: 'admin' }),
    });
    if (!startedAdmin.ok) return fail(startedAdmin.error);
    admin = startedAdmin.value;
    stops.push(() => startedAdmin.value.close());
  }

  return ok({ transport, core, registry, selector, admin, close: stopAll });
}
