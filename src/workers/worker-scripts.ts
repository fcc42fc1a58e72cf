// A SIP worker thread's copy of the registry (docs/workers.md): the primary thread compiles, activates,
// rolls back and trips breakers; it posts each tenant's view (active version, fail-open version, what is
// revoked) with the compiled WebAssembly modules, and each worker links its own instances and swaps at
// once. Transactions keep the version they started on, as in one thread (ManagedScript pins and grace).
// Failed invocations are reported to the primary, whose breaker counts those of every worker.
import type { Logger } from 'pino';
import type { CallbackGuard } from '../callback-guard.ts';
import { ManagedScript } from '../registry/managed-script.ts';
import type { TenantSpec } from '../registry/tenant-spec.ts';
import { err, OK, ok, type Result } from '../result.ts';
import {
  DEFAULT_FAILURE_POLICY,
  type FailurePolicy,
  type FailureReply,
  type ScriptGuard,
} from '../router/failure-policy.ts';
import type { Script } from '../router/script.ts';
import { type CompiledModule, createRouteRunner, type FailureCause, type Linker } from '../runtime/index.ts';

/** One loaded version as the primary posts it: the compiled module crosses threads by structured clone. */
export interface VersionView {
  readonly version: number;
  readonly sha256: string;
  readonly module: CompiledModule;
}

/** What a tenant serves now, by the primary's registry. */
export interface TenantView {
  readonly tenant: string;
  readonly active: VersionView | undefined;
  /** Set when the breaker left no good version: new requests get this reply. */
  readonly blocked: FailureReply | undefined;
  readonly fallback: VersionView | undefined;
  /** Versions removed for failing: no dialog grace. */
  readonly revoked: readonly number[];
}

/** A failed invocation, for the primary's breaker. */
export interface FailureReport {
  readonly tenant: string;
  readonly version: number;
  readonly cause: FailureCause;
}

interface Tenant {
  readonly spec: TenantSpec;
  active: ManagedScript | undefined;
  fallback: ManagedScript | undefined;
  readonly loaded: Map<number, ManagedScript>;
}

export interface WorkerScriptsOptions {
  readonly specs: readonly TenantSpec[];
  readonly linker: Linker;
  readonly log: Logger;
  /** A tenant's own level for its scripts' lines (config tenants[].log_level), over `log`'s. */
  readonly scriptLogLevels: Readonly<Record<string, string>>;
  readonly timers: CallbackGuard;
  readonly report: (failure: FailureReport) => void;
}

export class WorkerScripts implements ScriptGuard {
  readonly #tenants = new Map<string, Tenant>();
  readonly #o: WorkerScriptsOptions;

  constructor(options: WorkerScriptsOptions) {
    this.#o = options;
    for (const spec of options.specs)
      this.#tenants.set(spec.name, { spec, active: undefined, fallback: undefined, loaded: new Map() });
  }

  /** Takes the primary's view of a tenant: links what is new, swaps the active version in one step. */
  apply(view: TenantView): Result<void, string> {
    const t = this.#tenants.get(view.tenant);
    if (t === undefined) return err(`unknown tenant '${view.tenant}'`);
    const active = view.active && this.#load(t, view.active);
    if (active !== undefined && !active.ok) return active;
    const fallback = view.fallback && this.#load(t, view.fallback);
    if (fallback !== undefined && !fallback.ok) return fallback;
    const next = active?.value;
    const old = t.active;
    if (next !== old) {
      t.active = next;
      next?.activate();
      old?.deactivate({
        graceMs: t.spec.dialogGraceMs,
        maxGraceMs: t.spec.dialogGraceMaxMs,
        revoked: view.revoked.includes(old.version),
      });
    }
    if (view.blocked) next?.block(view.blocked);
    else next?.unblock();
    const standby = fallback?.value;
    if (standby !== t.fallback) {
      const was = t.fallback;
      t.fallback = standby;
      standby?.setStandby(true);
      was?.setStandby(false);
    }
    for (const version of view.revoked) t.loaded.get(version)?.revoke();
    return OK;
  }

  active(tenant: string): ManagedScript | undefined {
    return this.#tenants.get(tenant)?.active;
  }

  dialogScript(tenant: string, version: number): ManagedScript | 'revoked' | undefined {
    const script = this.#tenants.get(tenant)?.loaded.get(version);
    if (script?.revoked) return 'revoked';
    return script?.inGrace ? script : undefined;
  }

  policy(script: Script): FailurePolicy {
    return this.#tenants.get(script.tenant)?.spec.failurePolicy ?? DEFAULT_FAILURE_POLICY;
  }

  fallback(script: Script): Script | undefined {
    const fallback = this.#tenants.get(script.tenant)?.fallback;
    return fallback === script ? undefined : fallback;
  }

  failed(script: Script, cause: FailureCause): void {
    this.#o.report({ tenant: script.tenant, version: script.version, cause });
  }

  /** `tenant\0version` of every loaded version (the metrics of gone versions go with them). */
  loadedKeys(): Set<string> {
    const keys = new Set<string>();
    for (const [name, t] of this.#tenants) for (const v of t.loaded.keys()) keys.add(`${name}\0${v}`);
    return keys;
  }

  close(): void {
    for (const t of this.#tenants.values()) {
      for (const s of t.loaded.values()) s.markUnloaded();
      t.loaded.clear();
      t.active = undefined;
      t.fallback = undefined;
    }
  }

  #load(t: Tenant, view: VersionView): Result<ManagedScript, string> {
    const loaded = t.loaded.get(view.version);
    if (loaded !== undefined && !loaded.unloaded) return ok(loaded);
    const { spec } = t;
    const runner = createRouteRunner(view.module, this.#o.linker, {
      limits: spec.invocationLimits,
      ...(spec.capabilities && { capabilities: spec.capabilities }),
    });
    if (!runner.ok) return err(`${spec.name} v${view.version}: ${runner.error.message}`);
    const level = this.#o.scriptLogLevels[spec.name];
    const log = this.#o.log.child(
      { tenant: spec.name, version: view.version },
      level === undefined ? undefined : { level },
    );
    const script = new ManagedScript(
      spec.name,
      view.version,
      view.sha256,
      runner.value,
      log,
      this.#onIdle,
      this.#o.timers,
    );
    t.loaded.set(view.version, script);
    return ok(script);
  }

  readonly #onIdle = (script: ManagedScript): void => {
    const t = this.#tenants.get(script.tenant);
    if (!t || t.loaded.get(script.version) !== script || t.active === script) return;
    t.loaded.delete(script.version);
    script.markUnloaded();
  };
}
