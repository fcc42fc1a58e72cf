// The registry: per tenant, the loaded module versions and the active one. Uploads are compiled in the
// worker, stored, and activated by one assignment (the next message selects the new version); old versions
// stay loaded while transactions pin them or a dialog grace period runs, then are unloaded. Every change is
// committed to the store before it takes effect, so a restart brings back the last activated version.
// It is also the core's ScriptGuard: the tenant's failure policy, the version fail-open runs on (kept
// loaded), and the circuit breaker that rolls a failing tenant back to its last good version.
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { FailurePolicy, ScriptGuard } from '../core/failure-policy.ts';
import type { Script } from '../core/script.ts';
import {
  createRunner,
  type FailureCause,
  ksrPackage,
  type Linker,
  type ModuleMeta,
  type ModuleRunner,
} from '../runtime/index.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import type { ModuleCompiler } from './compiler.ts';
import {
  type ActivateResult,
  type BreakerStatus,
  checkUsable,
  type RegistryError,
  type RegistryEvent,
  storeError,
  type TenantStatus,
  type UploadResult,
  type UploadTimings,
  unknownTenant,
  type VersionInfo,
} from './results.ts';
import type { ActivationKind, ActivationRecord, ModuleStore, VersionRecord } from './store.ts';
import type { TenantSpec } from './tenant-spec.ts';
import { VersionScript } from './version-script.ts';

export const WORLD = `${ksrPackage.name}/script@${ksrPackage.version}`;

export interface RegistryOptions {
  readonly tenants: readonly TenantSpec[];
  readonly store: ModuleStore;
  readonly compiler: ModuleCompiler;
  readonly linker: Linker;
  /** Registry events (uploads, activations, unloads). */
  readonly log: Logger;
  /** Parent of each version's script logger (bound to tenant and version); default `log`. */
  readonly scriptLog?: Logger;
}

export type OpenRegistryResult = { ok: true; registry: Registry } | { ok: false; error: string };

interface TenantState {
  readonly spec: TenantSpec;
  active: VersionScript | undefined;
  /** Loaded versions: the active one, older ones still pinned or in their dialog grace period, standby. */
  readonly loaded: Map<number, VersionScript>;
  readonly breaker: CircuitBreaker | undefined;
  /** The breaker tripped and its rollback is under way. */
  tripping: boolean;
  /** The last good version, kept loaded for fail-open tenants. */
  fallback: VersionScript | undefined;
  /** Bumped by every fallback refresh: only the latest one applies. */
  fallbackGeneration: number;
}

type LoadResult = { ok: true; script: VersionScript; meta: ModuleMeta } | { ok: false; error: RegistryError };

export class Registry implements ScriptGuard {
  readonly #tenants = new Map<string, TenantState>();
  readonly #store: ModuleStore;
  readonly #compiler: ModuleCompiler;
  readonly #linker: Linker;
  readonly #log: Logger;
  readonly #scriptLog: Logger;
  readonly #listeners = new Set<(event: RegistryEvent) => void>();
  /** Serializes store writes and swaps: each change sees the state the previous one left. */
  #lock: Promise<unknown> = Promise.resolve();

  private constructor(options: RegistryOptions) {
    this.#store = options.store;
    this.#compiler = options.compiler;
    this.#linker = options.linker;
    this.#log = options.log;
    this.#scriptLog = options.scriptLog ?? options.log;
    for (const spec of options.tenants) {
      this.#tenants.set(spec.name, {
        spec,
        active: undefined,
        loaded: new Map(),
        breaker: spec.breaker && new CircuitBreaker(spec.breaker),
        tripping: false,
        fallback: undefined,
        fallbackGeneration: 0,
      });
    }
  }

  /** Brings back each tenant's active version (falling back past corrupt ones), or imports its route. */
  static async open(options: RegistryOptions): Promise<OpenRegistryResult> {
    const registry = new Registry(options);
    for (const tenant of registry.#tenants.values()) {
      const error = await registry.#boot(tenant);
      if (error) return { ok: false, error };
      await registry.#refreshFallback(tenant);
    }
    return { ok: true, registry };
  }

  get tenantNames(): string[] {
    return [...this.#tenants.keys()];
  }

  hasTenant(tenant: string): boolean {
    return this.#tenants.has(tenant);
  }

  /** The script serving new messages of `tenant` now (the hot path: one map lookup). */
  active(tenant: string): VersionScript | undefined {
    return this.#tenants.get(tenant)?.active;
  }

  /** A loaded version still selectable for in-dialog requests (active or in its grace period). */
  dialogScript(tenant: string, version: number): VersionScript | undefined {
    const script = this.#tenants.get(tenant)?.loaded.get(version);
    return script?.inGrace ? script : undefined;
  }

  subscribe(listener: (event: RegistryEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Validates and compiles `bytes` off the event loop, stores them as the tenant's next version, and
   *  (with `activate`) makes it active. */
  async upload(
    tenant: string,
    bytes: Uint8Array,
    how: { by: string; activate: boolean },
  ): Promise<UploadResult> {
    const t = this.#tenants.get(tenant);
    if (!t) return this.#uploadFailed(tenant, unknownTenant(tenant));
    const start = performance.now();
    const compiled = await this.#compiler.compile(bytes, compileOptions(t.spec));
    if (!compiled.ok) return this.#uploadFailed(tenant, compiled.error);
    const meta = compiled.value.module.meta;
    const linkStart = performance.now();
    const linked = createRunner(compiled.value.module, this.#linker, runnerOptions(t.spec));
    if (!linked.ok) return this.#uploadFailed(tenant, linked.error);
    const linkMs = performance.now() - linkStart;

    return this.#exclusive(async () => {
      const storeStart = performance.now();
      const record = await this.#storeVersion(tenant, meta, bytes, how.by);
      if ('code' in record) return this.#uploadFailed(tenant, record);
      const storeMs = performance.now() - storeStart;
      this.#log.info(
        {
          tenant,
          version: record.version,
          sha256: meta.sha256,
          size: meta.size,
          abi: meta.path,
          by: how.by,
          ...meta.timings,
        },
        'version uploaded',
      );
      let commitMs = 0;
      let swapMs = 0;
      if (how.activate) {
        const script = this.#script(tenant, record.version, meta.sha256, linked.value);
        const swapped = this.#swap(t, script, 'activate', how.by);
        if (!swapped.ok) return this.#uploadFailed(tenant, swapped.error);
        ({ commitMs, swapMs } = swapped);
      }
      const pruned = await this.#prune(t);
      const workerMs =
        compiled.value.wallMs - meta.timings.validateMs - meta.timings.rewriteMs - meta.timings.compileMs;
      const timings: UploadTimings = {
        ...meta.timings,
        workerMs,
        linkMs,
        storeMs,
        commitMs,
        swapMs,
        totalMs: performance.now() - start,
      };
      this.#emit({ kind: 'upload', tenant, ok: true, timings });
      return {
        ok: true,
        version: this.#store.version(tenant, record.version) ?? record,
        activated: how.activate,
        path: meta.path,
        fallbackReason: meta.fallbackReason,
        timings,
        pruned,
      };
    });
  }

  /** Makes a retained version active (loading it from the store unless it is still loaded). */
  async activate(tenant: string, version: number, by: string): Promise<ActivateResult> {
    const t = this.#tenants.get(tenant);
    if (!t) return { ok: false, error: unknownTenant(tenant) };
    const record = this.#store.version(tenant, version);
    const unusable = checkUsable(tenant, version, record);
    if (unusable) return { ok: false, error: unusable };
    if (t.active?.version === version) {
      if (t.active.blocked) return this.#exclusive(async () => this.#reopen(t, by));
      return this.#unchanged(t);
    }
    return this.#switchTo(t, record!, 'activate', by, undefined);
  }

  /** Returns to the version active before the current one (repeated: further back, like undo). */
  async rollback(tenant: string, by: string): Promise<ActivateResult> {
    const t = this.#tenants.get(tenant);
    if (!t) return { ok: false, error: unknownTenant(tenant) };
    const current = this.#store.current(tenant);
    const target = this.#store.rollbackTarget(tenant);
    if (!current || !target) {
      return {
        ok: false,
        error: {
          code: 'no-previous',
          message: `tenant '${tenant}' has no earlier activation of a retained version to roll back to`,
        },
      };
    }
    const record = this.#store.version(tenant, target.version)!;
    return this.#switchTo(t, record, 'rollback', by, { expected: current.id, previous: target.previous });
  }

  // ---- ScriptGuard: what the core asks when a route failed ---------------------------------------------

  policy(script: Script): FailurePolicy {
    const t = this.#tenants.get(script.tenant);
    if (!t) throw new Error(`a script of unknown tenant '${script.tenant}'`);
    return t.spec.failurePolicy;
  }

  fallback(script: Script): Script | undefined {
    const fallback = this.#tenants.get(script.tenant)?.fallback;
    return fallback === script ? undefined : fallback;
  }

  failed(script: Script, cause: FailureCause): void {
    const t = this.#tenants.get(script.tenant);
    // Only the active version's failures count: a draining version or the fail-open one is not the
    // tenant's choice any more, and a blocked or tripping tenant is being handled.
    if (!t?.breaker || t.active !== script || t.tripping || t.active.blocked) return;
    if (t.breaker.record(performance.now())) this.#trip(t, t.active, cause);
  }

  /** Retained versions of a tenant, newest first, with what is loaded and pinned. */
  versions(tenant: string): VersionInfo[] | undefined {
    const t = this.#tenants.get(tenant);
    if (!t) return undefined;
    return this.#store.versions(tenant).map((v) => {
      const script = t.loaded.get(v.version);
      return {
        ...v,
        active: t.active?.version === v.version,
        loaded: script !== undefined,
        pins: script?.pins ?? 0,
      };
    });
  }

  status(tenant: string): TenantStatus | undefined {
    const t = this.#tenants.get(tenant);
    if (!t) return undefined;
    const current = this.#store.current(tenant);
    return {
      tenant,
      active: t.active?.version,
      activatedAt: current?.at,
      activatedBy: current?.by,
      activationKind: current?.kind,
      failurePolicy: t.spec.failurePolicy,
      fallback: t.fallback?.version,
      breaker: this.#breakerStatus(t),
      loaded: [...t.loaded.values()]
        .sort((a, b) => b.version - a.version)
        .map((s) => ({
          version: s.version,
          active: s.active,
          pins: s.pins,
          invocations: s.runner.stats.invocations,
          failures: s.runner.stats.failures,
          path: s.runner.module.meta.path,
          loadedAt: new Date(s.loadedAt).toISOString(),
          standby: s.standby,
        })),
      retained: this.#store.versions(tenant).length,
    };
  }

  /** The tenant's activations, newest first: how each version became active, when and by whom. */
  activations(tenant: string, limit?: number): ActivationRecord[] | undefined {
    return this.#tenants.has(tenant) ? this.#store.activations(tenant, limit) : undefined;
  }

  async close(): Promise<void> {
    await this.#exclusive(async () => {
      for (const t of this.#tenants.values()) {
        for (const s of t.loaded.values()) s.markUnloaded();
        t.loaded.clear();
        t.active = undefined;
      }
    });
  }

  // ---- internals ------------------------------------------------------------------------------------------

  async #boot(t: TenantState): Promise<string | undefined> {
    const name = t.spec.name;
    const current = this.#store.current(name);
    if (current) {
      // The active version, else the last good one before it, else the newest good one.
      const candidates: { record: VersionRecord; previous: number | undefined }[] = [];
      for (
        let a: ActivationRecord | undefined = current;
        a;
        a = a.previous === undefined ? undefined : this.#store.activation(a.previous)
      ) {
        const record = this.#store.version(name, a.version);
        if (record) candidates.push({ record, previous: a.previous });
      }
      for (const record of this.#store.versions(name)) candidates.push({ record, previous: current.id });
      const tried = new Set<number>();
      for (const { record, previous } of candidates) {
        if (tried.has(record.version)) continue;
        tried.add(record.version);
        if (record.state !== 'ready') {
          this.#log.error(
            { tenant: name, version: record.version, problem: record.problem },
            'stored version is corrupt: skipped',
          );
          continue;
        }
        const loaded = await this.#load(t, record);
        if (!loaded.ok) {
          this.#log.error(
            { tenant: name, version: record.version, code: loaded.error.code },
            `stored version does not load: ${loaded.error.message}`,
          );
          continue;
        }
        if (record.version === current.version) {
          t.active = loaded.script;
          loaded.script.activate();
          t.loaded.set(record.version, loaded.script);
          this.#log.info(
            { tenant: name, version: record.version, sha256: record.sha256, abi: loaded.meta.path },
            'active version restored',
          );
        } else {
          const swapped = this.#swap(t, loaded.script, 'fallback', 'boot', previous ?? null);
          if (!swapped.ok) return `tenant '${name}': ${swapped.error.message}`;
          this.#log.warn(
            { tenant: name, version: record.version, from: current.version },
            'active version unusable: fell back to the last good version',
          );
        }
        return undefined;
      }
      this.#log.error({ tenant: name }, 'no stored version of this tenant loads');
    }
    if (t.spec.route === undefined) {
      if (!current)
        this.#log.warn(
          { tenant: name },
          'tenant has no version yet: its messages are refused until one is deployed',
        );
      return undefined;
    }
    return this.#importRoute(t, t.spec.route);
  }

  /** Imports the configured route file as a new version and activates it. */
  async #importRoute(t: TenantState, path: string): Promise<string | undefined> {
    const name = t.spec.name;
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (err) {
      return `cannot read route ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`;
    }
    const compiled = await this.#compiler.compile(bytes, compileOptions(t.spec));
    if (!compiled.ok) return `route ${path} refused (${compiled.error.code}): ${compiled.error.message}`;
    const linked = createRunner(compiled.value.module, this.#linker, runnerOptions(t.spec));
    if (!linked.ok) return `route ${path} refused (${linked.error.code}): ${linked.error.message}`;
    const meta = compiled.value.module.meta;
    const record = await this.#storeVersion(name, meta, bytes, 'config');
    if ('code' in record) return `tenant '${name}': ${record.message}`;
    const script = this.#script(name, record.version, meta.sha256, linked.value);
    const swapped = this.#swap(t, script, 'initial', 'config');
    if (!swapped.ok) return `tenant '${name}': ${swapped.error.message}`;
    this.#log.info(
      {
        tenant: name,
        version: record.version,
        path,
        sha256: meta.sha256,
        size: meta.size,
        abi: meta.path,
        imports: meta.imports.length,
      },
      'route loaded',
    );
    return undefined;
  }

  /** Compiles a stored version in the worker and links it; the script is not yet active. */
  async #load(t: TenantState, record: VersionRecord): Promise<LoadResult> {
    const name = t.spec.name;
    let bytes: Uint8Array | undefined;
    try {
      bytes = await this.#store.readBlob(record.sha256);
    } catch (err) {
      return { ok: false, error: storeError(`read ${name} v${record.version}`, err) };
    }
    if (!bytes) return this.#corrupt(record, 'file missing');
    const compiled = await this.#compiler.compile(bytes, compileOptions(t.spec));
    if (!compiled.ok) return { ok: false, error: compiled.error };
    const meta = compiled.value.module.meta;
    if (meta.sha256 !== record.sha256) return this.#corrupt(record, `content hash is ${meta.sha256}`);
    const linked = createRunner(compiled.value.module, this.#linker, runnerOptions(t.spec));
    if (!linked.ok) return { ok: false, error: linked.error };
    return { ok: true, script: this.#script(name, record.version, record.sha256, linked.value), meta };
  }

  /** Stores the bytes durably, then records them as the tenant's next version. */
  async #storeVersion(
    tenant: string,
    meta: ModuleMeta,
    bytes: Uint8Array,
    by: string,
  ): Promise<VersionRecord | RegistryError> {
    try {
      await this.#store.putBlob(meta.sha256, bytes);
      return this.#store.addVersion(tenant, {
        sha256: meta.sha256,
        size: meta.size,
        world: WORLD,
        createdBy: by,
      });
    } catch (err) {
      return storeError(`store a version of '${tenant}'`, err);
    }
  }

  #script(tenant: string, version: number, sha256: string, runner: ModuleRunner): VersionScript {
    const log = this.#scriptLog.child({ tenant, version });
    return new VersionScript(tenant, version, sha256, runner, log, this.#onIdle);
  }

  #corrupt(record: VersionRecord, problem: string): LoadResult {
    this.#store.markCorrupt(record.tenant, record.version, problem);
    this.#log.error({ tenant: record.tenant, version: record.version, problem }, 'stored version is corrupt');
    return {
      ok: false,
      error: { code: 'corrupt', message: `${record.tenant} v${record.version} is corrupt: ${problem}` },
    };
  }

  /** Loads (unless loaded) and activates `record`; a rollback also checks nothing moved meanwhile. */
  async #switchTo(
    t: TenantState,
    record: VersionRecord,
    kind: ActivationKind,
    by: string,
    rollback: { expected: number; previous: number | undefined } | undefined,
  ): Promise<ActivateResult> {
    const name = t.spec.name;
    const loadStart = performance.now();
    let script = t.loaded.get(record.version);
    if (!script) {
      const loaded = await this.#load(t, record);
      if (!loaded.ok) return { ok: false, error: loaded.error };
      script = loaded.script;
    }
    const loadMs = performance.now() - loadStart;
    return this.#exclusive(async () => {
      if (rollback && this.#store.current(name)?.id !== rollback.expected) {
        return {
          ok: false,
          error: {
            code: 'conflict',
            message: `the active version of '${name}' changed during the rollback: retry`,
          },
        };
      }
      const still = checkUsable(name, record.version, this.#store.version(name, record.version));
      if (still) return { ok: false, error: still };
      if (t.active?.version === record.version) return this.#unchanged(t);
      const from = t.active?.version;
      const swapped = this.#swap(t, script, kind, by, rollback ? (rollback.previous ?? null) : undefined);
      if (!swapped.ok) return swapped;
      return {
        ok: true,
        tenant: name,
        from,
        to: record.version,
        changed: true,
        timings: { loadMs, commitMs: swapped.commitMs, swapMs: swapped.swapMs },
      };
    });
  }

  /** Commits the activation, then switches: from the next message on, `script` serves the tenant. */
  #swap(
    t: TenantState,
    script: VersionScript,
    kind: ActivationKind,
    by: string,
    /** The activation a later rollback returns to; default: the one being replaced. */
    previous?: number | null,
  ): { ok: true; commitMs: number; swapMs: number } | { ok: false; error: RegistryError } {
    const name = t.spec.name;
    const commitStart = performance.now();
    try {
      this.#store.activate(name, script.version, kind, by, previous);
      // An operator's choice: the version may be rolled back to again even if the breaker tripped on it.
      if (kind === 'activate' || kind === 'rollback') this.#store.clearTrip(name, script.version);
    } catch (err) {
      return { ok: false, error: storeError(`activate ${name} v${script.version}`, err) };
    }
    const swapStart = performance.now();
    const old = t.active;
    t.loaded.set(script.version, script);
    t.active = script;
    script.unblock();
    script.activate();
    // Before the old version is let go: when it is the new fail-open version it stays loaded (the refresh
    // runs synchronously up to its first await, which a loaded version never reaches).
    void this.#refreshFallback(t);
    old?.deactivate(t.spec.dialogGraceMs);
    t.breaker?.reset();
    const swapMs = performance.now() - swapStart;
    this.#log.info(
      { tenant: name, version: script.version, from: old?.version, kind, by },
      'version activated',
    );
    this.#emit({ kind: 'activation', tenant: name, how: kind, version: script.version });
    if (old?.blocked) this.#cleared(t, script, by);
    return { ok: true, commitMs: swapStart - commitStart, swapMs };
  }

  // ---- circuit breaker and fail-open version ------------------------------------------------------------

  /**
   * The breaker tripped on the active version: it is marked (never a rollback target again until an
   * operator activates it) and the tenant rolls back to its last good version, the most recent earlier
   * activation whose version the breaker never tripped on; with none, the tenant answers fail-closed.
   * Each trip marks one more version, so automatic rollbacks end once the good versions are used up.
   */
  #trip(t: TenantState, script: VersionScript, cause: FailureCause): void {
    const name = t.spec.name;
    const settings = t.breaker!.settings;
    const reply = t.spec.failurePolicy.reply;
    t.tripping = true;
    try {
      this.#store.markTripped(name, script.version, cause);
    } catch (err) {
      this.#log.error({ tenant: name, err: (err as Error).message }, 'cannot record the breaker trip');
    }
    const current = this.#store.current(name);
    const tripped = this.#trippedVersions(name);
    const target = this.#store.rollbackTarget(name, (v) => !tripped.has(v.version));
    const fields = {
      tenant: name,
      version: script.version,
      cause,
      failures: settings.failures,
      windowS: settings.windowMs / 1000,
    };
    const failClosed = (why: string) => {
      script.block(reply);
      t.tripping = false;
      this.#log.error(
        fields,
        `circuit breaker tripped: ${why}; requests get ${reply.status} ${reply.reason} until an operator activates a version`,
      );
      this.#emit({ kind: 'breaker', tenant: name, version: script.version, outcome: 'fail-closed' });
    };
    if (current === undefined || target === undefined) {
      failClosed('no good version to roll back to');
      return;
    }
    this.#log.error(
      { ...fields, to: target.version },
      `circuit breaker tripped: rolling back to v${target.version}, the last good version`,
    );
    const record = this.#store.version(name, target.version)!;
    const rollback = { expected: current.id, previous: target.previous };
    void this.#switchTo(t, record, 'breaker', 'breaker', rollback)
      .then((result) => {
        t.tripping = false;
        if (result.ok) {
          this.#emit({
            kind: 'breaker',
            tenant: name,
            version: script.version,
            outcome: 'rollback',
            to: target.version,
          });
        } else if (t.active === script) failClosed(`the rollback failed (${result.error.message})`);
      })
      .catch((err: unknown) => {
        t.tripping = false;
        this.#log.error({ tenant: name, err: (err as Error).message }, 'breaker rollback failed: a bug');
      });
  }

  /** An operator activated the blocked active version again: the breaker starts afresh. */
  #reopen(t: TenantState, by: string): ActivateResult {
    const script = t.active!;
    const name = t.spec.name;
    try {
      this.#store.activate(name, script.version, 'activate', by);
      this.#store.clearTrip(name, script.version);
    } catch (err) {
      return { ok: false, error: storeError(`activate ${name} v${script.version}`, err) };
    }
    script.unblock();
    t.breaker?.reset();
    this.#emit({ kind: 'activation', tenant: name, how: 'activate', version: script.version });
    this.#cleared(t, script, by);
    void this.#refreshFallback(t);
    return {
      ok: true,
      tenant: name,
      from: script.version,
      to: script.version,
      changed: true,
      timings: { loadMs: 0, commitMs: 0, swapMs: 0 },
    };
  }

  #cleared(t: TenantState, script: VersionScript, by: string): void {
    this.#log.warn(
      { tenant: t.spec.name, version: script.version, by },
      'circuit breaker cleared: an operator activated a version',
    );
    this.#emit({ kind: 'breaker', tenant: t.spec.name, version: script.version, outcome: 'cleared' });
  }

  #trippedVersions(tenant: string): Set<number> {
    return new Set(this.#store.trips(tenant).map((trip) => trip.version));
  }

  /**
   * Loads the version fail-open runs failed routes on (the rollback target: the last good version) and
   * keeps it loaded; only the latest of overlapping refreshes applies.
   */
  async #refreshFallback(t: TenantState): Promise<void> {
    if (t.spec.failurePolicy.mode !== 'fail-open') return;
    const generation = ++t.fallbackGeneration;
    const name = t.spec.name;
    const tripped = this.#trippedVersions(name);
    const target = this.#store.rollbackTarget(name, (v) => !tripped.has(v.version));
    let script = target === undefined ? undefined : t.loaded.get(target.version);
    if (target !== undefined && script === undefined) {
      const loaded = await this.#load(t, this.#store.version(name, target.version)!);
      if (loaded.ok) script = loaded.script;
      else {
        this.#log.error(
          { tenant: name, version: target.version, code: loaded.error.code },
          `the fail-open version does not load: ${loaded.error.message}`,
        );
      }
    }
    if (generation !== t.fallbackGeneration || script === t.fallback) return;
    const old = t.fallback;
    t.fallback = script;
    if (script) {
      t.loaded.set(script.version, script);
      script.setStandby(true);
    }
    old?.setStandby(false);
    this.#log.info(
      { tenant: name, version: script?.version, active: t.active?.version },
      script ? 'fail-open version ready' : 'no fail-open version: failed routes get the fail-closed reply',
    );
  }

  #breakerStatus(t: TenantState): BreakerStatus {
    const b = t.breaker;
    const tripped = this.#store.trips(t.spec.name);
    if (!b) return { state: 'off', failures: undefined, windowS: undefined, recent: 0, tripped };
    return {
      state: t.active?.blocked ? 'open' : t.tripping ? 'tripping' : 'closed',
      failures: b.settings.failures,
      windowS: b.settings.windowMs / 1000,
      recent: b.recent(performance.now()),
      tripped,
    };
  }

  #unchanged(t: TenantState): ActivateResult {
    const v = t.active!.version;
    return {
      ok: true,
      tenant: t.spec.name,
      from: v,
      to: v,
      changed: false,
      timings: { loadMs: 0, commitMs: 0, swapMs: 0 },
    };
  }

  async #prune(t: TenantState): Promise<number[]> {
    const protect = new Set<number>(t.active ? [t.active.version] : []);
    try {
      const pruned = await this.#store.prune(t.spec.name, t.spec.retain, protect);
      if (pruned.length > 0)
        this.#log.info({ tenant: t.spec.name, pruned, retain: t.spec.retain }, 'old versions removed');
      return pruned;
    } catch (err) {
      this.#log.error({ tenant: t.spec.name, err: (err as Error).message }, 'pruning old versions failed');
      return [];
    }
  }

  readonly #onIdle = (script: VersionScript): void => {
    const t = this.#tenants.get(script.tenant);
    if (!t || t.loaded.get(script.version) !== script || t.active === script) return;
    t.loaded.delete(script.version);
    script.markUnloaded();
    script.log.info({ invocations: script.runner.stats.invocations }, 'version unloaded');
    this.#emit({ kind: 'unload', tenant: script.tenant, version: script.version });
  };

  #uploadFailed(tenant: string, error: RegistryError): UploadResult {
    this.#log.warn({ tenant, code: error.code }, `upload refused: ${error.message}`);
    this.#emit({ kind: 'upload', tenant, ok: false, code: error.code });
    return { ok: false, error };
  }

  #emit(event: RegistryEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  #exclusive<T>(body: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(body, body);
    this.#lock = run.catch(() => {});
    return run;
  }
}

function compileOptions(spec: TenantSpec) {
  return { limits: spec.moduleLimits, ...(spec.capabilities && { capabilities: spec.capabilities }) };
}

function runnerOptions(spec: TenantSpec) {
  return { limits: spec.invocationLimits, ...(spec.capabilities && { capabilities: spec.capabilities }) };
}
