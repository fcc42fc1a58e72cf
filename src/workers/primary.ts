// The primary thread with SIP worker threads (workers > 1, docs/workers.md): it owns the module store and
// the registry (uploads, compiles, activation, rollback, the circuit breakers), the admin API and /metrics;
// the worker threads (sip-worker.ts) run the message path on shared UDP sockets. The primary posts each
// tenant's view (compiled modules included) to every worker when it changes, counts the failures they
// report in its breakers, merges their metrics, and starts a worker again when one dies.
import { createSocket, type Socket } from 'node:dgram';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Rows } from '../admin/metric-table.ts';
import { bundledRoute } from '../builder/bundled-route.ts';
import { CallbackGuard } from '../callback-guard.ts';
import type { Config } from '../config/schema.ts';
import { ksrModules } from '../kemi/index.ts';
import { resolveLogFormat } from '../logger.ts';
import { siblingModule } from '../module-url.ts';
import { loadPinKey, ModuleStore, openRegistry, tenantSpecs } from '../registry/index.ts';
import { ManagedScript } from '../registry/managed-script.ts';
import { err, ok, type Result } from '../result.ts';
import type { Script } from '../router/script.ts';
import { Linker } from '../runtime/index.ts';
import { Stops } from '../shutdown.ts';
import { loadAuthSecret, SubscriberStore } from '../state/index.ts';
import type { FromWorker, SipWorkerData, ToWorker } from './messages.ts';
import { mergeRows, THREAD_KEYS, type WorkerRows } from './metric-merge.ts';
import type { TenantView } from './worker-scripts.ts';

/** A worker that dies is started again after this long (a worker that dies at once does not spin). */
const RESTART_DELAY_MS = 1000;
/** How often the views are compared with the registry (fail-open refreshes are not events). */
const RECONCILE_MS = 500;
/** How long a scrape waits for a worker's rows. */
const METRICS_WAIT_MS = 2000;
/** How long a worker may take to stop before it is terminated. */
const STOP_WAIT_MS = 5000;

export interface Threads {
  /** The SIP worker threads running now (a dead one is absent until its restart is ready). */
  workers(): readonly Worker[];
  close(): Promise<void>;
  /** While close() runs: the stop step under way and those left. */
  waitingFor(): readonly string[];
}

interface Slot {
  worker: Worker;
  ready: boolean;
}

export async function startThreads(config: Config, log: Logger, count: number): Promise<Result<Threads>> {
  const stops = new Stops(log.child({ layer: 'stop' }));
  const stopAll = () => stops.stopAll();
  const fail = async (error: string): Promise<Result<Threads>> => {
    await stopAll();
    return err(error);
  };
  const timers = new CallbackGuard(log.child({ layer: 'timers' }));
  const specs = tenantSpecs(config);
  let moduleConfig = config;
  if (config.tenants.length === 0 && specs[0].module === undefined) {
    const bundled = await bundledRoute();
    if (!bundled.ok) return err(bundled.error);
    specs[0] = { ...specs[0], module: bundled.value.path };
    moduleConfig = { ...config, module: bundled.value.path };
  }
  const storeLog = log.child({ layer: 'registry' });
  const opened = await ModuleStore.open({ dir: config.data_dir });
  if (!opened.ok) return err(opened.error);
  const { store } = opened.value;
  stops.add('module store', () => store.close());
  // Made here before any worker starts, so that the workers read the same files rather than race to write.
  const pinKey = await loadPinKey(config.data_dir);
  if (!pinKey.ok) return fail(pinKey.error);
  const secretEnv = config.auth.secret_env;
  const secret = loadAuthSecret({
    given: config.auth.secret ?? (secretEnv === undefined ? undefined : process.env[secretEnv]),
    dataDir: config.data_dir,
  });
  if (!secret.ok) return fail(`auth: ${secret.error}`);

  const opening = await openRegistry(config.compile, stops, {
    tenants: specs,
    store,
    linker: new Linker(ksrModules),
    log: storeLog,
    timers,
  });
  if (!opening.ok) return fail(opening.error);
  const registry = opening.value;
  storeLog.info({ where: store.where, tenants: registry.tenantNames }, 'registry open');

  // Port 0 is resolved once here, held while the workers bind the same port with SO_REUSEPORT.
  const holding: Socket[] = [];
  const release = async () => {
    for (const socket of holding.splice(0)) socket.close();
  };
  stops.add('held UDP ports', release);
  const listen: string[] = [];
  for (const spec of config.listen) {
    const m = /^udp:(\[?)([^\]]*)\]?:(\d+)$/.exec(spec);
    if (m === null || m[3] !== '0') {
      listen.push(spec);
      continue;
    }
    const host = m[2];
    const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', reusePort: true });
    const port = await new Promise<number | Error>((resolve) => {
      socket.once('error', resolve);
      socket.bind({ address: host, port: 0 }, () => resolve(socket.address().port));
    });
    if (port instanceof Error) return fail(`listen spec '${spec}': ${port.message}`);
    holding.push(socket);
    listen.push(`udp:${m[1]}${host}${m[1] ? ']' : ''}:${port}`);
  }
  // Tenants matched by a port-0 socket name the port the workers bind.
  const resolved = new Map(config.listen.map((spec, i) => [spec, listen[i]]));
  const workerConfig: Config = {
    ...moduleConfig,
    listen,
    admin: undefined,
    tenants: moduleConfig.tenants.map((t) => ({
      ...t,
      match: { ...t.match, sockets: t.match.sockets.map((s) => resolved.get(s) ?? s) },
    })),
  };
  const logFormat = resolveLogFormat(config.log_format);

  // ---- views: what each worker serves ---------------------------------------------------------------
  const sent = new Map<string, string>();
  const viewOf = (tenant: string): TenantView => {
    const active = registry.active(tenant);
    const fallback = active && registry.fallback(active);
    const last = registry.activations(tenant, 1)?.[0];
    const revoked =
      last !== undefined &&
      last.previous !== undefined &&
      (last.kind === 'breaker' || last.kind === 'rollback')
        ? [last.previous]
        : [];
    const version = (s: Script | undefined) =>
      s && {
        version: s.version,
        sha256: s instanceof ManagedScript ? s.sha256 : '',
        module: s.runner.module,
      };
    return {
      tenant,
      active: version(active),
      blocked: active?.blocked,
      fallback: version(fallback),
      revoked,
    };
  };
  // What a view depends on, read from memory only (the activation record is read when it changed): the
  // reconcile stays cheap with many tenants.
  const signature = (tenant: string) => {
    const active = registry.active(tenant);
    const fallback = active && registry.fallback(active);
    return `${active?.version}/${active?.blocked?.status}/${fallback?.version}`;
  };

  const slots: Slot[] = [];
  let closing = false;
  const broadcast = (message: ToWorker) => {
    for (const slot of slots) if (slot.ready) slot.worker.postMessage(message);
  };
  const reconcile = () => {
    for (const tenant of registry.tenantNames) {
      const sig = signature(tenant);
      if (sent.get(tenant) === sig) continue;
      sent.set(tenant, sig);
      broadcast({ kind: 'view', view: viewOf(tenant) });
    }
  };
  const unsubscribe = registry.subscribe(() => reconcile());
  stops.add('registry subscription', () => unsubscribe());
  const reconciling = timers.interval('worker-views', RECONCILE_MS, reconcile);
  stops.add('reconcile', () => reconciling.cancel());

  // ---- metrics ---------------------------------------------------------------------------------------
  let nextScrape = 0;
  const waiting = new Map<number, { rows: WorkerRows[]; left: number; done: () => void }>();
  const gather = async (): Promise<ReadonlyMap<string, Rows>> => {
    const id = ++nextScrape;
    const live = slots.filter((s) => s.ready);
    const rows: WorkerRows[] = [];
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, METRICS_WAIT_MS);
      waiting.set(id, {
        rows,
        left: live.length,
        done: () => {
          clearTimeout(timer);
          resolve();
        },
      });
      if (live.length === 0) resolve();
      for (const slot of live) slot.worker.postMessage({ kind: 'metrics', id } satisfies ToWorker);
    });
    waiting.delete(id);
    return mergeRows(rows);
  };

  // ---- workers -------------------------------------------------------------------------------------
  const url = siblingModule('sip-worker', import.meta.url);
  const spawn = (index: number): Promise<Result<void>> =>
    new Promise((resolve) => {
      const data: SipWorkerData = {
        index,
        config: workerConfig,
        logFormat,
        views: registry.tenantNames.map(viewOf),
      };
      const worker = new Worker(url, { workerData: data });
      const slot: Slot = { worker, ready: false };
      slots[index] = slot;
      // Ready once: a worker that exits before is a failed start (not restarted), after it a death.
      let started = false;
      let settled = false;
      worker.on('message', (message: FromWorker) => {
        if (message.kind === 'ready') {
          slot.ready = true;
          started = true;
          settled = true;
          resolve(ok(undefined));
        } else if (message.kind === 'refused') {
          settled = true;
          resolve(err(`worker ${index}: ${message.error}`));
        } else if (message.kind === 'failed') {
          const { tenant, version, cause } = message.failure;
          const script = registry.active(tenant);
          if (script?.version === version) registry.failed(script, cause);
          else {
            const old = registry.dialogScript(tenant, version);
            if (old !== undefined && old !== 'revoked') registry.failed(old, cause);
          }
        } else {
          const scrape = waiting.get(message.id);
          if (scrape === undefined) return;
          scrape.rows.push(message.rows);
          if (--scrape.left === 0) scrape.done();
        }
      });
      worker.on('error', (error) => log.error({ err: error, worker: index }, 'SIP worker thread failed'));
      worker.on('exit', (code) => {
        slot.ready = false;
        if (!started) {
          if (!settled) resolve(err(`worker ${index} exited with ${code} while starting`));
          settled = true;
          return;
        }
        if (closing) return;
        log.error({ worker: index, code }, `SIP worker thread ${index} exited: starting it again`);
        timers.timeout('worker-restart', RESTART_DELAY_MS, () => {
          if (closing) return;
          void spawn(index).then((again) => {
            if (!again.ok) log.error({ worker: index }, `SIP worker thread not restarted: ${again.error}`);
            else log.info({ worker: index }, 'SIP worker thread restarted');
          });
        });
      });
    });
  stops.add('SIP worker threads', async () => {
    closing = true;
    await Promise.all(
      slots.map(async (slot) => {
        const exited = new Promise<void>((resolve) => slot.worker.once('exit', () => resolve()));
        slot.worker.postMessage({ kind: 'stop' } satisfies ToWorker);
        const timer = setTimeout(() => void slot.worker.terminate(), STOP_WAIT_MS);
        await exited;
        clearTimeout(timer);
      }),
    );
  });
  for (const tenant of registry.tenantNames) sent.set(tenant, signature(tenant));
  // One after another: the stores' SQLite files are created and switched to WAL by the first one.
  for (let i = 0; i < count; i++) {
    const spawned = await spawn(i);
    if (!spawned.ok) return fail(spawned.error);
  }
  await release();
  // A change made while the workers started is in the next reconcile.
  reconcile();

  if (config.admin) {
    // The subscriber store is SQLite only (no copy in memory): what the admin API writes, every worker reads.
    const subscribers = SubscriberStore.open({
      dir: config.data_dir,
      maxSubscribers: config.auth.max_subscribers,
      storePasswords: config.auth.store_passwords,
    });
    if (!subscribers.ok) return fail(subscribers.error);
    const subscriberStore = subscribers.value;
    stops.add('subscriber store', () => subscriberStore.close());
    // Imported only with [admin], as in src/server.ts.
    const { startAdmin } = await import('../admin/index.ts');
    const startedAdmin = await startAdmin({
      config: config.admin,
      tenants: config.tenants,
      registry,
      subscribers: subscriberStore,
      sources: { threads: { keys: THREAD_KEYS, rows: gather } },
      log: log.child({ layer: 'admin' }),
    });
    if (!startedAdmin.ok) return fail(startedAdmin.error);
    stops.add('admin API', () => startedAdmin.value.close());
  }
  log.info({ workers: count }, 'SIP worker threads running');
  return ok({
    workers: () => slots.filter((s) => s.ready).map((s) => s.worker),
    close: stopAll,
    waitingFor: () => stops.waitingFor,
  });
}
