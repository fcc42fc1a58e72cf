// Fuel counts work, not loop iterations: a loop pays the static cost of its body on every iteration, a
// function the cost of its body on entry, and bulk memory operations one unit per 16 bytes. Before, one
// unit per iteration let a loop around memory.fill (16 MiB) or a 20 000-instruction body run for hours
// on the default budget. Each guest counts its iterations through pv.seti, so that with the old accounting
// the test ends (on the KSR call limit, with another cause) instead of hanging.
import { describe, expect, it } from 'vitest';
import { Guest } from '../../fixtures/guest.ts';
import { engine, PATHS, runnerFor } from '../runtime/helpers/run.ts';
import { asContext, testContext } from '../runtime/helpers/tables.ts';

/** A route looping over `work`, counting its iterations in $var(n). */
function looping(g: Guest, work: string): void {
  const count = g.call('pv', 'seti', ['$var(n)', { wat: '(local.get $n)' }]);
  g.route(
    'request-route',
    `(local $n i32) (loop $l ${work} (local.set $n (i32.add (local.get $n) (i32.const 1))) ${count} (br $l))`,
  );
}

describe.each(PATHS)('fuel on the %s path', (path) => {
  async function spend(build: (g: Guest) => void, fuel: number) {
    const g = new Guest();
    build(g);
    const runner = await runnerFor(await g.component(), path, { runner: { limits: { fuel } } });
    const ctx = testContext();
    const outcome = runner.invoke('request-route', asContext(ctx));
    return { outcome, iterations: ctx.vars.get('$var(n)') ?? 0, runner };
  }

  it.each([
    ['memory.fill', '(memory.fill (i32.const 0) (i32.const 0) (i32.const 1048576))'],
    ['memory.copy', '(memory.copy (i32.const 0) (i32.const 1048576) (i32.const 1048576))'],
    ['memory.init', '(memory.init $seg (i32.const 0) (i32.const 0) (i32.const 65536))'],
  ])('charges %s by its size', async (_, op) => {
    const { outcome, iterations } = await spend((g) => {
      g.memoryPages = 40;
      g.field(`(data $seg "${'\\00'.repeat(65536)}")`);
      looping(g, op);
    }, 300_000);
    expect(outcome).toMatchObject({ ok: false, error: { cause: 'fuel' } });
    // 1 MiB costs 65 536 units (and 64 KiB 4096): a handful of iterations, not 10 000.
    expect(iterations).toBeLessThanOrEqual(op.includes('init') ? 75 : 5);
  });

  it('charges a loop by the size of its body', async () => {
    const body = '(global.set $x (i32.xor (i32.mul (global.get $x) (i32.const 31)) (i32.const 7)))'.repeat(
      20_000,
    );
    const { outcome, iterations } = await spend((g) => {
      g.field('(global $x (mut i32) (i32.const 1))');
      looping(g, body);
    }, 300_000);
    expect(outcome).toMatchObject({ ok: false, error: { cause: 'fuel' } });
    expect(iterations).toBeLessThanOrEqual(5);
  });

  it('stops endless tail recursion, which never overflows the stack', async () => {
    const { outcome } = await spend((g) => {
      g.field('(func $again (param i32) (return_call $again (i32.add (local.get 0) (i32.const 1))))');
      g.route('request-route', '(call $again (i32.const 0))');
    }, 1_000_000);
    expect(outcome).toMatchObject({ ok: false, error: { cause: 'fuel' } });
  });

  it('stops a start function that spins, at instantiation, as out of fuel', async () => {
    const { outcome, runner } = await spend((g) => {
      g.field('(func $init (loop $l (br $l))) (start $init)');
    }, 1_000_000);
    expect(outcome).toMatchObject({
      ok: false,
      error: {
        cause: 'fuel',
        message:
          'request-route: instantiation failed: out of fuel: the route used up its budget of 1000000 units',
      },
    });
    expect(runner.stats.instances).toBe(0);
  });
});

describe('what fuel cannot meter', () => {
  it('refuses try_table when fuel is on: the rewrite cannot look inside it', async () => {
    const g = new Guest();
    g.route('request-route', '(block $caught (try_table (catch_all $caught) (loop $l (br $l))))');
    const bytes = await g.component();
    const result = await engine.compile(bytes);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toEqual({
      code: 'unsupported',
      message:
        'the core module: it cannot be metered: function 1 uses try_table, which the fuel rewrite cannot look inside',
    });
    expect((await engine.compile(bytes, { limits: { fuel: false } })).ok).toBe(true);
  });
});
