// The compile worker: results come back as usable modules, a refusal is a value, and a compile that runs
// past the deadline is refused without stopping later ones.
import { afterEach, describe, expect, it } from 'vitest';
import { ksrModules } from '../../src/kemi/index.ts';
import { ModuleCompiler } from '../../src/registry/index.ts';
import { createRunner, Linker } from '../../src/runtime/index.ts';
import { buildStampedRoute, padCoreModules } from './fixtures.ts';

const compilers: ModuleCompiler[] = [];
afterEach(async () => {
  for (const c of compilers.splice(0)) await c.close();
});

function make(timeoutMs?: number, timeoutMsPerMib?: number) {
  const c = new ModuleCompiler({ timeoutMs, timeoutMsPerMib });
  compilers.push(c);
  return c;
}

describe('ModuleCompiler', () => {
  it('compiles in the worker into a module the main thread links and runs', async () => {
    const route = await buildStampedRoute();
    const out = await make().compile(route.stamp(3));
    if (!out.ok) throw new Error(out.error.message);
    expect(out.value.module.path).toBe('fast');
    expect(out.value.module.meta.sha256).toMatch(/^[0-9a-f]{64}$/);
    const linked = createRunner(out.value.module, new Linker(ksrModules));
    expect(linked.ok).toBe(true);
  }, 60_000);

  it('returns a refusal as a value and keeps serving jobs in order', async () => {
    const c = make();
    const [bad, worse] = await Promise.all([
      c.compile(new Uint8Array([1, 2, 3])),
      c.compile(new Uint8Array()),
    ]);
    expect(bad).toMatchObject({ ok: false, error: { code: 'malformed' } });
    expect(worse.ok).toBe(false);
  });

  it('refuses an upload that makes the validator trap, and compiles the next one on a new thread', async () => {
    // 14 bytes on which jco's transpiler panics: jco runs in the compile worker's thread, which is dead for
    // every later transpile after that, so the worker retires and the next upload gets a new one.
    const trap = Uint8Array.from([
      0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 0x3d, 0xb5, 0xc2, 0xfb, 0x81, 0x0c,
    ]);
    const route = await buildStampedRoute();
    const c = make();
    const [trapped, next] = await Promise.all([c.compile(trap), c.compile(route.stamp(2))]);
    expect(trapped).toEqual({
      ok: false,
      error: {
        code: 'malformed',
        message: 'invalid component: wasm trap: wasm `unreachable` instruction executed',
      },
    });
    expect(next.ok).toBe(true);
  }, 60_000);

  it('refuses a compile that runs past the deadline', async () => {
    const route = await buildStampedRoute();
    const out = await make(1, 0).compile(route.stamp(1));
    expect(out).toMatchObject({
      ok: false,
      error: { code: 'timeout', message: 'compiling took longer than 1 ms: refused' },
    });
  }, 60_000);

  it('gives a compile its base bound plus an allowance per MiB of the component', async () => {
    const bytes = (await buildStampedRoute()).stamp(1);
    const compiler = make(1, 60_000);
    const bound = compiler.timeoutFor(bytes.length);
    expect(bound).toBe(Math.round(1 + (60_000 * bytes.length) / 1024 / 1024));
    // The default: 60 s, and 10 s per MiB (a 12 MiB JavaScript route: 3 min).
    expect(make().timeoutFor(12 * 1024 * 1024)).toBe(60_000 + 12 * 10_000);
  }, 60_000);

  it('compiles an urgent job (breaker rollback, fail-open) in its own lane, not behind uploads', async () => {
    const route = await buildStampedRoute();
    const c = make();
    // Both lanes warm, so that only the queue decides the order.
    await Promise.all([
      c.compile(route.stamp(1)),
      c.compile(route.stamp(2), {}, { tenant: 'a', urgent: true }),
    ]);
    const order: string[] = [];
    // Each job its own bytes: the same bytes would share one compile (the cache).
    const compile = (name: string, stamp: number, lane: { tenant: string; urgent?: boolean }) =>
      c.compile(route.stamp(stamp), {}, lane).then((out) => {
        expect(out.ok).toBe(true);
        order.push(name);
      });
    const uploads = [1, 2, 3, 4, 5, 6].map((n) => compile(`upload${n}`, n + 10, { tenant: 'burst' }));
    await compile('urgent', 20, { tenant: 'a', urgent: true });
    await Promise.all(uploads);
    // Six uploads run one after another in the upload lane; the urgent one ran beside them.
    expect(order.indexOf('urgent')).toBeLessThan(order.indexOf('upload6'));
  }, 60_000);

  it('ends a compile whose process passes its memory bound outside the JS heap, and compiles the next', async () => {
    const route = await buildStampedRoute();
    const c = new ModuleCompiler({ maxMemoryMb: 400 });
    compilers.push(c);
    // About 470 MiB resident (jco's WebAssembly memory, the rewriter's buffers), little of it JS heap.
    const hostile = await c.compile(padCoreModules(route.stamp(1), 10 * 1024 * 1024));
    expect(hostile).toMatchObject({
      ok: false,
      error: { code: 'crashed', message: expect.stringMatching(/above its bound of 400 MiB/) },
    });
    expect((await c.compile(route.stamp(2))).ok).toBe(true);
  }, 60_000);

  it('compiles the same bytes under the same options once, sharing the module, concurrent or later', async () => {
    const route = await buildStampedRoute();
    const c = make();
    const options = { limits: { maxMemoryBytes: 32 * 1024 * 1024 } };
    const [a, b] = await Promise.all([
      c.compile(route.stamp(5), options),
      c.compile(route.stamp(5), options),
    ]);
    const later = await c.compile(route.stamp(5), options);
    if (!a.ok || !b.ok || !later.ok) throw new Error('a compile failed');
    expect(b.value.module).toBe(a.value.module);
    expect(later.value.module).toBe(a.value.module);
    expect(c.stats).toEqual({ compiles: 1, shared: 2 });
    // Other bytes, or the same bytes under other options, compile on their own.
    const other = await c.compile(route.stamp(6), options);
    const narrower = await c.compile(route.stamp(5), {});
    if (!other.ok || !narrower.ok) throw new Error('a compile failed');
    expect(other.value.module).not.toBe(a.value.module);
    expect(narrower.value.module).not.toBe(a.value.module);
    expect(c.stats).toEqual({ compiles: 3, shared: 2 });
  }, 60_000);

  it('does not keep a refusal: the same bytes are compiled (and refused) again', async () => {
    const c = make();
    expect((await c.compile(new Uint8Array([1, 2, 3]))).ok).toBe(false);
    expect((await c.compile(new Uint8Array([1, 2, 3]))).ok).toBe(false);
    expect(c.stats).toEqual({ compiles: 2, shared: 0 });
  });

  it('refuses work after close', async () => {
    const c = make();
    await c.close();
    expect(await c.compile(new Uint8Array([0]))).toMatchObject({ ok: false, error: { code: 'crashed' } });
  });
});
