// Making a version active: by an operator (activate, rollback), the circuit breaker, the boot fallback or
// the configured route. Every activation is committed to the store first, then takes effect by one
// assignment: from the next message on, the new version serves the tenant, and the old one drains.
import { err, fail, ok, type Result } from '../result.ts';
import { refreshFallback } from './fail-open.ts';
import type { ManagedScript } from './managed-script.ts';
import type { RegistryContext, TenantState } from './registry-context.ts';
import { type ActivateResult, type RegistryError, storeError, unknownTenant, usable } from './results.ts';
import type { ActivationKind, VersionRecord } from './store-schema.ts';

/** Milliseconds of the store commit and of the in-memory switch. */
export interface SwapTimings {
  readonly commitMs: number;
  readonly swapMs: number;
}

/** What a rollback checks before it switches: nothing moved meanwhile, and what it returns to next. */
export interface RollbackCheck {
  /** The activation that was current when the rollback was decided. */
  readonly expected: number;
  /** The activation a later rollback returns to. */
  readonly previous: number | undefined;
}

/** Makes a retained version active (loading it from the store unless it is still loaded). */
export async function activate(
  ctx: RegistryContext,
  t: TenantState | undefined,
  tenant: string,
  version: number,
  by: string,
): Promise<ActivateResult> {
  if (!t) return err(unknownTenant(tenant));
  const record = usable(tenant, version, ctx.store.version(tenant, version));
  if (!record.ok) return record;
  if (t.active?.version === version) {
    if (t.active.blocked) return ctx.exclusive(async () => reopen(ctx, t, by));
    return unchanged(t);
  }
  return switchTo(ctx, t, record.value, 'activate', by, undefined);
}

/** Returns to the version active before the current one (repeated: further back, like undo). */
export async function rollback(
  ctx: RegistryContext,
  t: TenantState | undefined,
  tenant: string,
  by: string,
): Promise<ActivateResult> {
  if (!t) return err(unknownTenant(tenant));
  const current = ctx.store.current(tenant);
  const target = ctx.store.rollbackTarget(tenant);
  if (!current || !target) {
    return fail(
      'no-previous',
      `tenant '${tenant}' has no earlier activation of a retained version to roll back to`,
    );
  }
  const record = ctx.store.version(tenant, target.version)!;
  return switchTo(ctx, t, record, 'rollback', by, { expected: current.id, previous: target.previous });
}

/** Loads (unless loaded) and activates `record`; a rollback also checks nothing moved meanwhile. */
export async function switchTo(
  ctx: RegistryContext,
  t: TenantState,
  record: VersionRecord,
  kind: ActivationKind,
  by: string,
  rollback: RollbackCheck | undefined,
): Promise<ActivateResult> {
  const name = t.spec.name;
  const loadStart = performance.now();
  let script = t.loaded.get(record.version);
  if (!script) {
    // The breaker's rollback must not wait for uploads to compile: the urgent lane.
    const loaded = await ctx.loader.load(t, record, kind === 'breaker');
    if (!loaded.ok) return loaded;
    script = loaded.value.script;
  }
  const loadMs = performance.now() - loadStart;
  const chosen = script;
  return ctx.exclusive(async () => {
    if (rollback && ctx.store.current(name)?.id !== rollback.expected)
      return fail('conflict', `the active version of '${name}' changed during the rollback: retry`);
    const still = usable(name, record.version, ctx.store.version(name, record.version));
    if (!still.ok) return still;
    if (t.active?.version === record.version) return unchanged(t);
    const from = t.active?.version;
    const swapped = swap(ctx, t, chosen, kind, by, rollback ? (rollback.previous ?? null) : undefined);
    if (!swapped.ok) return swapped;
    return ok({
      tenant: name,
      from,
      to: record.version,
      changed: true,
      timings: { loadMs, ...swapped.value },
    });
  });
}

/** Commits the activation, then switches: from the next message on, `script` serves the tenant. */
export function swap(
  ctx: RegistryContext,
  t: TenantState,
  script: ManagedScript,
  kind: ActivationKind,
  by: string,
  /** The activation a later rollback returns to; default: the one being replaced. */
  previous?: number | null,
): Result<SwapTimings, RegistryError> {
  const name = t.spec.name;
  const commitStart = performance.now();
  try {
    ctx.store.activate(name, script.version, kind, by, previous);
    // An operator's choice: the version may be rolled back to again even if the breaker tripped on it.
    if (kind === 'activate' || kind === 'rollback') ctx.store.clearTrip(name, script.version);
  } catch (thrown) {
    return err(storeError(`activate ${name} v${script.version}`, thrown));
  }
  const swapStart = performance.now();
  const old = t.active;
  t.loaded.set(script.version, script);
  t.active = script;
  script.unblock();
  script.activate();
  // Before the old version is let go: when it is the new fail-open version it stays loaded (the refresh
  // runs synchronously up to its first await, which a loaded version never reaches).
  void refreshFallback(ctx, t);
  // A version the breaker or an operator rolled back from was removed for failing: no dialog grace.
  old?.deactivate({
    graceMs: t.spec.dialogGraceMs,
    maxGraceMs: t.spec.dialogGraceMaxMs,
    revoked: kind === 'breaker' || kind === 'rollback',
  });
  t.breaker?.reset();
  const swapMs = performance.now() - swapStart;
  ctx.log.info({ tenant: name, version: script.version, from: old?.version, kind, by }, 'version activated');
  ctx.emit({ kind: 'activation', tenant: name, how: kind, version: script.version });
  if (old?.blocked) cleared(ctx, t, script, by);
  return ok({ commitMs: swapStart - commitStart, swapMs });
}

/** An operator activated the blocked active version again: the breaker starts afresh. */
function reopen(ctx: RegistryContext, t: TenantState, by: string): ActivateResult {
  const script = t.active!;
  const name = t.spec.name;
  try {
    ctx.store.activate(name, script.version, 'activate', by);
    ctx.store.clearTrip(name, script.version);
  } catch (thrown) {
    return err(storeError(`activate ${name} v${script.version}`, thrown));
  }
  script.unblock();
  t.breaker?.reset();
  ctx.emit({ kind: 'activation', tenant: name, how: 'activate', version: script.version });
  cleared(ctx, t, script, by);
  void refreshFallback(ctx, t);
  return ok({
    tenant: name,
    from: script.version,
    to: script.version,
    changed: true,
    timings: { loadMs: 0, commitMs: 0, swapMs: 0 },
  });
}

/** The breaker had left the tenant fail-closed; an operator's activation ends that. */
function cleared(ctx: RegistryContext, t: TenantState, script: ManagedScript, by: string): void {
  ctx.log.warn(
    { tenant: t.spec.name, version: script.version, by },
    'circuit breaker cleared: an operator activated a version',
  );
  ctx.emit({ kind: 'breaker', tenant: t.spec.name, version: script.version, outcome: 'cleared' });
}

function unchanged(t: TenantState): ActivateResult {
  const v = t.active!.version;
  return ok({
    tenant: t.spec.name,
    from: v,
    to: v,
    changed: false,
    timings: { loadMs: 0, commitMs: 0, swapMs: 0 },
  });
}
