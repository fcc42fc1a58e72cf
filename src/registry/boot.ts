// At start: each tenant gets back its active version from the store; when that one no longer loads (its
// file is corrupt, or the engine now refuses it), the last good version before it, else the newest that
// loads. A tenant the store knows nothing of imports its configured module as version 1.
import { readFile } from 'node:fs/promises';
import { err, OK, type Result } from '../result.ts';
import { swap } from './activation.ts';
import type { RegistryContext, TenantState } from './registry-context.ts';
import type { ActivationRecord, VersionRecord } from './store-schema.ts';

/** Reads a configured module file; the same path is read once per start (`moduleFiles`). */
export type ModuleFiles = (path: string) => Promise<Uint8Array>;

/**
 * The files of one start, each read once: a generated config may give ten thousand tenants the same
 * module file, and each read costs an open, a stat and a read.
 */
export function moduleFiles(): ModuleFiles {
  const read = new Map<string, Promise<Uint8Array>>();
  return (path) => {
    let bytes = read.get(path);
    if (bytes === undefined) {
      bytes = readFile(path);
      read.set(path, bytes);
    }
    return bytes;
  };
}

/** Restores or imports the tenant's active version; the error is a start-up message for the operator. */
export async function boot(
  ctx: RegistryContext,
  t: TenantState,
  files: ModuleFiles,
): Promise<Result<undefined, string>> {
  const name = t.spec.name;
  const current = ctx.store.current(name);
  if (current) {
    for (const { record, previous } of candidates(ctx, name, current)) {
      if (record.state !== 'ready') {
        ctx.log.error(
          { tenant: name, version: record.version, problem: record.problem },
          'stored version is corrupt: skipped',
        );
        continue;
      }
      const loaded = await ctx.loader.load(t, record);
      if (!loaded.ok) {
        ctx.log.error(
          { tenant: name, version: record.version, code: loaded.error.code },
          `stored version does not load: ${loaded.error.message}`,
        );
        continue;
      }
      const { script, meta } = loaded.value;
      if (record.version === current.version) {
        t.active = script;
        script.activate();
        t.loaded.set(record.version, script);
        ctx.log.info(
          { tenant: name, version: record.version, sha256: record.sha256, abi: meta.path },
          'active version restored',
        );
      } else {
        const swapped = swap(ctx, t, script, 'fallback', 'boot', previous ?? null);
        if (!swapped.ok) return err(`tenant '${name}': ${swapped.error.message}`);
        ctx.log.warn(
          { tenant: name, version: record.version, from: current.version },
          'active version unusable: fell back to the last good version',
        );
      }
      return OK;
    }
    ctx.log.error({ tenant: name }, 'no stored version of this tenant loads');
  }
  if (t.spec.module === undefined) {
    if (!current)
      ctx.log.warn(
        { tenant: name },
        'tenant has no version yet: its messages are refused until one is deployed',
      );
    return OK;
  }
  return importModule(ctx, t, t.spec.module, files);
}

/**
 * The versions to try, each once: the active one, the activations before it (following `previous`), then
 * every retained version newest first; with the activation a later rollback would return to.
 */
function candidates(
  ctx: RegistryContext,
  tenant: string,
  current: ActivationRecord,
): { record: VersionRecord; previous: number | undefined }[] {
  const all: { record: VersionRecord; previous: number | undefined }[] = [];
  for (
    let a: ActivationRecord | undefined = current;
    a;
    a = a.previous === undefined ? undefined : ctx.store.activation(a.previous)
  ) {
    const record = ctx.store.version(tenant, a.version);
    if (record) all.push({ record, previous: a.previous });
  }
  for (const record of ctx.store.versions(tenant)) all.push({ record, previous: current.id });
  const seen = new Set<number>();
  return all.filter(({ record }) => {
    if (seen.has(record.version)) return false;
    seen.add(record.version);
    return true;
  });
}

/** Imports the configured module file as a new version and activates it. */
async function importModule(
  ctx: RegistryContext,
  t: TenantState,
  path: string,
  files: ModuleFiles,
): Promise<Result<undefined, string>> {
  const name = t.spec.name;
  let bytes: Uint8Array;
  try {
    bytes = await files(path);
  } catch (thrown) {
    return err(`cannot read module ${path}: ${(thrown as NodeJS.ErrnoException).code ?? thrown}`);
  }
  const prepared = await ctx.loader.prepare(t.spec, bytes);
  if (!prepared.ok) return err(`module ${path} refused (${prepared.error.code}): ${prepared.error.message}`);
  const { meta, runner, wallMs } = prepared.value;
  const stored = await ctx.loader.store(name, meta, bytes, 'config', 'initial');
  if (!stored.ok) return err(`tenant '${name}': ${stored.error.message}`);
  const record = stored.value;
  const script = ctx.loader.script(name, record.version, meta.sha256, runner);
  const swapped = swap(ctx, t, script, 'initial', 'config');
  if (!swapped.ok) return err(`tenant '${name}': ${swapped.error.message}`);
  ctx.log.info(
    {
      tenant: name,
      version: record.version,
      path,
      sha256: meta.sha256,
      size: meta.size,
      abi: meta.path,
      imports: meta.imports.length,
      // Validation, rewrite and compile in the compile process: seconds for a JavaScript guest.
      loadMs: Math.round(wallMs),
    },
    'module loaded',
  );
  return OK;
}
