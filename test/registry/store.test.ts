// The module store: versions and activations in SQLite, blobs by content, atomic durable writes, the boot
// check (corrupt and missing files, leftovers of a crash), retention and the data-dir lock.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ModuleStore } from '../../src/registry/index.ts';

const crashHelper = fileURLToPath(new URL('./helpers/crash-upload.ts', import.meta.url));
const open: ModuleStore[] = [];

async function openStore(dir: string | undefined): Promise<ModuleStore> {
  const r = await ModuleStore.open({ dir });
  if (!r.ok) throw new Error(r.error);
  open.push(r.value.store);
  return r.value.store;
}

async function reopen(dir: string) {
  for (const s of open.splice(0)) await s.close();
  const r = await ModuleStore.open({ dir });
  if (!r.ok) throw new Error(r.error);
  open.push(r.value.store);
  return r.value;
}

function blob(text: string) {
  const bytes = new TextEncoder().encode(text);
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
}

async function addActive(store: ModuleStore, tenant: string, text: string) {
  const b = blob(text);
  await store.putBlob(b.sha256, b.bytes);
  const v = store.addVersion(tenant, {
    sha256: b.sha256,
    size: b.size,
    world: 'kemi:ksr/script@0.1.0',
    createdBy: 'test',
  });
  store.activate(tenant, v.version, 'activate', 'test');
  return { ...b, version: v.version };
}

const tempDir = () => mkdtempSync(join(tmpdir(), 'kemi-store-'));

afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

describe('versions and activations', () => {
  it('numbers versions per tenant and brings back the active one after a restart', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    await addActive(store, 'acme', 'one');
    const two = await addActive(store, 'acme', 'two');
    await addActive(store, 'beta', 'other');
    expect(store.versions('acme').map((v) => v.version)).toEqual([2, 1]);
    expect(store.versions('beta').map((v) => v.version)).toEqual([1]);

    const { store: again, report } = await reopen(dir);
    expect(report).toEqual({ sweptTemp: 0, orphans: 0, corrupt: [] });
    expect(again.current('acme')?.version).toBe(2);
    expect(again.version('acme', 2)).toMatchObject({
      sha256: two.sha256,
      size: two.size,
      world: 'kemi:ksr/script@0.1.0',
      createdBy: 'test',
      state: 'ready',
    });
    expect(await again.readBlob(two.sha256)).toEqual(Buffer.from('two'));
  });

  it('stores identical bytes once, whichever tenant or version names them', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    await addActive(store, 'acme', 'same');
    await addActive(store, 'beta', 'same');
    await addActive(store, 'acme', 'same');
    expect(readdirSync(join(dir, 'modules')).filter((n) => n.endsWith('.wasm'))).toHaveLength(1);
    expect(store.versions('acme')).toHaveLength(2);
  });

  it('rolls back like undo: each rollback returns one activation further back', async () => {
    const store = await openStore(undefined);
    for (const text of ['a', 'b', 'c']) await addActive(store, 'acme', text);
    const first = store.rollbackTarget('acme')!;
    expect(first.version).toBe(2);
    store.activate('acme', first.version, 'rollback', 'test', first.previous ?? null);
    const second = store.rollbackTarget('acme')!;
    expect(second.version).toBe(1);
    store.activate('acme', second.version, 'rollback', 'test', second.previous ?? null);
    expect(store.rollbackTarget('acme')).toBeUndefined();
    expect(store.current('acme')).toMatchObject({ version: 1, kind: 'rollback' });
  });

  it('records a version under the number a cluster gave it, and numbers on after the highest', async () => {
    const store = await openStore(undefined);
    const b = blob('cluster');
    await store.putBlob(b.sha256, b.bytes);
    const v = { sha256: b.sha256, size: b.size, world: 'w', createdBy: 'cluster' };
    expect(store.addVersion('acme', v, 7).version).toBe(7);
    expect(store.addVersion('acme', v, 3).version).toBe(3);
    expect(store.addVersion('acme', v).version).toBe(8);
    expect(store.versions('acme').map((r) => r.version)).toEqual([8, 7, 3]);
  });

  it('refuses to activate a version it does not hold', async () => {
    const store = await openStore(undefined);
    await addActive(store, 'acme', 'a');
    expect(() => store.activate('acme', 9, 'activate', 'test')).toThrow(/acme v9 is not a ready version/);
    expect(store.current('acme')?.version).toBe(1);
  });

  it('numbers concurrent uploads distinctly and keeps every blob', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    const blobs = Array.from({ length: 12 }, (_, i) => blob(`module ${i}`));
    const versions = await Promise.all(
      blobs.map(async (b) => {
        await store.putBlob(b.sha256, b.bytes);
        return store.addVersion('acme', { sha256: b.sha256, size: b.size, world: 'w', createdBy: 'test' })
          .version;
      }),
    );
    expect([...versions].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const { report } = await reopen(dir);
    expect(report).toEqual({ sweptTemp: 0, orphans: 0, corrupt: [] });
  });
});

describe('crash safety', () => {
  function crashAt(dir: string, step: 'temp-written' | 'renamed') {
    const r = spawnSync(process.execPath, [crashHelper, dir, step, 'the new module'], { encoding: 'utf8' });
    expect(r.signal, r.stderr).toBe('SIGKILL');
  }

  it('a crash between the temp write and the rename leaves no blob, no version, and the old version active', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    await addActive(store, 'acme', 'the old module');
    await store.close();
    open.length = 0;

    crashAt(dir, 'temp-written');
    expect(readdirSync(join(dir, 'modules')).some((n) => n.startsWith('.tmp-'))).toBe(true);

    const { store: again, report } = await reopen(dir);
    expect(report.sweptTemp).toBe(1);
    expect(report.corrupt).toEqual([]);
    expect(readdirSync(join(dir, 'modules')).some((n) => n.startsWith('.tmp-'))).toBe(false);
    expect(again.versions('acme').map((v) => v.version)).toEqual([1]);
    expect(again.current('acme')?.version).toBe(1);
  });

  it('a crash after the rename, before the version row, leaves an orphan blob that the next open removes', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    await addActive(store, 'acme', 'the old module');
    await store.close();
    open.length = 0;

    crashAt(dir, 'renamed');
    const orphan = blob('the new module').sha256;
    expect(existsSync(join(dir, 'modules', `${orphan}.wasm`))).toBe(true);

    const { store: again, report } = await reopen(dir);
    expect(report).toMatchObject({ sweptTemp: 0, orphans: 1, corrupt: [] });
    expect(existsSync(join(dir, 'modules', `${orphan}.wasm`))).toBe(false);
    expect(again.current('acme')?.version).toBe(1);
    // The number the crashed upload would have taken is free: the row was never committed.
    const next = await addActive(again, 'acme', 'retry');
    expect(next.version).toBe(2);
  });

  it('reports a file whose content no longer hashes to its name, and marks the version corrupt', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    const one = await addActive(store, 'acme', 'one');
    const two = await addActive(store, 'acme', 'two');
    writeFileSync(join(dir, 'modules', `${two.sha256}.wasm`), 'tampered');

    const { store: again, report } = await reopen(dir);
    expect(report.corrupt).toEqual([
      { tenant: 'acme', version: 2, problem: `content hash is ${blob('tampered').sha256}` },
    ]);
    expect(again.version('acme', 2)).toMatchObject({ state: 'corrupt' });
    expect(again.version('acme', 1)).toMatchObject({ state: 'ready', sha256: one.sha256 });
    // A rollback target must be a ready version.
    expect(() => again.activate('acme', 2, 'activate', 'test')).toThrow(/not a ready version/);
  });

  it('reports a missing file', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    const one = await addActive(store, 'acme', 'one');
    rmSync(join(dir, 'modules', `${one.sha256}.wasm`));
    const { report } = await reopen(dir);
    expect(report.corrupt).toEqual([{ tenant: 'acme', version: 1, problem: 'file missing' }]);
  });

  it('writing the same bytes again repairs a corrupt file', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    const one = await addActive(store, 'acme', 'one');
    writeFileSync(join(dir, 'modules', `${one.sha256}.wasm`), 'tampered');
    await store.putBlob(one.sha256, one.bytes);
    expect(await store.blobs.check(one.sha256)).toEqual({ ok: true });
  });
});

describe('retention', () => {
  it('keeps the newest N versions and the active one, and deletes files no version names', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    for (const text of ['v1', 'v2', 'v3', 'v4', 'v5', 'v6']) await addActive(store, 'acme', text);
    store.activate('acme', 2, 'rollback', 'test');
    const pruned = await store.prune('acme', 3, new Set([2]));
    expect(pruned.sort()).toEqual([1, 3]);
    expect(store.versions('acme').map((v) => v.version)).toEqual([6, 5, 4, 2]);
    expect(readdirSync(join(dir, 'modules')).filter((n) => n.endsWith('.wasm'))).toHaveLength(4);
    // Pruned numbers are never reused.
    expect((await addActive(store, 'acme', 'v7')).version).toBe(7);
  });

  it('keeps a file another retained version still names', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    const shared = await addActive(store, 'acme', 'shared');
    await addActive(store, 'beta', 'shared');
    await addActive(store, 'acme', 'newer');
    expect(await store.prune('acme', 1, new Set())).toEqual([1]);
    expect(await store.blobs.check(shared.sha256)).toEqual({ ok: true });
  });

  it('rollback skips versions that were pruned', async () => {
    const store = await openStore(undefined);
    for (const text of ['v1', 'v2', 'v3']) await addActive(store, 'acme', text);
    await store.prune('acme', 1, new Set([3]));
    await addActive(store, 'acme', 'v4');
    expect(store.rollbackTarget('acme')?.version).toBe(3);
    store.activate('acme', 3, 'rollback', 'test', store.rollbackTarget('acme')!.previous ?? null);
    expect(store.rollbackTarget('acme')).toBeUndefined();
  });
});

describe('the data-dir lock', () => {
  it('refuses a second server on the same data_dir, naming the process', async () => {
    const dir = tempDir();
    await openStore(dir);
    const second = await ModuleStore.open({ dir });
    expect(second).toEqual({
      ok: false,
      error: expect.stringContaining(`is in use by process ${process.pid}`),
    });
  });

  it('takes over the lock of a process that died', async () => {
    const dir = tempDir();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    writeFileSync(join(dir, 'lock'), `${dead.stdout}\n`);
    await openStore(dir);
  });
});
