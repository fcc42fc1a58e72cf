// The registry: per tenant, the loaded module versions and the active one. This is the facade the server,
// the selector and the admin API use; upload, activation, boot, the breaker's trip and the fail-open
// version are each in their own file (README.md has the table), as functions over registry-context.ts.
// Every change is committed to the store before it takes effect, so a restart brings back the last
// activated version. The registry is also the router's ScriptGuard: the tenant's failure policy, its
// fail-open version, and the failure count of its circuit breaker.

import type { Logger } from 'pino';
import { CallbackGuard } from '../callback-guard.ts';
import { err, ok, type Result } from '../result.ts';
import type { FailurePolicy, ScriptGuard } from '../router/failure-policy.ts';
import type { Script } from '../router/script.ts';
import type { FailureCause, Linker } from '../runtime/index.ts';
import { activate, rollback, switchTo } from './activation.ts';
import { boot, moduleFiles } from './boot.ts';
import { revokeFailing, trip } from './breaker-trip.ts';
import type { SharedFailures } from './circuit-breaker.ts';
import type { ModuleCompiler } from './compiler.ts';
import { refreshFallback } from './fail-open.ts';
import type { ManagedScript } from './managed-script.ts';
import { type RegistryContext, serializer, type TenantState, tenantState } from './registry-context.ts';
import {
  type ActivateResult,
  type RegistryEvent,
  type UploadResult,
  unknownTenant,
  usable,
} from './results.ts';
import type { ModuleStore } from './store.ts';
import type { ActivationKind, ActivationRecord } from './store-schema.ts';
import type { TenantSpec } from './tenant-spec.ts';
import { type TenantStatus, tenantStatus, type VersionInfo, versionInfos } from './tenant-status.ts';
import { dialogScriptOf, fallbackOf, policyOf } from './tenant-versions.ts';
import { upload } from './upload.ts';
import { VersionLoader, type VersionNumbering } from './version-loader.ts';

export interface RegistryOptions {
  readonly tenants: readonly TenantSpec[];
  readonly store: ModuleStore;
  readonly compiler: ModuleCompiler;
  readonly linker: Linker;
  /** Registry events (uploads, activations, unloads). */
  readonly log: Logger;
  /** Parent of each version's script logger (bound to tenant and version); default `log`. */
  readonly scriptLog?: Logger;
  /** Log levels of tenants whose script lines are written at another level than `scriptLog`'s. */
  readonly scriptLogLevels?: Readonly<Record<string, string>>;
  /** Where timers are scheduled, guarded (src/callback-guard.ts); default: one of the registry's own. */
  readonly timers?: CallbackGuard;
  /** Several nodes: the cluster stores and numbers new versions (src/cluster/); absent: this store does. */
  readonly numbering?: VersionNumbering;
  /** Several nodes: failures of the active version also counted cluster-wide (docs/cluster.md, "breaker"). */
  readonly sharedFailures?: SharedFailures;
}

export class Registry implements ScriptGuard {
  readonly #tenants = new Map<string, TenantState>();
  readonly #listeners = new Set<(event: RegistryEvent) => void>();
  readonly #ctx: RegistryContext;
  readonly #sharedFailures: SharedFailures | undefined;

  private constructor(options: RegistryOptions) {
    this.#sharedFailures = options.sharedFailures;
    const { store, log } = options;
    const emit = (event: RegistryEvent): void => {
      for (const listener of this.#listeners) listener(event);
    };
    const loader = new VersionLoader({
      store,
      compiler: options.compiler,
      linker: options.linker,
      log,
      scriptLog: options.scriptLog ?? log,
      scriptLogLevels: options.scriptLogLevels ?? {},
      tenant: (name) => this.#tenants.get(name),
      emit,
      timers: options.timers ?? new CallbackGuard(log),
      ...(options.numbering && { numbering: options.numbering }),
    });
    this.#ctx = { store, loader, log, emit, exclusive: serializer() };
    for (const spec of options.tenants) this.#tenants.set(spec.name, tenantState(spec));
  }

  /**
   * Brings back each tenant's active version (falling back past corrupt ones), or imports its module. The
   * error is a start-up message for the operator.
   */
  static async open(options: RegistryOptions): Promise<Result<Registry, string>> {
    const registry = new Registry(options);
    const files = moduleFiles();
    for (const tenant of registry.#tenants.values()) {
      const booted = await boot(registry.#ctx, tenant, files);
      if (!booted.ok) return booted;
      await refreshFallback(registry.#ctx, tenant);
    }
    return ok(registry);
  }

  get tenantNames(): string[] {
    return [...this.#tenants.keys()];
  }

  hasTenant(tenant: string): boolean {
    return this.#tenants.has(tenant);
  }

  /** The script serving new messages of `tenant` now (the hot path: one map lookup). */
  active(tenant: string): ManagedScript | undefined {
    return this.#tenants.get(tenant)?.active;
  }

  /**
   * A loaded version still selectable for in-dialog requests (active, or replaced and in its grace
   * period), or `revoked` when it was removed for failing; undefined when it is gone.
   */
  dialogScript(tenant: string, version: number): ManagedScript | 'revoked' | undefined {
    return dialogScriptOf(this.#tenants.get(tenant), version);
  }

  subscribe(listener: (event: RegistryEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Validates and compiles `bytes` off the event loop, stores them as the tenant's next version, and
   *  (with `activate`) makes it active. */
  upload(tenant: string, bytes: Uint8Array, how: { by: string; activate: boolean }): Promise<UploadResult> {
    return upload(this.#ctx, this.#tenants.get(tenant), tenant, bytes, how);
  }

  /** Makes a retained version active (loading it from the store unless it is still loaded). */
  activate(tenant: string, version: number, by: string): Promise<ActivateResult> {
    return activate(this.#ctx, this.#tenants.get(tenant), tenant, version, by);
  }

  /** Returns to the version active before the current one (repeated: further back, like undo). */
  rollback(tenant: string, by: string): Promise<ActivateResult> {
    return rollback(this.#ctx, this.#tenants.get(tenant), tenant, by);
  }

  /**
   * Makes here the version another node made the cluster's active one (src/cluster/), as that node did:
   * `activate` as an operator's activation, `rollback` and `breaker` revoking the replaced version's
   * dialog grace. The version must be in this node's store; it is compiled before the swap.
   */
  follow(tenant: string, version: number, kind: ActivationKind, by: string): Promise<ActivateResult> {
    const t = this.#tenants.get(tenant);
    if (!t) return Promise.resolve(err(unknownTenant(tenant)));
    if (kind === 'activate' || t.active?.version === version) return this.activate(tenant, version, by);
    const record = usable(tenant, version, this.#ctx.store.version(tenant, version));
    if (!record.ok) return Promise.resolve(record);
    return switchTo(this.#ctx, t, record.value, kind, by, undefined);
  }

  // ---- ScriptGuard: what the router asks when a route failed ---------------------------------------------

  /**
   * The failure policy of the script's tenant. Every script the registry serves has its tenant here; any
   * other gets the default (fail-closed), the answer that lets nothing through.
   */
  policy(script: Script): FailurePolicy {
    return policyOf(this.#tenants.get(script.tenant));
  }

  fallback(script: Script): Script | undefined {
    return fallbackOf(this.#tenants.get(script.tenant), script);
  }

  failed(script: Script, cause: FailureCause): void {
    const t = this.#tenants.get(script.tenant);
    if (!t) return;
    if (t.active !== script) {
      this.#failedInactive(t, script, cause);
      return;
    }
    // A blocked or tripping tenant is being handled.
    if (!t.breaker || t.tripping || t.active.blocked) return;
    if (t.breaker.record(performance.now())) {
      trip(this.#ctx, t, t.active, cause);
      return;
    }
    // The cluster's count: this node trips when all nodes' failures reached the threshold together.
    const active = t.active;
    void this.#sharedFailures?.report(t.spec.name, active.version, t.breaker.settings).then((reached) => {
      if (reached && t.active === active && !t.tripping && !active.blocked) trip(this.#ctx, t, active, cause);
    });
  }

  /**
   * A replaced (or fail-open) version failed: counted, and by its own breaker with the tenant's settings;
   * when that trips, the version is marked as the breaker marks an active one and loses its grace, so
   * in-dialog requests naming it go to the active version.
   */
  #failedInactive(t: TenantState, script: Script, cause: FailureCause): void {
    t.inactiveFailures++;
    const managed = t.loaded.get(script.version);
    if (!t.breaker || managed !== script || managed.revoked) return;
    if (managed.recordInactiveFailure(t.breaker.settings, performance.now()))
      revokeFailing(this.#ctx, t, managed, cause);
  }

  // ---- queries ------------------------------------------------------------------------------------------

  /** Retained versions of a tenant, newest first, with what is loaded and pinned. */
  versions(tenant: string): VersionInfo[] | undefined {
    const t = this.#tenants.get(tenant);
    return t && versionInfos(this.#ctx, t);
  }

  status(tenant: string): TenantStatus | undefined {
    const t = this.#tenants.get(tenant);
    return t && tenantStatus(this.#ctx, t);
  }

  /** The tenant's activations, newest first: how each version became active, when and by whom. */
  activations(tenant: string, limit?: number): ActivationRecord[] | undefined {
    return this.#tenants.has(tenant) ? this.#ctx.store.activations(tenant, limit) : undefined;
  }

  async close(): Promise<void> {
    await this.#ctx.exclusive(async () => {
      for (const t of this.#tenants.values()) {
        for (const s of t.loaded.values()) s.markUnloaded();
        t.loaded.clear();
        t.active = undefined;
      }
    });
  }
}
