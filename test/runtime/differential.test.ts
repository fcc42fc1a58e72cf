// The same components through the fast path and jco's glue: every KSR call (with the strings the guest saw
// and sent back), every variable, exit/drop and the outcome must be identical. The "every function" guest
// calls each function of the world once, so the fast binding and the glue are compared on the whole API.
import { describe, expect, it } from 'vitest';
import { Guest } from '../../fixtures/guest.ts';
import type { RouteName } from '../../src/runtime/instance.ts';
import type { Outcome } from '../../src/runtime/runner.ts';
import { ksrPackage } from '../../src/runtime/wit.ts';
import { bytes, runnerFor } from './helpers/run.ts';
import { asContext, type TestContext, testContext } from './helpers/tables.ts';

interface Scenario {
  readonly name: string;
  readonly guest: () => Guest;
  readonly responses: () => Record<string, unknown>;
  readonly invocations: readonly (readonly [RouteName, string?])[];
}

/** A guest calling every function of the world with distinct arguments, echoing every result. */
function everyFunction(): Guest {
  const g = new Guest();
  const lines: string[] = [];
  let n = 0;
  for (const iface of ksrPackage.interfaces) {
    for (const fn of iface.functions) {
      n++;
      const args = fn.params.map((p, i) =>
        p.type === 's32' ? (n * 7 + i) * (i % 2 ? -1 : 1) : `${iface.name}.${fn.name}#${i} ü`,
      );
      const call = g.call(iface.name, fn.name, args);
      const key = `echo ${iface.name}.${fn.name}`;
      if (fn.result === 's32' || fn.result === 'bool') lines.push(g.echoI32(call, key));
      else if (fn.result === 'string') lines.push(g.echoString(call, key));
      else if (fn.result === 'option<string>') lines.push(g.echoOption(call, key));
      else lines.push(call);
    }
  }
  g.route('request-route', lines.join('\n'));
  g.route('named-route', g.call('pv', 'sets', ['$var(name)', { wat: '(local.get $ptr) (local.get $len)' }]));
  return g;
}

function everyResponse(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const iface of ksrPackage.interfaces) {
    for (const fn of iface.functions) {
      n++;
      const key = `${iface.name}.${fn.name}`;
      if (fn.result === 's32') out[key] = n % 3 === 0 ? -n : n;
      else if (fn.result === 'bool') out[key] = n % 2 === 0;
      else if (fn.result === 'string') out[key] = bytes(`${key} → ✓ ${n}`);
      else if (fn.result === 'option<string>')
        out[key] = n % 2 === 0 ? undefined : bytes(`${key} ☃ ${'x'.repeat(n)}`);
    }
  }
  return out;
}

const scenarios: Scenario[] = [
  {
    name: 'every function of the world',
    guest: everyFunction,
    responses: everyResponse,
    invocations: [['request-route'], ['named-route', bytes('on-failure-é')], ['request-route']],
  },
  {
    name: 'a route body large enough to grow memory',
    guest: () => {
      const g = new Guest();
      g.route(
        'request-route',
        [
          g.echoString(g.call('pv', 'gete', ['$rb'])),
          g.call('core', 'info', [{ wat: `(i32.load (i32.const 64)) (i32.load (i32.const 68))` }]),
        ].join('\n'),
      );
      return g;
    },
    responses: () => ({ 'pv.gete': bytes(`${'v=0\r\n'.repeat(30_000)}ž`) }),
    invocations: [['request-route'], ['request-route']],
  },
  {
    name: 'a trap after some calls, then a fresh instance',
    guest: () => {
      const g = new Guest();
      g.field('(global $n (mut i32) (i32.const 0))');
      g.route(
        'request-route',
        `(global.set $n (i32.add (global.get $n) (i32.const 1))) ${g.echoI32('(global.get $n)', 'n')} (if (i32.eq (global.get $n) (i32.const 2)) (then unreachable)) ${g.call('x', 'drop', [])}`,
      );
      return g;
    },
    responses: () => ({}),
    invocations: [['request-route'], ['request-route'], ['request-route']],
  },
  {
    name: 'a host limit in the middle of a route',
    guest: () => {
      const g = new Guest();
      g.route(
        'request-route',
        [
          g.call('core', 'info', ['before']),
          g.echoString(g.call('pv', 'gete', ['$rb'])),
          g.call('core', 'info', ['after']),
        ].join('\n'),
      );
      return g;
    },
    responses: () => ({ 'pv.gete': 'x'.repeat(2 * 1024 * 1024) }),
    invocations: [['request-route']],
  },
];

interface Trace {
  readonly outcomes: (true | string)[];
  readonly contexts: { calls: unknown[][]; vars: [string, unknown][]; exited: boolean; dropped: boolean }[];
}

async function trace(s: Scenario, path: 'fast' | 'jco'): Promise<Trace> {
  const runner = await runnerFor(await s.guest().component(), path);
  const outcomes: (true | string)[] = [];
  const contexts: Trace['contexts'] = [];
  for (const [route, name] of s.invocations) {
    const ctx: TestContext = testContext(s.responses());
    const outcome: Outcome = runner.invoke(route, asContext(ctx), name);
    outcomes.push(outcome.ok ? true : outcome.error.cause);
    contexts.push({ calls: ctx.calls, vars: [...ctx.vars], exited: ctx.exited, dropped: ctx.dropped });
  }
  return { outcomes, contexts };
}

describe('fast path and jco glue give the same results', () => {
  it.each(scenarios.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const fast = await trace(scenario, 'fast');
    const jco = await trace(scenario, 'jco');
    expect(fast.contexts.some((c) => c.calls.length > 0)).toBe(true);
    expect(jco).toEqual(fast);
  });

  it('the every-function guest really reaches every function', async () => {
    const fast = await trace(scenarios[0], 'fast');
    const called = new Set(fast.contexts[0].calls.map((c) => c[0]));
    const all = ksrPackage.interfaces.flatMap((i) => i.functions.map((f) => `${i.name}.${f.name}`));
    expect(all.filter((f) => !called.has(f))).toEqual([]);
    expect(fast.outcomes).toEqual([true, true, true]);
  });
});
