// What the registry reports about a tenant (the admin API's status and versions bodies, as they are): its
// active version and how it became active, the loaded versions with their pins, the failure policy, the
// fail-open version and the circuit breaker.
import type { FailureMode, FailureReply } from '../router/failure-policy.ts';
import type { ModuleMeta } from '../runtime/index.ts';
import type { RegistryContext, TenantState } from './registry-context.ts';
import type { ActivationKind, TripRecord, VersionRecord } from './store-schema.ts';

export interface LoadedVersionStatus {
  readonly version: number;
  readonly active: boolean;
  /** Transactions (and pinned dialogs) in flight on this version. */
  readonly pins: number;
  readonly invocations: number;
  readonly failures: number;
  readonly path: ModuleMeta['path'];
  readonly loadedAt: string;
  /** Kept loaded as the version fail-open runs failed routes on. */
  readonly standby: boolean;
  /** Removed for failing (breaker, operator rollback): in-dialog requests naming it go elsewhere. */
  readonly revoked: boolean;
}

/**
 * The circuit breaker: `closed` (counting), `tripping` (rolling back now), `open` (no good version was
 * left: the tenant's requests get the fail-closed reply until an operator activates a version), `off`.
 */
export interface BreakerStatus {
  readonly state: 'closed' | 'tripping' | 'open' | 'off';
  /** Failures that trip it, and within how many seconds. */
  readonly failures: number | undefined;
  readonly windowS: number | undefined;
  /** Failures of the active version within the window now. */
  readonly recent: number;
  /** Versions it tripped on (never rolled back to until an operator activates them). */
  readonly tripped: readonly TripRecord[];
}

export interface TenantStatus {
  readonly tenant: string;
  readonly active: number | undefined;
  readonly activatedAt: string | undefined;
  readonly activatedBy: string | undefined;
  /** How the active version became active (`breaker`: the circuit breaker rolled back to it). */
  readonly activationKind: ActivationKind | undefined;
  readonly loaded: readonly LoadedVersionStatus[];
  readonly retained: number;
  readonly failurePolicy: { readonly mode: FailureMode; readonly reply: FailureReply };
  /** The version fail-open runs failed routes on now. */
  readonly fallback: number | undefined;
  readonly breaker: BreakerStatus;
  /** Failed invocations of versions other than the active one (pinned dialogs, fail-open runs). */
  readonly inactiveFailures: number;
}

export interface VersionInfo extends VersionRecord {
  readonly active: boolean;
  readonly loaded: boolean;
  readonly pins: number;
}

export function tenantStatus(ctx: RegistryContext, t: TenantState): TenantStatus {
  const tenant = t.spec.name;
  const current = ctx.store.current(tenant);
  return {
    tenant,
    active: t.active?.version,
    activatedAt: current?.at,
    activatedBy: current?.by,
    activationKind: current?.kind,
    failurePolicy: t.spec.failurePolicy,
    fallback: t.fallback?.version,
    breaker: breakerStatus(ctx, t),
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
        revoked: s.revoked,
      })),
    retained: ctx.store.versions(tenant).length,
    inactiveFailures: t.inactiveFailures,
  };
}

/** Retained versions of a tenant, newest first, with what is loaded and pinned. */
export function versionInfos(ctx: RegistryContext, t: TenantState): VersionInfo[] {
  return ctx.store.versions(t.spec.name).map((v) => {
    const script = t.loaded.get(v.version);
    return {
      ...v,
      active: t.active?.version === v.version,
      loaded: script !== undefined,
      pins: script?.pins ?? 0,
    };
  });
}

function breakerStatus(ctx: RegistryContext, t: TenantState): BreakerStatus {
  const b = t.breaker;
  const tripped = ctx.store.trips(t.spec.name);
  if (!b) return { state: 'off', failures: undefined, windowS: undefined, recent: 0, tripped };
  return {
    state: t.active?.blocked ? 'open' : t.tripping ? 'tripping' : 'closed',
    failures: b.settings.failures,
    windowS: b.settings.windowMs / 1000,
    recent: b.recent(performance.now()),
    tripped,
  };
}
