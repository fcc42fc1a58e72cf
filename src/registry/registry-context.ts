// What the registry's parts share: each tenant's loaded versions, and the registry-wide store, loader, log,
// event fan-out and write lock. The parts (upload, activation, boot, breaker, fail-open) are functions
// over these, so the state they change is visible in one place.
import type { Logger } from 'pino';
import { CircuitBreaker } from './circuit-breaker.ts';
import type { RegistryEvent } from './results.ts';
import type { ModuleStore } from './store.ts';
import type { TenantSpec } from './tenant-spec.ts';
import type { TenantVersions } from './tenant-versions.ts';
import type { VersionLoader } from './version-loader.ts';

export interface TenantState extends TenantVersions {
  readonly breaker: CircuitBreaker | undefined;
  /** The breaker tripped and its rollback is under way. */
  tripping: boolean;
  /** Bumped by every fallback refresh: only the latest one applies. */
  fallbackGeneration: number;
  /**
   * Failed invocations of versions other than the active one (in-dialog requests pinned to them, their
   * transactions' routes, fail-open runs); each version's own breaker counts them too.
   */
  inactiveFailures: number;
}

export function tenantState(spec: TenantSpec): TenantState {
  return {
    spec,
    active: undefined,
    loaded: new Map(),
    breaker: spec.breaker && new CircuitBreaker(spec.breaker),
    tripping: false,
    fallback: undefined,
    fallbackGeneration: 0,
    inactiveFailures: 0,
  };
}

export interface RegistryContext {
  readonly store: ModuleStore;
  readonly loader: VersionLoader;
  /** Registry events (uploads, activations, unloads). */
  readonly log: Logger;
  emit(event: RegistryEvent): void;
  /** Runs `body` once every change queued before it has finished: each sees the state the last one left. */
  exclusive<T>(body: () => Promise<T>): Promise<T>;
}

/** Serializes store writes and swaps; a change that fails does not block the next one. */
export function serializer(): RegistryContext['exclusive'] {
  let lock: Promise<unknown> = Promise.resolve();
  return <T>(body: () => Promise<T>): Promise<T> => {
    const run = lock.then(body, body);
    lock = run.catch(() => {});
    return run;
  };
}
