// This node's part in a cluster (docs/cluster.md): the deploys of the admin API go through Redis first
// (the cluster's numbers, blobs and active versions), every node follows the cluster's activations (an
// event on the channel, a catch-up at start, on reconnect and at every heartbeat), compiling before it
// swaps, and reports what it runs. A node that cannot load a version says so and keeps the one it runs.
// SIP traffic never waits on Redis: the registry serves the versions loaded here.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { CallbackGuard } from '../callback-guard.ts';
import type { ClusterConfig } from '../config/cluster-schema.ts';
import type {
  ActivateResult,
  ModuleStore,
  Registry,
  RegistryError,
  UploadResult,
  VersionNumbering,
} from '../registry/index.ts';
import { err, fail, ok, type Result } from '../result.ts';
import { ClusterConnection, type ClusterCounters } from './cluster-connection.ts';
import { clusterKeys } from './cluster-keys.ts';
import { type ClusterActivation, ClusterStore } from './cluster-store.ts';
import {
  type ApplyError,
  type ClusterStatus,
  clusterStatus,
  type NodeReport,
  nodeReport,
} from './node-report.ts';
import { VersionSync } from './version-sync.ts';

/** Upload, activate and rollback as the admin API calls them: the registry's, or the cluster's. */
export interface Deployer {
  upload(tenant: string, bytes: Uint8Array, how: { by: string; activate: boolean }): Promise<UploadResult>;
  activate(tenant: string, version: number, by: string): Promise<ActivateResult>;
  rollback(tenant: string, by: string): Promise<ActivateResult>;
}

export interface ClusterNodeOptions {
  readonly config: ClusterConfig;
  /** The node name when the config gives none. */
  readonly defaultName: string;
  /** This node's module store: its copy of the cluster's versions. */
  readonly store: ModuleStore;
  /** Versions kept per tenant (its `retain`), in this node's store and in the cluster. */
  readonly retain: (tenant: string) => number;
  readonly tenants: readonly string[];
  readonly log: Logger;
  readonly timers: CallbackGuard;
}

export class ClusterNode implements Deployer {
  readonly name: string;
  readonly #o: ClusterNodeOptions;
  readonly #connection: ClusterConnection;
  readonly #cluster: ClusterStore;
  readonly #sync: VersionSync;
  readonly #log: Logger;
  readonly #startedAt = new Date().toISOString();
  readonly #ttlMs: number;
  /** The cluster activation each tenant runs here. */
  readonly #applied = new Map<string, ClusterActivation>();
  /** The activation a tenant could not apply (not retried until another one comes). */
  readonly #failed = new Map<string, number>();
  readonly #errors = new Map<string, ApplyError>();
  /** Per tenant, the chain activations are applied in, one after the other. */
  readonly #chains = new Map<string, Promise<unknown>>();
  /** Tenants being changed by this node (an upload recording, an activation applied): no catch-up now. */
  readonly #busy = new Map<string, number>();
  /** Activations written with an upload, by `tenant/version`, until the upload has swapped. */
  readonly #recorded = new Map<string, ClusterActivation>();
  #registry: Registry | undefined;
  #transactions: () => number = () => 0;
  #stopHeartbeat: (() => void) | undefined;
  #pinKey: string | undefined;

  constructor(options: ClusterNodeOptions) {
    this.#o = options;
    this.name = options.config.node ?? options.defaultName;
    this.#log = options.log.child({ node: this.name });
    this.#ttlMs = options.config.node_ttl_ms ?? options.config.heartbeat_ms * 3;
    this.#connection = new ClusterConnection(
      options.config.redis,
      options.config.connect_timeout_ms,
      this.#log,
    );
    const prefix = options.config.prefix;
    this.#cluster = new ClusterStore(this.#connection.redis, clusterKeys(prefix), prefix, this.name);
    this.#sync = new VersionSync(this.#cluster, options.store, options.retain);
  }

  get counters(): ClusterCounters {
    return this.#connection.counters;
  }

  /** The command connection, for the stores kept in Redis (src/state/shared-store.ts). */
  get redis(): ClusterConnection['redis'] {
    return this.#connection.redis;
  }

  /**
   * Before the registry opens: waits for Redis (connect_timeout_ms), then copies each tenant's cluster
   * active version into this node's store and marks it active there, so the registry boots on it. Without
   * Redis the node starts on its own versions and catches up when Redis comes.
   */
  async seed(): Promise<void> {
    if (!(await this.#connection.waitReady(this.#o.config.connect_timeout_ms))) {
      this.#log.error(
        'cluster: Redis unreachable at start: starting on this node’s own versions, catching up when it comes',
      );
      return;
    }
    try {
      const actives = await this.#cluster.actives(this.#o.tenants);
      for (const [tenant, active] of actives) {
        if (!active) continue;
        const local = await this.#sync.ensureLocal(tenant, active.version);
        if (!local.ok) {
          this.#fail(active, local.error);
          continue;
        }
        if (this.#o.store.current(tenant)?.version !== active.version)
          this.#o.store.activate(tenant, active.version, active.kind, `${active.by}@${active.node}`);
        this.#recorded.set(`${tenant}/${active.version}`, active);
      }
    } catch (thrown) {
      this.#log.error({ err: (thrown as Error).message }, 'cluster: catching up at start failed');
    }
  }

  /** Numbers new versions in the cluster (the registry's hook: uploads and the initial import). */
  readonly numbering: VersionNumbering = async (tenant, version, bytes, activation) => {
    if (!this.#connection.up) return this.#unavailable('store a version');
    try {
      await this.#cluster.putBlob(version.sha256, bytes);
      const recorded = await this.#cluster.recordVersion(tenant, version, activation);
      if (recorded.activation) this.#recorded.set(`${tenant}/${recorded.version}`, recorded.activation);
      return ok(recorded.version);
    } catch (thrown) {
      return this.#unavailable('store a version', thrown);
    }
  };

  /** The dialog pin key every node shares: the first node's, kept in Redis; this node's own without it. */
  async pinKey(): Promise<Buffer | undefined> {
    const candidate = randomBytes(32).toString('hex');
    if (!this.#connection.up) return undefined;
    try {
      this.#pinKey = await this.#cluster.pinKey(candidate);
      return Buffer.from(this.#pinKey, 'hex');
    } catch {
      return undefined;
    }
  }

  /** After the registry opened: follows the cluster's activations and reports this node. */
  async attach(registry: Registry, transactions: () => number): Promise<void> {
    this.#registry = registry;
    this.#transactions = transactions;
    for (const tenant of registry.tenantNames) {
      const version = registry.active(tenant)?.version;
      const recorded = version === undefined ? undefined : this.#recorded.get(`${tenant}/${version}`);
      if (recorded) this.#applied.set(tenant, recorded);
    }
    this.#recorded.clear();
    registry.subscribe((event) => {
      if (event.kind === 'activation' && event.how === 'breaker' && !this.#busy.has(event.tenant))
        void this.#shareBreaker(event.tenant, event.version);
    });
    this.#connection.subscriber.on('message', (_channel: string, message: string) => {
      let activation: ClusterActivation;
      try {
        activation = JSON.parse(message) as ClusterActivation;
      } catch {
        return;
      }
      if (activation.node === this.name) return;
      this.counters.events++;
      void this.#schedule(activation, 'event');
    });
    // Queued until Redis is reachable (a start without Redis must not wait for it); sent again on reconnect.
    void this.#connection.subscriber.subscribe(clusterKeys(this.#o.config.prefix).events).catch(() => {});
    this.#connection.onReady(() => void this.#catchUp());
    const heartbeat = this.#o.timers.interval('cluster-heartbeat', this.#o.config.heartbeat_ms, () => {
      void this.#catchUp();
    });
    this.#stopHeartbeat = () => heartbeat.cancel();
    await this.#catchUp();
  }

  // ---- deploys (the admin API's) -------------------------------------------------------------------------

  async upload(
    tenant: string,
    bytes: Uint8Array,
    how: { by: string; activate: boolean },
  ): Promise<UploadResult> {
    const registry = this.#registry!;
    if (!this.#connection.up) return this.#unavailable('upload');
    this.#enter(tenant);
    let result: UploadResult;
    try {
      result = await registry.upload(tenant, bytes, how);
      if (result.ok) {
        const key = `${tenant}/${result.value.version.version}`;
        const activation = this.#recorded.get(key);
        this.#recorded.delete(key);
        if (activation && result.value.activated) this.#applied.set(tenant, activation);
      }
    } finally {
      this.#leave(tenant);
    }
    if (result.ok) await this.#pruneCluster(tenant);
    return result;
  }

  async activate(tenant: string, version: number, by: string): Promise<ActivateResult> {
    const registry = this.#registry!;
    if (!registry.hasTenant(tenant)) return registry.activate(tenant, version, by);
    if (!this.#connection.up) return this.#unavailable('activate');
    try {
      const current = (await this.#cluster.actives([tenant])).get(tenant);
      // Active already (perhaps blocked by this node's breaker): the registry decides.
      if (current?.version === version) {
        await this.#schedule(current, 'origin');
        return registry.activate(tenant, version, by);
      }
      const wrote = await this.#cluster.activate(tenant, version, 'activate', by);
      if (!wrote.ok) return this.#refused(tenant, version, wrote.error);
      return this.#schedule(wrote.activation, 'origin');
    } catch (thrown) {
      return this.#unavailable('activate', thrown);
    }
  }

  async rollback(tenant: string, by: string): Promise<ActivateResult> {
    const registry = this.#registry!;
    if (!registry.hasTenant(tenant)) return registry.rollback(tenant, by);
    if (!this.#connection.up) return this.#unavailable('roll back');
    try {
      const current = (await this.#cluster.actives([tenant])).get(tenant);
      const retained = new Set(await this.#cluster.versionNumbers(tenant));
      const target =
        current && (await this.#cluster.walkBack(tenant, current, (a) => retained.has(a.version)));
      if (!current || !target)
        return fail(
          'no-previous',
          `tenant '${tenant}' has no earlier cluster activation of a retained version to roll back to`,
        );
      const wrote = await this.#cluster.activate(tenant, target.version, 'rollback', by, {
        expected: current.id,
        previous: target.previous,
      });
      if (!wrote.ok) return this.#refused(tenant, target.version, wrote.error);
      return this.#schedule(wrote.activation, 'origin');
    } catch (thrown) {
      return this.#unavailable('roll back', thrown);
    }
  }

  // ---- status --------------------------------------------------------------------------------------------

  report(): NodeReport {
    return nodeReport(
      this.name,
      this.#startedAt,
      this.#registry!,
      this.#applied,
      this.#errors,
      this.#transactions(),
    );
  }

  /** Every node's last report and the cluster's active versions; undefined while Redis is down. */
  async status(): Promise<ClusterStatus | undefined> {
    if (!this.#connection.up) return undefined;
    return clusterStatus(this.#cluster, this.name, this.#registry?.tenantNames ?? [], this.#ttlMs).catch(
      () => undefined,
    );
  }

  async close(): Promise<void> {
    this.#stopHeartbeat?.();
    await this.#connection.close();
  }

  // ---- following the cluster -----------------------------------------------------------------------------

  /** Applies `activation` after the ones before it for its tenant. */
  #schedule(activation: ClusterActivation, how: 'event' | 'catch-up' | 'origin'): Promise<ActivateResult> {
    const tenant = activation.tenant;
    const previous = this.#chains.get(tenant) ?? Promise.resolve();
    const run = previous.then(() => this.#apply(activation, how));
    this.#chains.set(
      tenant,
      run.catch(() => {}),
    );
    return run;
  }

  async #apply(a: ClusterActivation, how: 'event' | 'catch-up' | 'origin'): Promise<ActivateResult> {
    const registry = this.#registry!;
    const { tenant, version } = a;
    if (!registry.hasTenant(tenant)) return fail('unknown-tenant', `no tenant is named '${tenant}' here`);
    if (this.#applied.get(tenant)?.id === a.id && registry.active(tenant)?.version === version)
      return registry.activate(tenant, version, a.by);
    const start = performance.now();
    this.#enter(tenant);
    try {
      const local = await this.#sync.ensureLocal(tenant, version);
      if (!local.ok) return this.#fail(a, local.error);
      const result = await registry.follow(tenant, version, a.kind, `${a.by}@${a.node}`);
      if (!result.ok) return this.#fail(a, result.error);
      // A breaker elsewhere tripped on the version replaced: never an automatic rollback target here either.
      if (a.kind === 'breaker' && result.value.from !== undefined && result.value.from !== version)
        this.#o.store.markTripped(tenant, result.value.from, `circuit breaker on node ${a.node}`);
      this.#applied.set(tenant, a);
      this.#failed.delete(tenant);
      this.#errors.delete(tenant);
      this.counters.applied++;
      if (how === 'catch-up') this.counters.caughtUp++;
      this.#log.info(
        {
          tenant,
          version,
          activation: a.id,
          kind: a.kind,
          from: a.node,
          how,
          applyMs: Math.round(performance.now() - start),
          sinceWrittenMs: Date.now() - Date.parse(a.at),
        },
        'cluster activation applied',
      );
      return result;
    } catch (thrown) {
      return this.#fail(a, { code: 'store', message: (thrown as Error).message });
    } finally {
      this.#leave(tenant);
    }
  }

  /** The node runs the cluster's active versions (start, reconnect, every heartbeat), then reports. */
  async #catchUp(): Promise<void> {
    const registry = this.#registry;
    if (!registry || !this.#connection.up) return;
    try {
      if (this.#pinKey !== undefined) await this.#cluster.pinKey(this.#pinKey);
      const actives = await this.#cluster.actives(registry.tenantNames);
      for (const [tenant, active] of actives) {
        if (this.#busy.has(tenant)) continue;
        if (!active) {
          await this.#reseed(tenant);
          continue;
        }
        if (this.#applied.get(tenant)?.id === active.id || this.#failed.get(tenant) === active.id) continue;
        if (registry.active(tenant)?.version === active.version && !this.#applied.has(tenant)) {
          this.#applied.set(tenant, active);
          continue;
        }
        await this.#schedule(active, 'catch-up');
      }
      await this.#cluster.report(this.report(), this.#ttlMs);
    } catch (thrown) {
      this.#log.warn({ err: (thrown as Error).message }, 'cluster: heartbeat failed');
    }
  }

  /** Redis lost the tenant (restarted without its data): this node's versions fill it again. */
  async #reseed(tenant: string): Promise<void> {
    const active = this.#registry!.active(tenant)?.version;
    if (active === undefined) return;
    const activation = await this.#sync.reseed(tenant, active);
    if (!activation) return;
    this.#applied.set(tenant, activation);
    this.#log.warn(
      { tenant, version: activation.version },
      'cluster: Redis had no version of this tenant: filled it from this node',
    );
  }

  /**
   * This node's breaker rolled `tenant` back to `to`: a version failing here fails everywhere, so the
   * rollback becomes the cluster's, unless the cluster moved on meanwhile.
   */
  async #shareBreaker(tenant: string, to: number): Promise<void> {
    const from = this.#applied.get(tenant);
    if (!from || !this.#connection.up) {
      this.#log.warn({ tenant, version: to }, 'cluster: the breaker rollback stays on this node (no Redis)');
      return;
    }
    try {
      // Undo as a rollback does: the activation that made `to` active names what comes before it.
      const before = await this.#cluster.walkBack(tenant, from, (a) => a.version === to);
      const wrote = await this.#cluster.activate(tenant, to, 'breaker', 'breaker', {
        expected: from.id,
        ...(before && { previous: before.previous }),
      });
      if (!wrote.ok) {
        this.#log.warn({ tenant, version: to }, 'cluster: breaker rollback not shared: the cluster moved on');
        return;
      }
      this.#applied.set(tenant, wrote.activation);
      this.#log.warn(
        { tenant, version: to, from: from.version },
        'cluster: circuit breaker rollback shared with every node',
      );
    } catch (thrown) {
      this.#log.error({ tenant, err: (thrown as Error).message }, 'cluster: breaker rollback not shared');
    }
  }

  async #pruneCluster(tenant: string): Promise<void> {
    try {
      const active = (await this.#cluster.actives([tenant])).get(tenant)?.version;
      const here = this.#registry!.active(tenant)?.version;
      const protect = new Set([active, here].filter((v): v is number => v !== undefined));
      const pruned = await this.#sync.pruneCluster(tenant, protect);
      if (pruned.length > 0) this.#log.info({ tenant, pruned }, 'cluster: old versions removed');
    } catch (thrown) {
      this.#log.warn({ tenant, err: (thrown as Error).message }, 'cluster: pruning old versions failed');
    }
  }

  #fail(a: ClusterActivation, error: RegistryError): Result<never, RegistryError> {
    const kept = this.#registry?.active(a.tenant)?.version;
    this.#failed.set(a.tenant, a.id);
    this.#errors.set(a.tenant, {
      version: a.version,
      activation: a.id,
      code: error.code,
      reason: error.message,
      at: new Date().toISOString(),
    });
    this.counters.failed++;
    this.#log.error(
      { tenant: a.tenant, version: a.version, activation: a.id, kept, code: error.code },
      `cluster: this node cannot load the cluster's active version, it keeps v${kept}: ${error.message}`,
    );
    return err({
      code: error.code,
      message: `the cluster's active version of '${a.tenant}' is now v${a.version}, but node ${this.name} cannot load it and keeps v${kept}: ${error.message}`,
    });
  }

  #refused(tenant: string, version: number, error: 'unknown-version' | 'conflict'): ActivateResult {
    return error === 'conflict'
      ? fail('conflict', `the cluster's active version of '${tenant}' changed meanwhile: retry`)
      : fail('unknown-version', `the cluster has no retained version ${version} of '${tenant}'`);
  }

  #unavailable(what: string, thrown?: unknown): Result<never, RegistryError> {
    this.counters.refused++;
    const why = thrown === undefined ? 'it is unreachable' : (thrown as Error).message;
    this.#log.warn({ what }, `cluster: ${what} refused: Redis: ${why}`);
    return fail(
      'cluster-unavailable',
      `cannot ${what}: the cluster's Redis (${redactUrl(this.#o.config.redis)}) cannot be reached (${why}); SIP traffic runs on the active versions, deploy again when Redis is back`,
    );
  }

  #enter(tenant: string): void {
    this.#busy.set(tenant, (this.#busy.get(tenant) ?? 0) + 1);
  }

  #leave(tenant: string): void {
    const n = (this.#busy.get(tenant) ?? 1) - 1;
    if (n === 0) this.#busy.delete(tenant);
    else this.#busy.set(tenant, n);
  }
}

/** The Redis URL without its password, for error texts. */
function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
