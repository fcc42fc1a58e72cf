// What the registry's operations return and report: errors as values, upload timings, activation results
// and events (tenant status is in tenant-status.ts). The admin API serializes the values as they are.
import { fail, ok, type Problem, type Result } from '../result.ts';
import type { ModuleMeta } from '../runtime/index.ts';
import type { CompileFailure } from './compiler.ts';
import type { ActivationKind, VersionRecord } from './store-schema.ts';

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
  | 'store'
  /** Several nodes: the cluster's store (Redis) cannot be reached, so nothing is deployed anywhere. */
  | 'cluster-unavailable';

/** Why an upload, activation or rollback was refused (the admin API maps each code to a status). */
export type RegistryError = Problem<RegistryErrorCode>;

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

/** A stored upload: its version, whether it became active, and what it cost. */
export interface Uploaded {
  readonly version: VersionRecord;
  readonly activated: boolean;
  readonly path: ModuleMeta['path'];
  readonly fallbackReason: string | undefined;
  readonly timings: UploadTimings;
  /** Versions removed by retention. */
  readonly pruned: readonly number[];
}

export type UploadResult = Result<Uploaded, RegistryError>;

/** An activation or rollback that took effect (`changed` false: the version was active already). */
export interface Activated {
  readonly tenant: string;
  readonly from: number | undefined;
  readonly to: number;
  readonly changed: boolean;
  readonly timings: { readonly loadMs: number; readonly commitMs: number; readonly swapMs: number };
}

export type ActivateResult = Result<Activated, RegistryError>;

/** What the registry reports as it happens (metrics subscribe). */
export type RegistryEvent =
  | {
      readonly kind: 'upload';
      readonly tenant: string;
      readonly result: Result<UploadTimings, RegistryError>;
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
      /**
       * rollback: to `to`; fail-closed: no good version left; cleared: an operator activated a version;
       * revoked: it tripped on a replaced version, which lost its dialog grace.
       */
      readonly outcome: 'rollback' | 'fail-closed' | 'cleared' | 'revoked';
      readonly to?: number;
    };

export function unknownTenant(tenant: string): RegistryError {
  return { code: 'unknown-tenant', message: `no tenant is named '${tenant}'` };
}

/** The retained version, when it is there and not corrupt. */
export function usable(
  tenant: string,
  version: number,
  record: VersionRecord | undefined,
): Result<VersionRecord, RegistryError> {
  if (!record) return fail('unknown-version', `tenant '${tenant}' has no retained version ${version}`);
  if (record.state === 'corrupt') {
    return fail(
      'corrupt',
      `${tenant} v${version} is corrupt (${record.problem ?? 'hash mismatch'}): deploy it again`,
    );
  }
  return ok(record);
}

/** A store write or read that threw (disk full, permissions), as a refusal. */
export function storeError(what: string, thrown: unknown): RegistryError {
  const e = thrown as NodeJS.ErrnoException;
  return {
    code: 'store',
    message: `cannot ${what}: ${e.code ? `${e.code} ` : ''}${e.message ?? String(thrown)}`,
  };
}
