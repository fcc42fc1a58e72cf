// The compile worker: results come back as usable modules, a refusal is a value, and a compile that runs
// past the deadline is refused without stopping later ones.
import { afterEach, describe, expect, it } from 'vitest';
import { ksrModules } from '../../src/kemi/index.ts';
import { ModuleCompiler } from '../../src/registry/index.ts';
import { createRunner, Linker } from '../../src/runtime/index.ts';
import { buildStampedRoute } from './fixtures.ts';

const compilers: ModuleCompiler[] = [];
afterEach(async () => {
  for (const c of compilers.splice(0)) await c.close();
});

function make(timeoutMs?: number) {
  const c = new ModuleCompiler({ timeoutMs });
  compilers.push(c);
  return c;
}

describe('ModuleCompiler', () => {
  it('compiles in the worker into a module the main thread links and runs', async () => {
    const route = await buildStampedRoute();
    const out = await make().compile(route.stamp(3));
    if (!out.ok) throw new Error(out.error.message);
    expect(out.module.path).toBe('fast');
    expect(out.module.meta.sha256).toMatch(/^[0-9a-f]{64}$/);
    const linked = createRunner(out.module, new Linker(ksrModules));
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

  it('refuses a compile that runs past the deadline', async () => {
    const route = await buildStampedRoute();
    const out = await make(1).compile(route.stamp(1));
    expect(out).toMatchObject({
      ok: false,
      error: { code: 'timeout', message: 'compiling took longer than 1 ms: refused' },
    });
  }, 60_000);

  it('refuses work after close', async () => {
    const c = make();
    await c.close();
    expect(await c.compile(new Uint8Array([0]))).toMatchObject({ ok: false, error: { code: 'crashed' } });
  });
});
