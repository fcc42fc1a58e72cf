// The registry over a real store and compile worker: upload, activate, rollback, retention, pinning and
// unloading, refusals, restart and the fallback past a corrupt version.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ModuleCompiler } from '../../src/registry/index.ts';
import { buildStampedRoute, type StampedRoute } from './fixtures.ts';
import { type Opened, openRegistry, spec, stampOf } from './helpers/setup.ts';

let compiler: ModuleCompiler;
let route: StampedRoute;
const opened: Opened[] = [];

beforeAll(async () => {
  compiler = new ModuleCompiler();
  compiler.warm();
  route = await buildStampedRoute();
}, 60_000);

afterAll(() => compiler.close());

afterEach(async () => {
  for (const o of opened.splice(0)) await o.close();
  vi.useRealTimers();
});

async function open(tenants = [spec('acme')], dir?: string) {
  const o = await openRegistry(compiler, tenants, dir);
  opened.push(o);
  return o;
}

const by = { by: 'test', activate: true };

describe('upload and activate', () => {
  it('a tenant without versions has no active script until an upload activates one', async () => {
    const { registry } = await open();
    expect(registry.active('acme')).toBeUndefined();
    const up = await registry.upload('acme', route.stamp(41), by);
    if (!up.ok) throw new Error(up.error.message);
    expect(up.value.version).toMatchObject({ tenant: 'acme', version: 1, state: 'ready', createdBy: 'test' });
    expect(up.value.activated).toBe(true);
    expect(up.value.path).toBe('fast');
    expect(registry.active('acme')?.version).toBe(1);
    expect(stampOf(registry.active('acme'))).toBe(41);
  });

  it('the next message after an activation runs on the new version', async () => {
    const { registry } = await open();
    await registry.upload('acme', route.stamp(1), by);
    const before = registry.active('acme');
    await registry.upload('acme', route.stamp(2), by);
    expect(stampOf(before)).toBe(1);
    expect(stampOf(registry.active('acme'))).toBe(2);
  });

  it('an upload without activate is stored but not active', async () => {
    const { registry } = await open();
    await registry.upload('acme', route.stamp(1), by);
    const up = await registry.upload('acme', route.stamp(2), { by: 'test', activate: false });
    expect(up.ok && up.value.activated).toBe(false);
    expect(registry.active('acme')?.version).toBe(1);
    expect(registry.versions('acme')?.map((v) => [v.version, v.active, v.loaded])).toEqual([
      [2, false, false],
      [1, true, true],
    ]);
    const act = await registry.activate('acme', 2, 'test');
    expect(act).toMatchObject({ ok: true, value: { from: 1, to: 2, changed: true } });
    expect(stampOf(registry.active('acme'))).toBe(2);
  });

  it('reports each step of upload to active', async () => {
    const { registry, events } = await open();
    // Bytes no other test uploads: the same bytes would share an earlier compile (no steps of their own).
    const up = await registry.upload('acme', route.stamp(73), by);
    if (!up.ok) throw new Error(up.error.message);
    const { workerMs, totalMs, ...steps } = up.value.timings;
    expect(Object.keys(steps)).toEqual([
      'validateMs',
      'rewriteMs',
      'compileMs',
      'linkMs',
      'storeMs',
      'commitMs',
      'swapMs',
    ]);
    // Every step does work (the upload activates, so commit and swap too); the worker's share is what its
    // round trip adds to the three steps it runs; the total spans them all.
    for (const ms of Object.values(steps)) expect(ms).toBeGreaterThan(0);
    expect(workerMs).toBeGreaterThanOrEqual(0);
    const sum = Object.values(steps).reduce((a, b) => a + b, workerMs);
    expect(totalMs).toBeGreaterThanOrEqual(sum - 1e-6);
    expect(events).toEqual([
      { kind: 'activation', tenant: 'acme', how: 'activate', version: 1 },
      { kind: 'upload', tenant: 'acme', result: { ok: true, value: up.value.timings } },
    ]);
  });

  it('reports no compile steps for bytes that share the module of an earlier compile', async () => {
    const { registry } = await open();
    const first = await registry.upload('acme', route.stamp(74), by);
    const again = await registry.upload('acme', route.stamp(74), by);
    if (!first.ok || !again.ok) throw new Error('an upload failed');
    expect(first.value.timings.validateMs).toBeGreaterThan(0);
    expect(again.value.timings).toMatchObject({ validateMs: 0, rewriteMs: 0, compileMs: 0, workerMs: 0 });
    expect(again.value.version.version).toBe(2);
  });
});

describe('refusals', () => {
  it('refuses bytes that are not WebAssembly, naming the problem', async () => {
    const { registry } = await open();
    const up = await registry.upload('acme', new TextEncoder().encode('hello'), by);
    expect(up).toMatchObject({ ok: false, error: { code: 'malformed' } });
    expect(registry.versions('acme')).toEqual([]);
  });

  it('refuses a core module where a component is required', async () => {
    const { registry } = await open();
    const core = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    const up = await registry.upload('acme', core, by);
    expect(up).toMatchObject({ ok: false, error: { code: 'not-component' } });
  });

  it('refuses an upload above the tenant size limit', async () => {
    const { registry } = await open([spec('acme', { moduleLimits: { maxComponentBytes: 1000 } })]);
    const up = await registry.upload('acme', route.stamp(1), by);
    expect(up).toMatchObject({ ok: false, error: { code: 'too-large' } });
  });

  it('refuses a module importing an interface the tenant was not granted', async () => {
    const { registry } = await open([spec('acme', { capabilities: ['sl', 'core'] })]);
    const up = await registry.upload('acme', route.stamp(1), by);
    expect(up).toMatchObject({ ok: false, error: { code: 'capability' } });
  });

  it('names unknown tenants and versions', async () => {
    const { registry } = await open();
    expect(await registry.upload('nobody', route.stamp(1), by)).toMatchObject({
      ok: false,
      error: { code: 'unknown-tenant', message: "no tenant is named 'nobody'" },
    });
    expect(await registry.activate('acme', 7, 'test')).toMatchObject({
      ok: false,
      error: { code: 'unknown-version', message: "tenant 'acme' has no retained version 7" },
    });
    expect(await registry.rollback('acme', 'test')).toMatchObject({
      ok: false,
      error: { code: 'no-previous' },
    });
  });

  it('a refused upload leaves the active version in place', async () => {
    const { registry } = await open();
    await registry.upload('acme', route.stamp(1), by);
    await registry.upload('acme', new Uint8Array([1, 2, 3]), by);
    expect(stampOf(registry.active('acme'))).toBe(1);
  });
});

describe('rollback and retention', () => {
  it('rollback returns to the previous active version, and again to the one before', async () => {
    const { registry } = await open();
    for (const v of [1, 2, 3]) await registry.upload('acme', route.stamp(v), by);
    expect(await registry.rollback('acme', 'test')).toMatchObject({ ok: true, value: { from: 3, to: 2 } });
    expect(stampOf(registry.active('acme'))).toBe(2);
    expect(await registry.rollback('acme', 'test')).toMatchObject({ ok: true, value: { from: 2, to: 1 } });
    expect(stampOf(registry.active('acme'))).toBe(1);
    expect(await registry.rollback('acme', 'test')).toMatchObject({
      ok: false,
      error: { code: 'no-previous' },
    });
  });

  it('keeps the newest N versions plus the active one', async () => {
    const { registry } = await open([spec('acme', { retain: 3 })]);
    await registry.upload('acme', route.stamp(1), by);
    for (const v of [2, 3, 4, 5])
      await registry.upload('acme', route.stamp(v), { by: 'test', activate: false });
    expect(registry.versions('acme')?.map((v) => v.version)).toEqual([5, 4, 3, 1]);
    const last = await registry.upload('acme', route.stamp(6), by);
    expect(last.ok && last.value.pruned).toEqual([1, 3]);
    expect(registry.versions('acme')?.map((v) => v.version)).toEqual([6, 5, 4]);
  });

  it('activates any retained version, loading it from the store', async () => {
    const { registry } = await open();
    for (const v of [1, 2, 3]) await registry.upload('acme', route.stamp(v * 10), by);
    expect(registry.status('acme')?.loaded.map((l) => l.version)).toEqual([3]);
    expect(await registry.activate('acme', 1, 'test')).toMatchObject({ ok: true, value: { from: 3, to: 1 } });
    expect(stampOf(registry.active('acme'))).toBe(10);
    expect(await registry.activate('acme', 1, 'test')).toMatchObject({ ok: true, value: { changed: false } });
  });

  it('concurrent uploads get distinct versions and the last activation wins everywhere', async () => {
    const { registry, store } = await open();
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((v) => registry.upload('acme', route.stamp(v), by)),
    );
    const versions = results.map((r) => (r.ok ? r.value.version.version : 0));
    expect([...versions].sort()).toEqual([1, 2, 3, 4, 5]);
    const active = registry.active('acme')!;
    expect(store.current('acme')?.version).toBe(active.version);
    expect(active.version).toBe(5);
  });
});

describe('pinning and unloading', () => {
  it('an old version stays loaded while a transaction pins it, and unloads when the last pin ends', async () => {
    const { registry, events } = await open();
    await registry.upload('acme', route.stamp(1), by);
    const old = registry.active('acme')!;
    old.pin();
    old.pin();
    await registry.upload('acme', route.stamp(2), by);
    expect(registry.status('acme')?.loaded.map((l) => [l.version, l.active, l.pins])).toEqual([
      [2, true, 0],
      [1, false, 2],
    ]);
    // Its routes still run on the old version for the transactions that pinned it.
    expect(stampOf(old)).toBe(1);
    old.unpin();
    expect(registry.status('acme')?.loaded).toHaveLength(2);
    old.unpin();
    expect(registry.status('acme')?.loaded.map((l) => l.version)).toEqual([2]);
    expect(events.at(-1)).toEqual({ kind: 'unload', tenant: 'acme', version: 1 });
  });

  it('an unpinned old version unloads at the swap', async () => {
    const { registry } = await open();
    await registry.upload('acme', route.stamp(1), by);
    await registry.upload('acme', route.stamp(2), by);
    expect(registry.status('acme')?.loaded.map((l) => l.version)).toEqual([2]);
  });

  it('the active version never unloads, whatever its pins do', async () => {
    const { registry } = await open();
    await registry.upload('acme', route.stamp(1), by);
    const s = registry.active('acme')!;
    s.pin();
    s.unpin();
    s.unpin();
    expect(s.pins).toBe(0);
    expect(registry.active('acme')).toBe(s);
  });

  it('rolling back to a version still pinned reuses the loaded one', async () => {
    const { registry } = await open();
    await registry.upload('acme', route.stamp(1), by);
    const old = registry.active('acme')!;
    old.pin();
    await registry.upload('acme', route.stamp(2), by);
    await registry.rollback('acme', 'test');
    expect(registry.active('acme')).toBe(old);
    old.unpin();
    expect(registry.active('acme')).toBe(old);
  });

  it('a replaced version stays selectable for dialogs during the grace period, then unloads', async () => {
    const { registry } = await open([spec('acme', { dialogGraceMs: 60_000 })]);
    await registry.upload('acme', route.stamp(1), by);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    await registry.upload('acme', route.stamp(2), by);
    expect(registry.dialogScript('acme', 1)).toMatchObject({ version: 1 });
    expect(registry.dialogScript('acme', 2)).toMatchObject({ version: 2 });
    vi.advanceTimersByTime(60_001);
    expect(registry.dialogScript('acme', 1)).toBeUndefined();
    expect(registry.status('acme')?.loaded.map((l) => l.version)).toEqual([2]);
  });

  it('counts the grace period from the last transaction of the replaced version, within its bound', async () => {
    const { registry } = await open([spec('acme', { dialogGraceMs: 5_000, dialogGraceMaxMs: 30_000 })]);
    await registry.upload('acme', route.stamp(1), by);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const old = registry.active('acme')!;
    old.pin(); // an INVITE transaction that outlives the grace period
    await registry.upload('acme', route.stamp(2), by);
    vi.advanceTimersByTime(8_000);
    // Past the grace period counted from the replacement, but its transaction still runs.
    expect(registry.dialogScript('acme', 1)).toBe(old);
    old.unpin();
    vi.advanceTimersByTime(4_000);
    // The late ACK or BYE of that dialog still finds its version: grace runs from the last unpin.
    expect(registry.dialogScript('acme', 1)).toBe(old);
    // In-dialog requests keep it busy, but never beyond the bound after the replacement.
    for (let at = 12_000; at < 28_000; at += 4_000) {
      old.pin();
      vi.advanceTimersByTime(1_000);
      old.unpin();
      vi.advanceTimersByTime(3_000);
      expect(registry.dialogScript('acme', 1)).toBe(old);
    }
    old.pin();
    vi.advanceTimersByTime(2_001);
    expect(registry.dialogScript('acme', 1)).toBeUndefined();
    old.unpin();
    expect(registry.status('acme')?.loaded.map((l) => l.version)).toEqual([2]);
  });

  it('ends the grace period of a replaced version without transactions after the grace period', async () => {
    const { registry } = await open([spec('acme', { dialogGraceMs: 5_000, dialogGraceMaxMs: 30_000 })]);
    await registry.upload('acme', route.stamp(1), by);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    await registry.upload('acme', route.stamp(2), by);
    vi.advanceTimersByTime(4_999);
    expect(registry.dialogScript('acme', 1)).toMatchObject({ version: 1 });
    vi.advanceTimersByTime(2);
    expect(registry.dialogScript('acme', 1)).toBeUndefined();
    expect(registry.status('acme')?.loaded.map((l) => l.version)).toEqual([2]);
  });
});

describe('following a cluster (src/cluster/)', () => {
  it("applies another node's activation as that node made it: a rollback revokes the replaced version", async () => {
    const { registry } = await open([spec('acme', { dialogGraceMs: 60_000 })]);
    await registry.upload('acme', route.stamp(1), by);
    await registry.upload('acme', route.stamp(2), { by: 'test', activate: false });
    const followed = await registry.follow('acme', 2, 'activate', 'op@node-2');
    expect(followed).toMatchObject({ ok: true, value: { from: 1, to: 2, changed: true } });
    expect(registry.dialogScript('acme', 1)).toMatchObject({ version: 1 });
    const back = await registry.follow('acme', 1, 'rollback', 'op@node-3');
    expect(back).toMatchObject({ ok: true, value: { from: 2, to: 1, changed: true } });
    expect(stampOf(registry.active('acme'))).toBe(1);
    // No dialog grace for a version rolled back from: unloaded at once (it held no transaction).
    expect(registry.dialogScript('acme', 2)).toBeUndefined();
    expect(registry.status('acme')?.loaded.map((l) => l.version)).toEqual([1]);
    expect(registry.activations('acme')?.[0]).toMatchObject({
      version: 1,
      kind: 'rollback',
      by: 'op@node-3',
    });
    expect(await registry.follow('acme', 9, 'breaker', 'x')).toMatchObject({
      ok: false,
      error: { code: 'unknown-version' },
    });
  });
});

describe('restart', () => {
  it('brings back each tenant active version from the data directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kemi-registry-'));
    const first = await open([spec('acme'), spec('beta')], dir);
    await first.registry.upload('acme', route.stamp(1), by);
    await first.registry.upload('acme', route.stamp(2), by);
    await first.registry.upload('beta', route.stamp(7), by);
    await first.registry.rollback('acme', 'test');
    await first.close();
    opened.length = 0;

    const { registry } = await open([spec('acme'), spec('beta')], dir);
    expect(stampOf(registry.active('acme'))).toBe(1);
    expect(stampOf(registry.active('beta'))).toBe(7);
  });

  it('falls back to the last good version when the active one is corrupt, and records it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kemi-registry-'));
    const first = await open([spec('acme')], dir);
    await first.registry.upload('acme', route.stamp(1), by);
    await first.registry.upload('acme', route.stamp(2), by);
    const up = await first.registry.upload('acme', route.stamp(3), by);
    await first.close();
    opened.length = 0;
    if (!up.ok) throw new Error(up.error.message);
    writeFileSync(join(dir, 'modules', `${up.value.version.sha256}.wasm`), route.stamp(99));

    const { registry, store } = await open([spec('acme')], dir);
    expect(stampOf(registry.active('acme'))).toBe(2);
    expect(store.current('acme')).toMatchObject({ version: 2, kind: 'fallback', by: 'boot' });
    expect(store.version('acme', 3)).toMatchObject({ state: 'corrupt' });
    // Rolling back from the fallback goes on to the version before it.
    expect(await registry.rollback('acme', 'test')).toMatchObject({ ok: true, value: { to: 1 } });
  });

  it('imports the configured route as version 1 when the store has none, and not again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kemi-registry-'));
    const file = join(dir, 'route.wasm');
    writeFileSync(file, route.stamp(5));
    const first = await open([spec('acme', { module: file })], join(dir, 'data'));
    expect(stampOf(first.registry.active('acme'))).toBe(5);
    await first.registry.upload('acme', route.stamp(6), by);
    await first.close();
    opened.length = 0;
    const { registry } = await open([spec('acme', { module: file })], join(dir, 'data'));
    expect(stampOf(registry.active('acme'))).toBe(6);
    expect(registry.versions('acme')?.map((v) => [v.version, v.createdBy])).toEqual([
      [2, 'test'],
      [1, 'config'],
    ]);
  });

  it('a module file that does not load stops the start with its reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kemi-registry-'));
    const file = join(dir, 'route.wasm');
    writeFileSync(file, 'not wasm');
    await expect(openRegistry(compiler, [spec('acme', { module: file })])).rejects.toThrow(
      new RegExp(`module ${file} refused \\(malformed\\)`),
    );
  });
});
