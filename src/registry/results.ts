// What the registry's operations return and report: errors as values, upload timings, activation
// results, tenant status and events. The admin API serializes these as they are.
import type { FailureMode, FailureReply } from '../core/failure-policy.ts';
import type { ModuleMeta } from '../runtime/index.ts';
import type { CompileFailure } from './compiler.ts';
import type { ActivationKind, TripRecord, VersionRecord } from './store-schema.ts';

export type RegistryErrorCode =
  | CompileFailure['code']
  /** No such tenant, or none visible to the caller. */
  | 'unknown-tenant'
  /** No such version retained. */
  | 'unknown-version'
  /** The version's file failed its hash check. */
  | 'corrupt'
  /** Rollback with no earlier activation left to return to. */
  | 'no-previous'
  /** Another change got there first (the active version moved during a rollback). */
  | 'conflict'
  /** The store could not be written or read (disk full, permissions). */
  | 'store';

export interface RegistryError {
  readonly code: RegistryErrorCode;
  readonly message: string;
}

/** Milliseconds per step from upload to active; `swap` is the in-memory switch alone. */
export interface UploadTimings {
  readonly validateMs: number;
  readonly rewriteMs: number;
  readonly compileMs: number;
  /** Worker round trip beyond the three steps above (queueing, message passing). */
  readonly workerMs: number;
  readonly linkMs: number;
  readonly storeMs: number;
  readonly commitMs: number;
  readonly swapMs: number;
  readonly totalMs: number;
}

export type UploadResult =
  | {
      readonly ok: true;
      readonly version: VersionRecord;
      readonly activated: boolean;
      readonly path: ModuleMeta['path'];
      readonly fallbackReason: string | undefined;
      readonly timings: UploadTimings;
      /** Versions removed by retention. */
      readonly pruned: readonly number[];
    }
  | { readonly ok: false; readonly error: RegistryError };

export type ActivateResult =
  | {
      readonly ok: true;
      readonly tenant: string;
      readonly from: number | undefined;
      readonly to: number;
      readonly changed: boolean;
      readonly timings: { readonly loadMs: number; readonly commitMs: number; readonly swapMs: number };
    }
  | { readonly ok: false; readonly error: RegistryError };

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
}

export interface VersionInfo extends VersionRecord {
  readonly active: boolean;
  readonly loaded: boolean;
  readonly pins: number;
}

/** What the registry reports as it happens (metrics subscribe). */
export type RegistryEvent =
  | {
      readonly kind: 'upload';
      readonly tenant: string;
      readonly ok: boolean;
      readonly code?: string;
      readonly timings?: UploadTimings;
    }
  | {
      readonly kind: 'activation';
      readonly tenant: string;
      readonly how: ActivationKind;
      readonly version: number;
    }
  | { readonly kind: 'unload'; readonly tenant: string; readonly version: number }
  | {
      readonly kind: 'breaker';
      readonly tenant: string;
      /** The version it tripped on (cleared: the one an operator activated). */
      readonly version: number;
      /** rollback: to `to`; fail-closed: no good version left; cleared: an operator activated a version. */
      readonly outcome: 'rollback' | 'fail-closed' | 'cleared';
      readonly to?: number;
    };

export function unknownTenant(tenant: string): RegistryError {
  return { code: 'unknown-tenant', message: `no tenant is named '${tenant}'` };
}

export function checkUsable(
  tenant: string,
  version: number,
  record: VersionRecord | undefined,
): RegistryError | undefined {
  if (!record)
    return { code: 'unknown-version', message: `tenant '${tenant}' has no retained version ${version}` };
  if (record.state === 'corrupt') {
    return {
      code: 'corrupt',
      message: `${tenant} v${version} is corrupt (${record.problem ?? 'hash mismatch'}): deploy it again`,
    };
  }
  return undefined;
}

export function storeError(what: string, err: unknown): RegistryError {
  const e = err as NodeJS.ErrnoException;
  return {
    code: 'store',
    message: `cannot ${what}: ${e.code ? `${e.code} ` : ''}${e.message ?? String(err)}`,
  };
}
