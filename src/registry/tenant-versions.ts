// A tenant's versions as the router sees them: the one serving new messages, the fail-open one, and every
// loaded one (in-dialog requests pinned to older versions). The registry (one thread) and a SIP worker's
// copy of it (src/workers/worker-scripts.ts) hold the same shape and answer the router's questions alike.
import { DEFAULT_FAILURE_POLICY, type FailurePolicy } from '../router/failure-policy.ts';
import type { Script } from '../router/script.ts';
import type { ManagedScript } from './managed-script.ts';
import type { TenantSpec } from './tenant-spec.ts';

export interface TenantVersions {
  readonly spec: TenantSpec;
  active: ManagedScript | undefined;
  /** The last good version, kept loaded for fail-open tenants. */
  fallback: ManagedScript | undefined;
  /** Loaded versions: the active one, older ones still pinned or in their dialog grace period, standby. */
  readonly loaded: Map<number, ManagedScript>;
}

/**
 * A loaded version still selectable for in-dialog requests (active, or replaced and in its grace period),
 * or `revoked` when it was removed for failing; undefined when it is gone.
 */
export function dialogScriptOf(
  t: TenantVersions | undefined,
  version: number,
): ManagedScript | 'revoked' | undefined {
  const script = t?.loaded.get(version);
  if (script?.revoked) return 'revoked';
  return script?.inGrace ? script : undefined;
}

/**
 * The failure policy of a script's tenant. A script of no known tenant gets the default (fail-closed), the
 * answer that lets nothing through.
 */
export function policyOf(t: TenantVersions | undefined): FailurePolicy {
  return t?.spec.failurePolicy ?? DEFAULT_FAILURE_POLICY;
}

/** The version a failed `script` falls back to (fail-open), never the failed script itself. */
export function fallbackOf(t: TenantVersions | undefined, script: Script): Script | undefined {
  return t?.fallback === script ? undefined : t?.fallback;
}
