// Ways out of the limits that neither toolchain emits but a hand-written module can: each was found while
// building the attack corpus, and each is now closed at load or at invocation. The guests are WAT, wrapped
// as components the way wit-component does (or by hand where wit-component would refuse).
import { describe, expect, it } from 'vitest';
import { componentFromWat, Guest } from '../../fixtures/guest.ts';
import { wasmTools } from '../../fixtures/wasm-tools.ts';
import type { RoutePath } from '../../src/runtime/index.ts';
import { engine, PATHS, runnerFor } from '../runtime/helpers/run.ts';
import { asContext, testContext } from '../runtime/helpers/tables.ts';

const OTHER_ROUTES = `(func (export "reply-route")) (func (export "named-route") (param i32 i32))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024))`;

describe('escapes closed at load', () => {
  it('refuses GC struct/array types: their objects live in the host heap, outside the memory cap', async () => {
    // Unrefused, this route took the process down with "FATAL ERROR: ... JavaScript heap out of memory"
    // in about 1.5 s: 1000 arrays of 10 M i64 each, kept alive in a global.
    const bytes = await componentFromWat(`(module
      (type $a (array (mut i64))) (type $aa (array (mut (ref null $a))))
      (global $keep (mut (ref null $aa)) (ref.null $aa))
      (memory (export "memory") 1)
      (func (export "request-route") (local $i i32)
        (global.set $keep (array.new $aa (ref.null $a) (i32.const 1000)))
        (loop $l
          (array.set $aa (global.get $keep) (local.get $i) (array.new $a (i64.const 0) (i32.const 10000000)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (i32.const 1000)))))
      ${OTHER_ROUTES})`);
    const result = await engine.compile(bytes);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toEqual({
      code: 'unsupported',
      message:
        'the core module: it declares GC struct or array types, whose objects would live in the host heap, outside the memory cap',
    });
  });

  it('refuses a shared memory: memory.atomic.wait on it would block the server thread', async () => {
    // wit-component refuses a shared memory as the canonical one, so this component is written by hand: a
    // second core module with its own shared memory exports request-route. Unrefused, the route blocked the
    // thread for the whole 2 s timeout it asked for (and a timeout of -1 waits forever).
    const tools = await wasmTools();
    const bytes = tools.parse(`(component
      (core module $A
        (memory (export "memory") 1)
        (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024))
        (func (export "reply-route"))
        (func (export "named-route") (param i32 i32)))
      (core module $B
        (memory 1 1 shared)
        (func (export "request-route")
          (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const 2000000000)))))
      (core instance $a (instantiate $A))
      (core instance $b (instantiate $B))
      (func (export "request-route") (canon lift (core func $b "request-route")))
      (func (export "reply-route") (canon lift (core func $a "reply-route")))
      (func (export "named-route") (param "name" string)
        (canon lift (core func $a "named-route") (memory (core memory $a "memory"))
          (realloc (core func $a "cabi_realloc")))))`);
    const result = await engine.compile(bytes);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('unsupported');
    expect(result.error.message).toMatch(
      /^core module [\w.]+: memory 0 is shared: memory.atomic.wait on it would block the server's thread$/,
    );
  });
});

/**
 * A route that runs `body` inside try_table/catch_all: it catches whatever the host throws at it. Compiled
 * without fuel: with fuel on, try_table is refused at load (fuel.test.ts), so this escape is open only to
 * tenants whose modules are not metered.
 */
async function catching(path: RoutePath, build: (g: Guest) => string) {
  const g = new Guest();
  g.memoryPages = 20;
  g.field('(func $deep (param i32) (result i32) (i32.add (call $deep (local.get 0)) (i32.const 1)))');
  g.route('request-route', `(block $caught (try_table (catch_all $caught) ${build(g)}))`);
  return runnerFor(await g.component(), path, { compile: { limits: { fuel: false } } });
}

describe.each(PATHS)('escapes closed at invocation on the %s path', (path) => {
  it('fails a route that catches the KSR call limit and returns normally', async () => {
    const runner = await catching(path, (g) => {
      g.ref('core', 'setflag');
      return '(loop $l (drop (call $core.setflag (i32.const 1))) (br $l))';
    });
    const ctx = testContext();
    const outcome = runner.invoke('request-route', asContext(ctx));
    expect(outcome).toMatchObject({
      ok: false,
      error: {
        cause: 'limit',
        message:
          'request-route: the route caught a host error and went on: core.setflag: more than 10000 KSR calls in one invocation',
      },
    });
    expect(ctx.calls).toHaveLength(10_000);
    // The instance that caught it is discarded like any failed one.
    expect(runner.invoke('reply-route', asContext(testContext()))).toEqual({ ok: true });
    expect(runner.stats.instances).toBe(2);
  });

  it('stops a route whose string arguments total more than maxArgumentBytes', async () => {
    // 100 000-byte values into $var(hoard): each under the string limit, together over 1 MB at the 11th.
    const g = new Guest();
    g.memoryPages = 4;
    g.route(
      'request-route',
      `(loop $l ${g.call('pv', 'sets', ['$var(hoard)', { wat: '(i32.const 1024) (i32.const 100000)' }])} (br $l))`,
    );
    const runner = await runnerFor(await g.component(), path, {
      runner: { limits: { maxArgumentBytes: 1_000_000 } },
    });
    const ctx = testContext();
    expect(runner.invoke('request-route', asContext(ctx))).toMatchObject({
      ok: false,
      error: {
        cause: 'limit',
        message:
          'request-route: pv.sets: the string arguments of this invocation total more than 1000000 bytes',
      },
    });
    expect(ctx.calls).toHaveLength(9);
  });

  it('fails a route that catches the string limit', async () => {
    const runner = await catching(path, (g) =>
      g.call('core', 'info', [{ wat: '(i32.const 0) (i32.const 1200000)' }]),
    );
    expect(runner.invoke('request-route', asContext(testContext()))).toMatchObject({
      ok: false,
      error: {
        cause: 'limit',
        message: expect.stringContaining('caught a host error and went on: core.info: argument'),
      },
    });
  });

  it('still fails a route that catches nothing (a stack overflow is not catchable)', async () => {
    const deep = await catching(path, () => '(drop (call $deep (i32.const 0)))');
    expect(deep.invoke('request-route', asContext(testContext()))).toMatchObject({
      ok: false,
      error: { cause: 'stack' },
    });
  });
});

// On the jco path a bad pointer is found by jco's own lowering code, whose error the runtime does not see
// (a guest that catches it only loses its own call; docs/sandbox.md lists the difference).
it('fails a route that catches the bad-pointer trap on the fast path', async () => {
  const runner = await catching('fast', (g) =>
    g.call('core', 'info', [{ wat: '(i32.const 1310000) (i32.const 1000)' }]),
  );
  expect(runner.invoke('request-route', asContext(testContext()))).toMatchObject({
    ok: false,
    error: {
      cause: 'trap',
      message: expect.stringContaining('(1000 bytes at 1310000) is outside guest memory'),
    },
  });
});
