// KSR tables for the runtime's tests, generated from wit/ksr.wit: every function records its call in the
// context and answers from the context's `responses` (or a default), so tests can script what the host
// returns and compare what the guest did. pv.sets/seti/unset keep variables; x.exit/drop set flags.
import type { KsrFunction, KsrModule, Param } from '../../../src/kemi/define.ts';
import type { Context } from '../../../src/runtime/store.ts';
import { ksrPackage } from '../../../src/runtime/wit.ts';

export interface TestContext {
  /** Every KSR call: `pv.get`, then its arguments. */
  readonly calls: unknown[][];
  readonly vars: Map<string, string | number>;
  /** Answers by function (`pv.gete`): a value, or a function of the arguments. */
  readonly responses: Record<string, unknown>;
  exited: boolean;
  dropped: boolean;
  /** Set by tests to reach the runner's log meter from a log impl. */
  meter?: { chargeLog(bytes: number): void };
}

export function testContext(responses: Record<string, unknown> = {}): TestContext {
  return { calls: [], vars: new Map(), responses, exited: false, dropped: false };
}

export function asContext(ctx: TestContext): Context {
  return ctx as unknown as Context;
}

const defaults: Record<string, unknown> = {
  none: undefined,
  string: '',
  s32: 0,
  bool: false,
  'option<string>': undefined,
};

function impl(iface: string, name: string, result: string): KsrFunction['impl'] {
  const key = `${iface}.${name}`;
  return (c: Context, ...args: unknown[]) => {
    const ctx = c as unknown as TestContext;
    ctx.calls.push([key, ...args]);
    if (key === 'pv.sets' || key === 'pv.seti') ctx.vars.set(args[0] as string, args[1] as string | number);
    if (key === 'pv.unset') ctx.vars.delete(args[0] as string);
    if (key === 'x.exit') ctx.exited = true;
    if (key === 'x.drop') ctx.dropped = true;
    if (key === 'core.info' || key === 'xlog.xinfo') ctx.meter?.chargeLog((args[0] as string).length);
    const answer = ctx.responses[key];
    if (typeof answer === 'function') return (answer as (...a: unknown[]) => unknown)(...args);
    return key in ctx.responses ? answer : defaults[result];
  };
}

/** One table per interface of the KSR package, every function recording. */
export function recordingTables(): KsrModule[] {
  return ksrPackage.interfaces.map((i) => ({
    name: i.name,
    functions: i.functions.map((f) => ({
      name: f.name,
      params: f.params.map((p) => [p.name, p.type] as unknown as Param),
      result: f.result as KsrFunction['result'],
      impl: impl(i.name, f.name, f.result),
    })),
  }));
}
