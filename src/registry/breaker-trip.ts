// What happens when a tenant's circuit breaker trips (circuit-breaker.ts counts the failures): the failing
// version is marked, and the tenant rolls back to its last good version, or answers fail-closed when none
// is left, until an operator activates a version.
import type { FailureCause } from '../runtime/index.ts';
import { switchTo } from './activation.ts';
import { refreshFallback } from './fail-open.ts';
import type { ManagedScript } from './managed-script.ts';
import type { RegistryContext, TenantState } from './registry-context.ts';

/**
 * The breaker tripped on the active version: it is marked (never a rollback target again until an
 * operator activates it) and the tenant rolls back to its last good version, the most recent earlier
 * activation whose version the breaker never tripped on; with none, the tenant answers fail-closed.
 * Each trip marks one more version, so automatic rollbacks end once the good versions are used up.
 */
export function trip(ctx: RegistryContext, t: TenantState, script: ManagedScript, cause: FailureCause): void {
  const name = t.spec.name;
  const settings = t.breaker!.settings;
  const reply = t.spec.failurePolicy.reply;
  t.tripping = true;
  try {
    ctx.store.markTripped(name, script.version, cause);
  } catch (thrown) {
    ctx.log.error({ tenant: name, err: (thrown as Error).message }, 'cannot record the breaker trip');
  }
  const current = ctx.store.current(name);
  const target = ctx.store.lastGood(name);
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
    ctx.log.error(
      fields,
      `circuit breaker tripped: ${why}; requests get ${reply.status} ${reply.reason} until an operator activates a version`,
    );
    ctx.emit({ kind: 'breaker', tenant: name, version: script.version, outcome: 'fail-closed' });
  };
  if (current === undefined || target === undefined) {
    failClosed('no good version to roll back to');
    return;
  }
  ctx.log.error(
    { ...fields, to: target.version },
    `circuit breaker tripped: rolling back to v${target.version}, the last good version`,
  );
  const record = ctx.store.version(name, target.version)!;
  const rollback = { expected: current.id, previous: target.previous };
  void switchTo(ctx, t, record, 'breaker', 'breaker', rollback)
    .then((result) => {
      t.tripping = false;
      if (result.ok) {
        ctx.emit({
          kind: 'breaker',
          tenant: name,
          version: script.version,
          outcome: 'rollback',
          to: target.version,
        });
      } else if (t.active === script) failClosed(`the rollback failed (${result.error.message})`);
    })
    .catch((thrown: unknown) => {
      t.tripping = false;
      ctx.log.error({ tenant: name, err: (thrown as Error).message }, 'breaker rollback failed: a bug');
    });
}

/**
 * The breaker counted enough failures of a version that is no longer active (in-dialog requests pinned to
 * it, its transactions' routes, fail-open runs): it is marked as a trip on the active one would mark it
 * (never a rollback or fail-open target until an operator activates it) and revoked: its transactions
 * finish on it, new in-dialog requests naming it run on the active version.
 */
export function revokeFailing(
  ctx: RegistryContext,
  t: TenantState,
  script: ManagedScript,
  cause: FailureCause,
): void {
  const name = t.spec.name;
  const settings = t.breaker!.settings;
  try {
    ctx.store.markTripped(name, script.version, cause);
  } catch (thrown) {
    ctx.log.error({ tenant: name, err: (thrown as Error).message }, 'cannot record the breaker trip');
  }
  script.revoke();
  ctx.log.error(
    {
      tenant: name,
      version: script.version,
      active: t.active?.version,
      cause,
      failures: settings.failures,
      windowS: settings.windowMs / 1000,
    },
    'circuit breaker tripped on a replaced version: in-dialog requests naming it run on the active version',
  );
  ctx.emit({ kind: 'breaker', tenant: name, version: script.version, outcome: 'revoked' });
  // It may have been the fail-open version: the last good one is another now.
  void refreshFallback(ctx, t);
}
