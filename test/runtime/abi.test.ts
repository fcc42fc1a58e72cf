// Every ABI shape of the KSR world, on both paths: parameters (string, s32), results (none, s32, bool,
// string, option<string>), multibyte UTF-8 both ways, empty and long strings, memory growth during a call.
import { describe, expect, it } from 'vitest';
import { Guest } from '../../fixtures/guest.ts';
import { bytes, PATHS, runnerFor } from './helpers/run.ts';
import { asContext, testContext } from './helpers/tables.ts';

const MULTI = 'héllo ☃ 日本 🎉';

describe.each(PATHS)('canonical ABI on the %s path', (path) => {
  it('carries every parameter and result shape', async () => {
    const g = new Guest();
    g.route(
      'request-route',
      [
        g.echoOption(g.call('pv', 'get', ['$ru']), 'opt-some'),
        g.echoOption(g.call('pv', 'get', ['$null']), 'opt-none'),
        g.echoString(g.call('pv', 'gete', ['$fU']), 'str'),
        g.echoI32(g.call('pv', 'getvn', ['$var(n)', -42]), 's32'),
        g.echoI32(g.call('core', 'is-method', ['INVITE']), 'bool-true'),
        g.echoI32(g.call('core', 'is-myself-ruri', []), 'bool-false'),
        g.echoI32(g.call('sl', 'sl-send-reply', [-1, 'x']), 'two-params'),
        g.echoString(g.call('pv', 'getvs', ['$var(a)', 'fallback']), 'two-strings'),
        g.call('x', 'exit', []),
      ].join('\n'),
    );
    const runner = await runnerFor(await g.component(), path);
    const ctx = testContext({
      'pv.get': (name: string) => (name === '$ru' ? 'sip:alice@example.com' : undefined),
      'pv.gete': 'alice',
      'pv.getvn': (_name: string, vn: number) => vn * 2,
      'core.is-method': (m: string) => m === 'INVITE',
      'core.is-myself-ruri': false,
      'sl.sl-send-reply': (code: number, reason: string) => code * 1000 - reason.length,
      'pv.getvs': (_name: string, vs: string) => `${vs}!`,
    });
    expect(runner.invoke('request-route', asContext(ctx))).toEqual({ ok: true });
    expect(Object.fromEntries(ctx.vars)).toEqual({
      'opt-some': 'sip:alice@example.com',
      str: 'alice',
      s32: -84,
      'bool-true': 1,
      'bool-false': 0,
      'two-params': -1001,
      'two-strings': 'fallback!',
    });
    expect(ctx.calls.filter((c) => !String(c[0]).startsWith('pv.set'))).toContainEqual([
      'pv.unset',
      'opt-none',
    ]);
    expect(ctx.calls).toContainEqual(['sl.sl-send-reply', -1, 'x']);
    expect(ctx.exited).toBe(true);
  });

  it('passes multibyte UTF-8 both ways as byte strings', async () => {
    const g = new Guest();
    g.route(
      'request-route',
      [g.call('core', 'info', [MULTI]), g.echoString(g.call('pv', 'gete', ['$var(u)']), 'back')].join('\n'),
    );
    const runner = await runnerFor(await g.component(), path);
    const ctx = testContext({ 'pv.gete': bytes(`«${MULTI}»`) });
    expect(runner.invoke('request-route', asContext(ctx))).toEqual({ ok: true });
    expect(ctx.calls[0]).toEqual(['core.info', bytes(MULTI)]);
    expect(ctx.vars.get('back')).toBe(bytes(`«${MULTI}»`));
  });

  it('passes empty and long strings', async () => {
    const g = new Guest();
    const long = 'x'.repeat(300) + MULTI;
    g.route(
      'request-route',
      [
        g.call('core', 'info', ['']),
        g.call('core', 'info', [long]),
        g.echoString(g.call('pv', 'gete', ['']), 'empty'),
        g.echoString(g.call('pv', 'gete', ['l']), 'long'),
      ].join('\n'),
    );
    const runner = await runnerFor(await g.component(), path);
    const ctx = testContext({ 'pv.gete': (n: string) => (n === '' ? '' : bytes(long)) });
    expect(runner.invoke('request-route', asContext(ctx))).toEqual({ ok: true });
    expect(ctx.calls.slice(0, 2)).toEqual([
      ['core.info', ''],
      ['core.info', bytes(long)],
    ]);
    expect(ctx.vars.get('empty')).toBe('');
    expect(ctx.vars.get('long')).toBe(bytes(long));
  });

  it('keeps working when guest memory grows during a call', async () => {
    const g = new Guest();
    g.route(
      'request-route',
      [g.echoString(g.call('pv', 'gete', ['$rb']), 'body'), g.echoI32('(memory.size)', 'pages')].join('\n'),
    );
    const runner = await runnerFor(await g.component(), path);
    const body = bytes(`${'ab'.repeat(100_000)}${MULTI}`);
    for (let i = 0; i < 2; i++) {
      const ctx = testContext({ 'pv.gete': body });
      expect(runner.invoke('request-route', asContext(ctx))).toEqual({ ok: true });
      expect(ctx.vars.get('body')).toBe(body);
      expect(ctx.vars.get('pages')).toBeGreaterThan(1);
    }
  });

  it('passes the named route its name', async () => {
    const g = new Guest();
    g.route(
      'named-route',
      g.call('pv', 'sets', ['$var(route)', { wat: '(local.get $ptr) (local.get $len)' }]),
    );
    const runner = await runnerFor(await g.component(), path);
    const ctx = testContext();
    expect(runner.invoke('named-route', asContext(ctx), bytes(`failure-${MULTI}`))).toEqual({ ok: true });
    expect(runner.invoke('named-route', asContext(ctx), '')).toEqual({ ok: true });
    expect(ctx.calls).toEqual([
      ['pv.sets', '$var(route)', bytes(`failure-${MULTI}`)],
      ['pv.sets', '$var(route)', ''],
    ]);
  });

  it('traps when the guest passes a string outside its memory', async () => {
    const g = new Guest();
    g.route('request-route', g.call('core', 'info', [{ wat: '(i32.const 65000) (i32.const 1000)' }]));
    const runner = await runnerFor(await g.component(), path);
    const outcome = runner.invoke('request-route', asContext(testContext()));
    expect(outcome).toMatchObject({ ok: false, error: { cause: 'trap', route: 'request-route' } });
  });
});
