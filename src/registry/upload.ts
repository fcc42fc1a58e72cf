// An upload: validated and compiled off the event loop, stored as the tenant's next version, activated when
// asked, and followed by retention (the oldest versions beyond `retain` are removed, never the active one).
import { err, ok } from '../result.ts';
import { swap } from './activation.ts';
import type { RegistryContext, TenantState } from './registry-context.ts';
import { type RegistryError, type UploadResult, type UploadTimings, unknownTenant } from './results.ts';

export async function upload(
  ctx: RegistryContext,
  t: TenantState | undefined,
  tenant: string,
  bytes: Uint8Array,
  how: { by: string; activate: boolean },
): Promise<UploadResult> {
  if (!t) return refused(ctx, tenant, unknownTenant(tenant));
  const start = performance.now();
  const prepared = await ctx.loader.prepare(t.spec, bytes);
  if (!prepared.ok) return refused(ctx, tenant, prepared.error);
  const { meta, runner, wallMs, linkMs, timings: compileTimings } = prepared.value;

  return ctx.exclusive(async () => {
    const storeStart = performance.now();
    const stored = await ctx.loader.store(tenant, meta, bytes, how.by, how.activate ? 'activate' : undefined);
    if (!stored.ok) return refused(ctx, tenant, stored.error);
    const record = stored.value;
    const storeMs = performance.now() - storeStart;
    ctx.log.info(
      {
        tenant,
        version: record.version,
        sha256: meta.sha256,
        size: meta.size,
        abi: meta.path,
        by: how.by,
        ...compileTimings,
      },
      'version uploaded',
    );
    let commitMs = 0;
    let swapMs = 0;
    if (how.activate) {
      const script = ctx.loader.script(tenant, record.version, meta.sha256, runner);
      const swapped = swap(ctx, t, script, 'activate', how.by);
      if (!swapped.ok) return refused(ctx, tenant, swapped.error);
      ({ commitMs, swapMs } = swapped.value);
    }
    const pruned = await prune(ctx, t);
    const workerMs = wallMs - compileTimings.validateMs - compileTimings.rewriteMs - compileTimings.compileMs;
    const timings: UploadTimings = {
      ...compileTimings,
      workerMs,
      linkMs,
      storeMs,
      commitMs,
      swapMs,
      totalMs: performance.now() - start,
    };
    ctx.emit({ kind: 'upload', tenant, result: ok(timings) });
    return ok({
      version: ctx.store.version(tenant, record.version) ?? record,
      activated: how.activate,
      path: meta.path,
      fallbackReason: meta.fallbackReason,
      timings,
      pruned,
    });
  });
}

/** Removes the versions beyond the tenant's `retain`; a failure is logged, the upload stands. */
async function prune(ctx: RegistryContext, t: TenantState): Promise<number[]> {
  const protect = new Set<number>(t.active ? [t.active.version] : []);
  try {
    const pruned = await ctx.store.prune(t.spec.name, t.spec.retain, protect);
    if (pruned.length > 0)
      ctx.log.info({ tenant: t.spec.name, pruned, retain: t.spec.retain }, 'old versions removed');
    return pruned;
  } catch (thrown) {
    ctx.log.error({ tenant: t.spec.name, err: (thrown as Error).message }, 'pruning old versions failed');
    return [];
  }
}

function refused(ctx: RegistryContext, tenant: string, error: RegistryError): UploadResult {
  ctx.log.warn({ tenant, code: error.code }, `upload refused: ${error.message}`);
  ctx.emit({ kind: 'upload', tenant, result: err(error) });
  return err(error);
}
