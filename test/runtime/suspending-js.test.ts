// KSR calls that wait (JSPI) in a real JavaScript guest: the TypeScript registrar example, built by
// componentize-js (StarlingMonkey on the fast path), whose request route waits in registrar.lookup. The guest
// gets the Promise's answer; two messages interleave on two engine instances; the pool has a bound of its own
// (jsMaxSuspended, not maxSuspended); a wait past asyncTimeoutMs gives -1; the JavaScript rules hold per
// pooled instance (js_fuel and js_deadline_ms, the cold deadline for the first message of each kind on each
// new instance, retirement past 3/4 of the memory cap); without a suspending import it keeps ModuleRunner.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExample } from '../../fixtures/built-guest.ts';
import type { CompiledModule } from '../../src/runtime/engine.ts';
import {
  createRouteRunner,
  defaultInvocationLimits,
  type InvocationLimits,
  Linker,
  ModuleRunner,
  SuspendingRunner,
} from '../../src/runtime/index.ts';
import { JS_COLD_DEADLINE_MS } from '../../src/runtime/runner.ts';
import { engine } from './helpers/run.ts';
import { asContext, recordingTables, type TestContext, testContext } from './helpers/tables.ts';

let outDir = '';
let component: Uint8Array;
let registrar: CompiledModule;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'kemi-jspi-js-'));
  component = (await buildExample('guest-examples/js/registrar', outDir, 'registrar-ts')).component;
  const module = await engine.compile(component, {});
  if (!module.ok) throw new Error(module.error.message);
  registrar = module.value;
}, 240_000);

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

const LOOKUP = new Set(['registrar#lookup']);

function link(suspending: ReadonlySet<string>, limits: Partial<InvocationLimits> = {}, module = registrar) {
  const linked = createRouteRunner(module, new Linker(recordingTables(), { suspending }), {
    limits: { jsDeadlineMs: 10_000, ...limits },
  });
  if (!linked.ok) throw new Error(linked.error.message);
  return linked.value;
}

function pooled(limits: Partial<InvocationLimits> = {}, module = registrar): SuspendingRunner {
  const runner = link(LOOKUP, limits, module);
  if (!(runner instanceof SuspendingRunner)) throw new Error('expected a SuspendingRunner');
  return runner;
}

function deferred<T>(): { promise: Promise<T>; resolve(v: T): void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

/** A timer's Promise of `value`: what a remote store's answer looks like. */
function later<T>(value: T, ms = 5): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}

/** An initial request of `method` whose lookup answers `lookup` (messageKind reads `msg`). */
function request(lookup: () => unknown, method = 'INVITE'): TestContext {
  return Object.assign(testContext({ 'registrar.lookup': lookup }), { msg: { method, to: {} } });
}

function replied404(ctx: TestContext): boolean {
  return ctx.calls.some((c) => c[0] === 'sl.send-reply' && c[1] === 404);
}

function relayed(ctx: TestContext): boolean {
  return ctx.calls.some((c) => c[0] === 'tm.t-relay');
}

describe('suspending KSR calls in the JavaScript (componentize-js) registrar', () => {
  it('runs on a SuspendingRunner under the JavaScript budgets and the guest gets the answer of a Promise', async () => {
    expect(registrar.meta.jsEngine).toBe(true);
    const runner = pooled();
    expect(runner.limits).toMatchObject({
      fuel: defaultInvocationLimits.jsFuel,
      deadlineMs: 10_000,
      maxSuspended: defaultInvocationLimits.jsMaxSuspended,
    });
    const found = request(() => later(1, 20));
    const measured = await runner.invokeMeasured('request-route', asContext(found));
    expect(measured.outcome).toEqual({ ok: true });
    expect(measured.suspensions).toBe(1);
    expect(found.calls.some((c) => c[0] === 'registrar.lookup' && c[1] === 'location')).toBe(true);
    expect(relayed(found)).toBe(true);
    expect(replied404(found)).toBe(false);

    const missing = request(() => later(-1, 20));
    expect(await runner.invoke('request-route', asContext(missing))).toEqual({ ok: true });
    expect(replied404(missing)).toBe(true);
    expect(relayed(missing)).toBe(false);
    expect(runner.stats).toMatchObject({ invocations: 2, failures: 0, instances: 1, suspended: 2 });
  }, 60_000);

  it('a second message completes while the first waits, each on an engine instance of its own', async () => {
    const runner = pooled();
    const first = deferred<number>();
    const a = request(() => first.promise);
    const b = request(() => later(-1));
    const done: string[] = [];
    const pa = runner.invoke('request-route', asContext(a)).then((o) => done.push(`a:${o.ok}`));
    const pb = runner.invoke('request-route', asContext(b)).then((o) => done.push(`b:${o.ok}`));
    await pb;
    expect(done).toEqual(['b:true']);
    expect(runner.inFlight).toBe(1);
    expect(replied404(b)).toBe(true);
    first.resolve(1);
    await pa;
    expect(done).toEqual(['b:true', 'a:true']);
    expect(relayed(a)).toBe(true);
    expect(runner.stats.instances).toBe(2);
  }, 60_000);

  it('past js_max_suspended invocations under way (4 by default, not max_suspended), a message is busy', async () => {
    const runner = pooled({ maxSuspended: 32 });
    const waits = Array.from({ length: defaultInvocationLimits.jsMaxSuspended }, () => deferred<number>());
    const running = waits.map((w) => runner.invoke('request-route', asContext(request(() => w.promise))));
    const extra = request(() => later(1));
    expect(await runner.invoke('request-route', asContext(extra))).toMatchObject({
      ok: false,
      error: { cause: 'busy', message: expect.stringContaining('(js_max_suspended)') },
    });
    expect(extra.calls).toEqual([]);
    expect(runner.stats.busy).toBe(1);
    for (const w of waits) w.resolve(1);
    for (const outcome of await Promise.all(running)) expect(outcome).toEqual({ ok: true });
    await runner.idle();
    expect(runner.inFlight).toBe(0);
    expect(runner.stats.instances).toBe(defaultInvocationLimits.jsMaxSuspended);
    // The bound is the tenant's js_max_suspended.
    const one = pooled({ jsMaxSuspended: 1 });
    const hold = deferred<number>();
    const held = one.invoke('request-route', asContext(request(() => hold.promise)));
    expect(await one.invoke('request-route', asContext(request(() => later(1))))).toMatchObject({
      error: { cause: 'busy' },
    });
    hold.resolve(1);
    expect(await held).toEqual({ ok: true });
  }, 120_000);

  it('a wait past asyncTimeoutMs gives lookup -1 (404) and the instance serves the next message', async () => {
    const runner = pooled({ asyncTimeoutMs: 30 });
    const never = deferred<number>();
    const ctx = request(() => never.promise);
    const measured = await runner.invokeMeasured('request-route', asContext(ctx));
    expect(measured.outcome).toEqual({ ok: true });
    expect(measured).toMatchObject({ timeouts: 1, timedOutIn: 'registrar.lookup' });
    expect(replied404(ctx)).toBe(true);
    never.resolve(1);
    const next = request(() => later(1));
    expect(await runner.invoke('request-route', asContext(next))).toEqual({ ok: true });
    expect(relayed(next)).toBe(true);
    expect(runner.stats).toMatchObject({ timeouts: 1, instances: 1, failures: 0 });
  }, 60_000);

  it('each new instance runs the first message of each kind under the JavaScript cold deadline', async () => {
    const runner = pooled({ jsDeadlineMs: 5_000 });
    const deadline = async (lookup: () => unknown, method = 'INVITE') =>
      (await runner.invokeMeasured('request-route', asContext(request(lookup, method)))).deadlineMs;
    const cold = Math.max(5_000, JS_COLD_DEADLINE_MS);
    expect(await deadline(() => later(1))).toBe(cold);
    expect(await deadline(() => later(1))).toBe(5_000);
    expect(await deadline(() => later(1), 'MESSAGE')).toBe(cold);
    // A second instance (the first one waits) is cold again for a kind the first has run.
    const hold = deferred<number>();
    const held = runner.invokeMeasured('request-route', asContext(request(() => hold.promise)));
    expect(await deadline(() => later(1))).toBe(cold);
    hold.resolve(1);
    expect((await held).deadlineMs).toBe(5_000);
    expect(runner.stats.instances).toBe(2);
  }, 60_000);

  it('an instance past 3/4 of the memory cap after its invocation is retired, not pooled', async () => {
    // The engine's image is ~9.5 MiB: under a 12 MiB cap every instance is past 9 MiB when it returns.
    const small = await engine.compile(component, { limits: { maxMemoryBytes: 12 * 1024 * 1024 } });
    if (!small.ok) throw new Error(small.error.message);
    const runner = pooled({}, small.value);
    for (const answer of [1, -1]) {
      expect(await runner.invoke('request-route', asContext(request(() => later(answer))))).toEqual({
        ok: true,
      });
    }
    expect(runner.stats).toMatchObject({ instances: 2, retired: 2, failures: 0 });
    // Under the default 64 MiB cap the instance stays in the pool.
    const roomy = pooled();
    await roomy.invoke('request-route', asContext(request(() => later(1))));
    await roomy.invoke('request-route', asContext(request(() => later(1))));
    expect(roomy.stats).toMatchObject({ instances: 1, retired: 0 });
  }, 60_000);

  it('without a suspending function (no store in Redis) the JavaScript guest keeps the synchronous runner', () => {
    // componentize-js guests import every function of the world (329 here), so any name in the set is
    // imported: only a server whose stores are all embedded (an empty set) links them synchronously.
    expect(registrar.meta.functions.length).toBeGreaterThan(300);
    const runner = link(new Set());
    expect(runner).toBeInstanceOf(ModuleRunner);
    const ctx = request(() => -1);
    expect((runner as ModuleRunner).invoke('request-route', asContext(ctx))).toEqual({ ok: true });
    expect(replied404(ctx)).toBe(true);
    expect(runner.limits.fuel).toBe(defaultInvocationLimits.jsFuel);
  }, 60_000);

  it('the synchronous runner of the suspending JavaScript guest answers a Promise with -1 at once', () => {
    const runner = pooled();
    const ctx = request(() => later(1));
    expect(runner.now.invoke('request-route', asContext(ctx))).toEqual({ ok: true });
    expect(replied404(ctx)).toBe(true);
    expect(runner.now.last.timeouts).toBe(1);
    expect(runner.now.limits.fuel).toBe(defaultInvocationLimits.jsFuel);
  }, 60_000);
});
