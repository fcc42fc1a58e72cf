// Hostile or broken guests on both paths: each failure is an outcome with the right cause, never an
// exception out of invoke, and the next invocation runs on a fresh instance.
import { describe, expect, it } from 'vitest';
import { Guest } from '../../fixtures/guest.ts';
import { COLD_DEADLINE_MS, type ModuleRunner } from '../../src/runtime/runner.ts';
import { FIRST_SLICE_UNITS } from '../../src/runtime/store.ts';
import { PATHS, type RunSetup, runnerFor } from './helpers/run.ts';
import { asContext, testContext } from './helpers/tables.ts';

const MB = 1024 * 1024;

async function guestRunner(
  path: 'fast' | 'jco',
  build: (g: Guest) => void,
  setup?: RunSetup,
): Promise<ModuleRunner> {
  const g = new Guest();
  build(g);
  return runnerFor(await g.component(), path, setup);
}

describe.each(PATHS)('limits on the %s path', (path) => {
  it('stops an infinite loop when the fuel runs out', async () => {
    const runner = await guestRunner(path, (g) => g.route('request-route', '(loop $forever (br $forever))'), {
      runner: { limits: { fuel: 1_000_000 } },
    });
    const outcome = runner.invoke('request-route', asContext(testContext()));
    expect(outcome).toMatchObject({ ok: false, error: { cause: 'fuel' } });
    expect(outcome.ok || outcome.error.message).toContain('budget of 1000000 units');
    expect(runner.last.fuelUsed).toBeGreaterThan(1_000_000);
  });

  it('stops a loop that makes no KSR call at its deadline, well within its fuel', async () => {
    const runner = await guestRunner(path, (g) => g.route('request-route', '(loop $forever (br $forever))'), {
      runner: { limits: { fuel: 2_000_000_000, deadlineMs: 20 } },
    });
    // The first invocation of a route is cold (V8 compiles on first call): it gets COLD_DEADLINE_MS, long
    // enough on a quiet machine for this loop to spend all 2^31 units first (0.1 ns a unit): either ends it.
    const cold = runner.invoke('request-route', asContext(testContext()));
    expect(cold.ok).toBe(false);
    if (!cold.ok && cold.error.cause === 'deadline')
      expect(cold.error.message).toContain(`budget of ${COLD_DEADLINE_MS} ms of CPU time`);
    else expect(cold).toMatchObject({ ok: false, error: { cause: 'fuel' } });
    // Warm, 20 ms is far from the time the budget takes: the deadline ends it.
    {
      const outcome = runner.invoke('request-route', asContext(testContext()));
      expect(outcome).toMatchObject({
        ok: false,
        error: { cause: 'deadline', message: expect.stringContaining('budget of 20 ms of CPU time') },
      });
      // Stopped by a checkpoint: more than the first slice spent, far from the budget.
      expect(runner.last.fuelUsed).toBeGreaterThan(FIRST_SLICE_UNITS);
      expect(runner.last.fuelUsed).toBeLessThan(2_000_000_000);
    }
    // The next invocation gets a fresh instance and its own deadline.
    expect(runner.invoke('reply-route', asContext(testContext()))).toEqual({ ok: true, value: undefined });
    expect(runner.stats.instances).toBe(3);
  });

  it('reports a memory bomb as memory exhaustion at the cap', async () => {
    const bomb =
      '(loop $grow (br_if $grow (i32.ne (memory.grow (i32.const 16)) (i32.const -1)))) unreachable';
    const runner = await guestRunner(path, (g) => g.route('request-route', bomb), {
      compile: { limits: { maxMemoryBytes: 8 * MB } },
    });
    const outcome = runner.invoke('request-route', asContext(testContext()));
    expect(outcome).toMatchObject({ ok: false, error: { cause: 'memory' } });
    expect(outcome.ok || outcome.error.message).toContain('8388608-byte cap');
  });

  it('reports deep recursion as a stack overflow', async () => {
    const runner = await guestRunner(path, (g) =>
      g
        .field(
          '(func $deep (param i32) (result i32) (i32.add (call $deep (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))',
        )
        .route('request-route', '(drop (call $deep (i32.const 0)))'),
    );
    expect(runner.invoke('request-route', asContext(testContext()))).toMatchObject({
      ok: false,
      error: { cause: 'stack' },
    });
  });

  it('reports other traps as traps', async () => {
    const runner = await guestRunner(path, (g) =>
      g.route('request-route', '(drop (i32.load (i32.const -4)))'),
    );
    const outcome = runner.invoke('request-route', asContext(testContext()));
    expect(outcome).toMatchObject({ ok: false, error: { cause: 'trap', route: 'request-route' } });
  });

  it('refuses a huge string from the guest before copying it', async () => {
    const runner = await guestRunner(path, (g) => {
      g.memoryPages = 40;
      g.route('request-route', g.call('core', 'info', [{ wat: '(i32.const 0) (i32.const 2000000)' }]));
    });
    const ctx = testContext();
    const outcome = runner.invoke('request-route', asContext(ctx));
    expect(outcome).toMatchObject({ ok: false, error: { cause: 'limit' } });
    expect(outcome.ok || outcome.error.message).toContain(
      "core.info: argument 'msg' is 2000000 bytes, above the 1048576-byte string limit",
    );
    expect(ctx.calls).toEqual([]);
  });

  it('refuses a huge string from the host before allocating it in the guest', async () => {
    const runner = await guestRunner(
      path,
      (g) => g.route('request-route', g.echoString(g.call('pv', 'gete', ['$rb']))),
      {
        runner: { limits: { maxStringBytes: 1000 } },
      },
    );
    const ctx = testContext({ 'pv.gete': 'x'.repeat(1001) });
    const outcome = runner.invoke('request-route', asContext(ctx));
    expect(outcome).toMatchObject({ ok: false, error: { cause: 'limit' } });
    expect(outcome.ok || outcome.error.message).toContain(
      'pv.gete: result is 1001 bytes, above the 1000-byte string limit',
    );
  });

  it('stops a flood of KSR calls', async () => {
    const flood = `(local $i i32) (loop $l ${'(drop (call $core.setflag (i32.const 1)))'}
      (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const 1000000))))`;
    // A generous deadline: on a loaded machine 10000 calls through jco's glue can take over 100 ms.
    const runner = await guestRunner(
      path,
      (g) => {
        g.ref('core', 'setflag');
        g.route('request-route', flood);
      },
      { runner: { limits: { deadlineMs: 60_000 } } },
    );
    const ctx = testContext();
    const outcome = runner.invoke('request-route', asContext(ctx));
    expect(outcome).toMatchObject({ ok: false, error: { cause: 'limit' } });
    expect(outcome.ok || outcome.error.message).toContain('more than 10000 KSR calls in one invocation');
    expect(ctx.calls).toHaveLength(10_000);
  });

  it('stops a route that logs more than its budget', async () => {
    const line = 'x'.repeat(100);
    const runner = await guestRunner(
      path,
      (g) => {
        const info = g.call('core', 'info', [line]);
        g.route(
          'request-route',
          `(local $i i32) (loop $l ${info} (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const 100))))`,
        );
      },
      { runner: { limits: { maxLogBytes: 5000 } } },
    );
    const ctx = testContext();
    ctx.meter = runner.meter;
    const outcome = runner.invoke('request-route', asContext(ctx));
    expect(outcome).toMatchObject({
      ok: false,
      error: { cause: 'limit', message: expect.stringContaining('log output exceeds 5000 bytes') },
    });
    expect(ctx.calls).toHaveLength(51);
    // Outside an invocation the meter charges nothing.
    expect(() => runner.meter.chargeLog(1e9)).not.toThrow();
  });

  /** A host function that takes 5 ms. */
  const slow = () => {
    const until = performance.now() + 5;
    while (performance.now() < until);
    return 1;
  };
  /** A route calling core.setflag `n` times, with a 20 ms deadline. */
  const setflagLoop = (n: number) =>
    guestRunner(
      path,
      (g) => {
        g.ref('core', 'setflag');
        g.route(
          'request-route',
          `(local $i i32) (loop $l (drop (call $core.setflag (i32.const 1))) (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const ${n}))))`,
        );
      },
      { runner: { limits: { deadlineMs: 20 } } },
    );

  it('stops a route that spends its time in host calls past the deadline', async () => {
    const runner = await setflagLoop(100);
    const ctx = testContext({ 'core.setflag': slow });
    const outcome = runner.invoke('request-route', asContext(ctx));
    expect(outcome).toMatchObject({
      ok: false,
      error: { cause: 'deadline', message: expect.stringContaining('the invocation is past its deadline (') },
    });
    expect(ctx.calls.length).toBeLessThan(100);
  });

  it('reports a route that returns after its deadline as overran (its calls made between the checks)', async () => {
    // Ten slow calls: fewer than the 16 between deadline checks at KSR calls, and no fuel checkpoint.
    const runner = await setflagLoop(10);
    const quick = testContext({ 'core.setflag': () => 1 });
    // The first invocation has the cold grace; the second is warm.
    expect(runner.invoke('request-route', asContext(quick))).toEqual({ ok: true });
    expect(runner.invoke('request-route', asContext(quick))).toEqual({ ok: true });
    expect(runner.last.overran).toBe(false);
    const ctx = testContext({ 'core.setflag': slow });
    expect(runner.invoke('request-route', asContext(ctx))).toEqual({ ok: true });
    expect(ctx.calls).toHaveLength(10);
    expect(runner.last.overran).toBe(true);
    expect(runner.invoke('request-route', asContext(quick))).toEqual({ ok: true });
    expect(runner.last.overran).toBe(false);
  });

  /** A host function that takes 5 ms of wall-clock time and no CPU: the host did not run the route meanwhile. */
  const stalled = () => {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    return 1;
  };

  it('does not charge a route for wall-clock time the thread spent off the CPU', async () => {
    // 10 stalls of 5 ms: 50 ms on the wall clock, more than twice the 20 ms deadline, ~no CPU time.
    const runner = await setflagLoop(10);
    const quick = testContext({ 'core.setflag': () => 1 });
    expect(runner.invoke('request-route', asContext(quick))).toEqual({ ok: true }); // cold
    const ctx = testContext({ 'core.setflag': stalled });
    expect(runner.invoke('request-route', asContext(ctx))).toEqual({ ok: true });
    expect(ctx.calls).toHaveLength(10);
    expect(runner.last.overran).toBe(false);
    // 100 stalls: 500 ms, past the bound on the wall clock (10x the deadline) whatever the CPU time.
    const runner100 = await setflagLoop(100);
    expect(runner100.invoke('request-route', asContext(quick))).toEqual({ ok: true }); // cold
    const long = testContext({ 'core.setflag': stalled });
    expect(runner100.invoke('request-route', asContext(long))).toMatchObject({
      ok: false,
      error: { cause: 'deadline' },
    });
    expect(long.calls.length).toBeGreaterThanOrEqual(40);
    expect(long.calls.length).toBeLessThan(100);
  });

  it('refuses a named-route name above the string limit', async () => {
    const runner = await guestRunner(path, () => {}, { runner: { limits: { maxStringBytes: 10 } } });
    const outcome = runner.invoke('named-route', asContext(testContext()), 'x'.repeat(11));
    expect(outcome).toMatchObject({ ok: false, error: { cause: 'limit', route: 'named-route' } });
  });
});
