// Fail-open: a failed route of a fail-open tenant runs again on the tenant's last good version (the one a
// rollback would return to, skipping versions the breaker tripped on). That version is kept loaded as a
// standby, so the failure path never waits for a compile.
import type { RegistryContext, TenantState } from './registry-context.ts';

/**
 * Loads the version fail-open runs failed routes on (the rollback target: the last good version) and
 * keeps it loaded; only the latest of overlapping refreshes applies.
 */
export async function refreshFallback(ctx: RegistryContext, t: TenantState): Promise<void> {
  if (t.spec.failurePolicy.mode !== 'fail-open') return;
  const generation = ++t.fallbackGeneration;
  const name = t.spec.name;
  const target = ctx.store.lastGood(name);
  let script = target === undefined ? undefined : t.loaded.get(target.version);
  if (target !== undefined && script === undefined) {
    // Failed routes wait for this version: the urgent lane, never behind uploads.
    const loaded = await ctx.loader.load(t, ctx.store.version(name, target.version)!, true);
    if (loaded.ok) script = loaded.value.script;
    else {
      ctx.log.error(
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
  ctx.log.info(
    { tenant: name, version: script?.version, active: t.active?.version },
    script ? 'fail-open version ready' : 'no fail-open version: failed routes get the fail-closed reply',
  );
}
