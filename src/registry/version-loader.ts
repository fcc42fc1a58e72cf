// Turns bytes into a runnable version and back: compiles in the worker and links under the tenant's
// capabilities, stores a new version durably, loads a stored one (checking its content hash), and unloads a
// version once nothing holds it any more (not active, no pins, no dialog grace, not the fail-open standby).
import type { Logger } from 'pino';
import type { CallbackGuard } from '../callback-guard.ts';
import { err, fail, ok, type Result } from '../result.ts';
import {
  type CompiledModule,
  createRouteRunner,
  ksrPackage,
  type Linker,
  type ModuleMeta,
  type RouteRunner,
} from '../runtime/index.ts';
import type { ModuleCompiler } from './compiler.ts';
import { ManagedScript } from './managed-script.ts';
import type { TenantState } from './registry-context.ts';
import { type RegistryError, type RegistryEvent, storeError } from './results.ts';
import type { ModuleStore, NewVersion } from './store.ts';
import type { ActivationKind, VersionRecord } from './store-schema.ts';
import type { TenantSpec } from './tenant-spec.ts';

export const WORLD = `${ksrPackage.name}/script@${ksrPackage.version}`;

/** Compiled and linked bytes, not yet a version. */
export interface Prepared {
  readonly meta: ModuleMeta;
  readonly runner: RouteRunner;
  /** The worker round trip of the compile. */
  readonly wallMs: number;
  /** This compile's steps: zero when it shared an earlier compile's module (compiler.ts). */
  readonly timings: ModuleMeta['timings'];
  readonly linkMs: number;
}

/** A stored version loaded as a script (not yet active). */
export interface Loaded {
  readonly script: ManagedScript;
  readonly meta: ModuleMeta;
}

export interface VersionLoaderOptions {
  readonly store: ModuleStore;
  readonly compiler: ModuleCompiler;
  readonly linker: Linker;
  readonly log: Logger;
  /** Parent of each version's script logger (bound to tenant and version). */
  readonly scriptLog: Logger;
  /** A tenant's own level (config tenants[].log_level), over scriptLog's. */
  readonly scriptLogLevels: Readonly<Record<string, string>>;
  readonly tenant: (name: string) => TenantState | undefined;
  readonly emit: (event: RegistryEvent) => void;
  /** Schedules each version's dialog grace timer. */
  readonly timers: CallbackGuard;
  /** Numbers new versions when several nodes share them (src/cluster/); absent: the store numbers them. */
  readonly numbering?: VersionNumbering;
}

/**
 * Stores a new version where every node finds it and gives it its cluster-wide number; with `activation`
 * the version becomes the cluster's active one in the same atomic step.
 */
export type VersionNumbering = (
  tenant: string,
  version: NewVersion,
  bytes: Uint8Array,
  activation: ActivationKind | undefined,
) => Promise<Result<number, RegistryError>>;

export class VersionLoader {
  readonly #o: VersionLoaderOptions;

  constructor(options: VersionLoaderOptions) {
    this.#o = options;
  }

  /** Compiles `bytes` off the event loop and links them for the tenant. */
  async prepare(spec: TenantSpec, bytes: Uint8Array): Promise<Result<Prepared, RegistryError>> {
    const compiled = await this.#compile(spec, bytes, false);
    if (!compiled.ok) return compiled;
    const linkStart = performance.now();
    const linked = this.#link(spec, compiled.value.module);
    if (!linked.ok) return linked;
    const { module, wallMs, shared } = compiled.value;
    const timings = shared ? { validateMs: 0, rewriteMs: 0, compileMs: 0 } : module.meta.timings;
    return ok({
      meta: module.meta,
      runner: linked.value,
      wallMs,
      timings,
      linkMs: performance.now() - linkStart,
    });
  }

  /**
   * Compiles a stored version in the worker and links it; the script is not yet active. `urgent` (the
   * breaker's rollback, the fail-open version) compiles in the lane that never waits behind uploads.
   */
  async load(t: TenantState, record: VersionRecord, urgent = false): Promise<Result<Loaded, RegistryError>> {
    const name = t.spec.name;
    let bytes: Uint8Array | undefined;
    try {
      bytes = await this.#o.store.readBlob(record.sha256);
    } catch (thrown) {
      return err(storeError(`read ${name} v${record.version}`, thrown));
    }
    if (!bytes) return this.#corrupt(record, 'file missing');
    const compiled = await this.#compile(t.spec, bytes, urgent);
    if (!compiled.ok) return compiled;
    const { meta } = compiled.value.module;
    if (meta.sha256 !== record.sha256) return this.#corrupt(record, `content hash is ${meta.sha256}`);
    const linked = this.#link(t.spec, compiled.value.module);
    if (!linked.ok) return linked;
    return ok({ script: this.script(name, record.version, record.sha256, linked.value), meta });
  }

  /**
   * Stores the bytes durably, then records them as the tenant's next version. With a cluster, the cluster
   * stores and numbers it first (`activation`: it is activated there in the same step).
   */
  async store(
    tenant: string,
    meta: ModuleMeta,
    bytes: Uint8Array,
    by: string,
    activation?: ActivationKind,
  ): Promise<Result<VersionRecord, RegistryError>> {
    const { store, numbering } = this.#o;
    const v = { sha256: meta.sha256, size: meta.size, world: WORLD, createdBy: by };
    let number: number | undefined;
    if (numbering) {
      const numbered = await numbering(tenant, v, bytes, activation);
      if (!numbered.ok) return numbered;
      number = numbered.value;
    }
    try {
      await store.putBlob(meta.sha256, bytes);
      return ok(store.addVersion(tenant, v, number));
    } catch (thrown) {
      return err(storeError(`store a version of '${tenant}'`, thrown));
    }
  }

  script(tenant: string, version: number, sha256: string, runner: RouteRunner): ManagedScript {
    const level = this.#o.scriptLogLevels[tenant];
    const log = this.#o.scriptLog.child({ tenant, version }, level === undefined ? undefined : { level });
    return new ManagedScript(tenant, version, sha256, runner, log, this.#onIdle, this.#o.timers);
  }

  async #compile(
    spec: TenantSpec,
    bytes: Uint8Array,
    urgent: boolean,
  ): Promise<Result<{ module: CompiledModule; wallMs: number; shared: boolean }, RegistryError>> {
    const options = {
      limits: spec.moduleLimits,
      ...(spec.capabilities && { capabilities: spec.capabilities }),
    };
    return this.#o.compiler.compile(bytes, options, { tenant: spec.name, urgent });
  }

  #link(spec: TenantSpec, module: CompiledModule): Result<RouteRunner, RegistryError> {
    const options = {
      limits: spec.invocationLimits,
      ...(spec.capabilities && { capabilities: spec.capabilities }),
    };
    return createRouteRunner(module, this.#o.linker, options);
  }

  #corrupt(record: VersionRecord, problem: string): Result<never, RegistryError> {
    this.#o.store.markCorrupt(record.tenant, record.version, problem);
    this.#o.log.error(
      { tenant: record.tenant, version: record.version, problem },
      'stored version is corrupt',
    );
    return fail('corrupt', `${record.tenant} v${record.version} is corrupt: ${problem}`);
  }

  readonly #onIdle = (script: ManagedScript): void => {
    const t = this.#o.tenant(script.tenant);
    if (!t || t.loaded.get(script.version) !== script || t.active === script) return;
    t.loaded.delete(script.version);
    script.markUnloaded();
    script.log.info({ invocations: script.runner.stats.invocations }, 'version unloaded');
    this.#o.emit({ kind: 'unload', tenant: script.tenant, version: script.version });
  };
}
