// Instances: one per module, reused across invocations; replaced after a failure; the context bound only
// during an invocation; control flow recorded without unwinding the guest.
import { describe, expect, it } from 'vitest';
import { Guest } from '../../fixtures/guest.ts';
import { OK } from '../../src/result.ts';
import { PATHS, runnerFor } from './helpers/run.ts';
import { asContext, testContext } from './helpers/tables.ts';

/** A guest that counts its invocations in a global, reports the count, and traps when asked to. */
function counter(): Guest {
  const g = new Guest();
  g.field('(global $count (mut i32) (i32.const 0))');
  g.route(
    'request-route',
    `(global.set $count (i32.add (global.get $count) (i32.const 1)))
     ${g.echoI32('(global.get $count)', 'count')}
     (if ${g.call('core', 'isflagset', [7])} (then unreachable))`,
  );
  return g;
}

describe.each(PATHS)('module runner on the %s path', (path) => {
  it('reuses one instance across invocations', async () => {
    const runner = await runnerFor(await counter().component(), path);
    const counts: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const ctx = testContext();
      // The shared success value: a route that returns allocates no outcome.
      expect(runner.invoke('request-route', asContext(ctx))).toBe(OK);
      counts.push(ctx.vars.get('count'));
    }
    expect(counts).toEqual([1, 2, 3]);
    expect(runner.stats).toEqual({ invocations: 3, failures: 0, instances: 1, retired: 0 });
  });

  it('discards the instance after a trap and makes a fresh one', async () => {
    const runner = await runnerFor(await counter().component(), path);
    runner.invoke('request-route', asContext(testContext()));
    const failed = runner.invoke('request-route', asContext(testContext({ 'core.isflagset': true })));
    expect(failed).toMatchObject({ ok: false, error: { cause: 'trap' } });
    const ctx = testContext();
    expect(runner.invoke('request-route', asContext(ctx))).toEqual({ ok: true });
    expect(ctx.vars.get('count')).toBe(1);
    expect(runner.stats).toEqual({ invocations: 3, failures: 1, instances: 2, retired: 0 });
  });

  it('records exit and drop in the context without unwinding the guest', async () => {
    const g = new Guest();
    g.route(
      'request-route',
      [g.call('x', 'drop', []), g.call('x', 'exit', []), g.call('core', 'info', ['after'])].join('\n'),
    );
    const runner = await runnerFor(await g.component(), path);
    const ctx = testContext();
    expect(runner.invoke('request-route', asContext(ctx))).toEqual({ ok: true });
    expect(ctx.dropped && ctx.exited).toBe(true);
    expect(ctx.calls).toEqual([['x.drop'], ['x.exit'], ['core.info', 'after']]);
    expect(runner.stats.instances).toBe(1);
  });

  it('reports a throwing KSR implementation as a host fault, naming it', async () => {
    const g = new Guest();
    g.route('request-route', g.echoString(g.call('pv', 'gete', ['$ru'])));
    const runner = await runnerFor(await g.component(), path);
    const boom = () => {
      throw new Error('no message bound');
    };
    const outcome = runner.invoke('request-route', asContext(testContext({ 'pv.gete': boom })));
    expect(outcome).toMatchObject({
      ok: false,
      error: { cause: 'host', message: 'request-route: KSR function pv.gete threw: no message bound' },
    });
    expect(runner.invoke('request-route', asContext(testContext({ 'pv.gete': 'ok' })))).toEqual({ ok: true });
  });

  it('reports a table returning a non-byte string as a host fault', async () => {
    const g = new Guest();
    g.route('request-route', g.echoString(g.call('pv', 'gete', ['$ru'])));
    const runner = await runnerFor(await g.component(), path);
    const outcome = runner.invoke('request-route', asContext(testContext({ 'pv.gete': 'snow ☃' })));
    expect(outcome).toMatchObject({
      ok: false,
      error: { cause: 'host', message: expect.stringContaining('char above 0xFF') },
    });
  });

  it('refuses KSR calls made outside a route (a start function)', async () => {
    const g = new Guest();
    // A function without strings: lowered directly, so it reaches the host on both paths.
    g.field(`(func $init ${g.call('core', 'setflag', [1])} drop) (start $init)`);
    const runner = await runnerFor(await g.component(), path);
    const ctx = testContext();
    const outcome = runner.invoke('request-route', asContext(ctx));
    expect(outcome).toMatchObject({
      ok: false,
      error: {
        cause: 'limit',
        message: 'request-route: instantiation failed: core.setflag called outside a route invocation',
      },
    });
    expect(ctx.calls).toEqual([]);
  });

  it('binds the context only for the invocation', async () => {
    const g = new Guest();
    g.route('request-route', g.call('core', 'info', ['hi']));
    const runner = await runnerFor(await g.component(), path);
    const first = testContext();
    const second = testContext();
    runner.invoke('request-route', asContext(first));
    runner.invoke('request-route', asContext(second));
    expect(first.calls).toEqual([['core.info', 'hi']]);
    expect(second.calls).toEqual([['core.info', 'hi']]);
    expect(runner.last.ksrCalls).toBe(1);
  });
});
