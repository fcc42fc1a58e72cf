// KSR calls that wait (JSPI): a table function answering with a Promise, linked as a suspending import
// (LinkerOptions.suspending), in real AssemblyScript and Rust guests (the registrar examples, whose request
// route waits in registrar.lookup) and in WAT guests for the result types. The guest gets the answer;
// invocations of one version interleave; a wait past asyncTimeoutMs gives the failure value; a rejection
// fails that invocation only; a module that imports no suspending function keeps the synchronous runner.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Guest } from '../../fixtures/guest.ts';
import { buildGuest } from '../../src/builder/index.ts';
import type { CompiledModule } from '../../src/runtime/engine.ts';
import {
  createRouteRunner,
  type InvocationLimits,
  Linker,
  ModuleRunner,
  type RouteRunner,
  SuspendingRunner,
} from '../../src/runtime/index.ts';
import { createRunner } from '../../src/runtime/runner.ts';
import { engine } from './helpers/run.ts';
import { asContext, recordingTables, type TestContext, testContext } from './helpers/tables.ts';

const LANGUAGES = ['assemblyscript', 'rust'] as const;
type Language = (typeof LANGUAGES)[number];
const compiled = {} as Record<Language, CompiledModule>;
let outDir = '';

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'kemi-jspi-'));
  for (const language of LANGUAGES) {
    const dir = fileURLToPath(new URL(`../../guest-examples/${language}/registrar`, import.meta.url));
    const built = await buildGuest(dir, { out: join(outDir, `${language}.wasm`) });
    if (!built.ok) throw new Error(`${language}: ${built.error.message}\n${built.error.output ?? ''}`);
    const module = await engine.compile(built.value.component, {});
    if (!module.ok) throw new Error(`${language}: ${module.error.message}`);
    compiled[language] = module.value;
  }
}, 240_000);

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

const LOOKUP = new Set(['registrar#lookup']);

function link(
  module: CompiledModule,
  suspending: ReadonlySet<string>,
  limits: Partial<InvocationLimits> = {},
) {
  const linked = createRouteRunner(module, new Linker(recordingTables(), { suspending }), {
    limits: { deadlineMs: 10_000, ...limits },
  });
  if (!linked.ok) throw new Error(linked.error.message);
  return linked.value;
}

function suspending(runner: RouteRunner): SuspendingRunner {
  if (!(runner instanceof SuspendingRunner)) throw new Error('expected a SuspendingRunner');
  return runner;
}

/** A Promise the test settles itself. */
function deferred<T>(): { promise: Promise<T>; resolve(v: T): void; reject(e: unknown): void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A timer's Promise of `value`: what a remote store's answer looks like. */
function later<T>(value: T, ms = 5): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}

/** What the registrar route did after its lookup: relay or 404. */
function afterLookup(ctx: TestContext): string[] {
  const at = ctx.calls.findIndex((c) => c[0] === 'registrar.lookup');
  return ctx.calls.slice(at + 1).map((c) => String(c[0]));
}

function replied404(ctx: TestContext): boolean {
  return ctx.calls.some((c) => c[0] === 'sl.send-reply' && c[1] === 404);
}

describe.each(LANGUAGES)('suspending KSR calls in the %s registrar', (language) => {
  it('the guest waits for the answer of a Promise and goes on with it', async () => {
    const runner = suspending(link(compiled[language], LOOKUP));
    const found = testContext({ 'registrar.lookup': () => later(1) });
    const outcome = runner.invoke('request-route', asContext(found));
    expect(outcome).toBeInstanceOf(Promise);
    expect(await outcome).toEqual({ ok: true });
    expect(found.calls.some((c) => c[0] === 'registrar.lookup' && c[1] === 'location')).toBe(true);
    expect(replied404(found)).toBe(false);
    expect(afterLookup(found).length).toBeGreaterThan(0);

    const missing = testContext({ 'registrar.lookup': () => later(-1) });
    const measured = await runner.invokeMeasured('request-route', asContext(missing));
    expect(measured.outcome).toEqual({ ok: true });
    expect(measured.suspensions).toBe(1);
    expect(replied404(missing)).toBe(true);
    expect(runner.stats).toMatchObject({ invocations: 2, failures: 0, instances: 1, suspended: 2 });
  });

  it('a second message completes while the first waits, on another instance of the same version', async () => {
    const runner = suspending(link(compiled[language], LOOKUP));
    const first = deferred<number>();
    const a = testContext({ 'registrar.lookup': () => first.promise });
    const b = testContext({ 'registrar.lookup': () => later(-1) });
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
    expect(replied404(a)).toBe(false);
    expect(runner.stats.instances).toBe(2);
    // Both instances went back to the pool: two more at once make no new one.
    await Promise.all([
      runner.invoke('request-route', asContext(testContext({ 'registrar.lookup': () => later(1) }))),
      runner.invoke('request-route', asContext(testContext({ 'registrar.lookup': () => later(1) }))),
    ]);
    expect(runner.stats.instances).toBe(2);
  });

  it('a wait past asyncTimeoutMs gives the call its failure value (-1) and the route goes on', async () => {
    const runner = suspending(link(compiled[language], LOOKUP, { asyncTimeoutMs: 30 }));
    const never = deferred<number>();
    const ctx = testContext({ 'registrar.lookup': () => never.promise });
    const measured = await runner.invokeMeasured('request-route', asContext(ctx));
    expect(measured.outcome).toEqual({ ok: true });
    expect(measured).toMatchObject({ timeouts: 1, timedOutIn: 'registrar.lookup' });
    expect(replied404(ctx)).toBe(true);
    // The late answer changes nothing, and the instance serves the next message.
    never.resolve(1);
    const next = testContext({ 'registrar.lookup': () => later(1) });
    expect(await runner.invoke('request-route', asContext(next))).toEqual({ ok: true });
    expect(replied404(next)).toBe(false);
    expect(runner.stats).toMatchObject({ timeouts: 1, instances: 1, failures: 0 });
  });

  it('a rejected Promise fails that invocation (cause host) and discards its instance only', async () => {
    const runner = suspending(link(compiled[language], LOOKUP));
    const waiting = deferred<number>();
    const other = runner.invoke(
      'request-route',
      asContext(testContext({ 'registrar.lookup': () => waiting.promise })),
    );
    const ctx = testContext({
      'registrar.lookup': () => later(0).then(() => Promise.reject(new Error('store down'))),
    });
    expect(await runner.invoke('request-route', asContext(ctx))).toMatchObject({
      ok: false,
      error: { cause: 'host', message: 'request-route: KSR function registrar.lookup threw: store down' },
    });
    waiting.resolve(1);
    expect(await other).toEqual({ ok: true });
    expect(runner.stats).toMatchObject({ instances: 2, failures: 1 });
    // The instance that waited went back to the pool; the failed one did not.
    expect(
      await runner.invoke('request-route', asContext(testContext({ 'registrar.lookup': () => later(1) }))),
    ).toEqual({ ok: true });
    expect(runner.stats.instances).toBe(2);
  });

  it('past maxSuspended invocations under way, a message is not run (cause busy)', async () => {
    const runner = suspending(link(compiled[language], LOOKUP, { maxSuspended: 1 }));
    const first = deferred<number>();
    const a = runner.invoke(
      'request-route',
      asContext(testContext({ 'registrar.lookup': () => first.promise })),
    );
    const b = testContext({ 'registrar.lookup': () => later(1) });
    expect(await runner.invoke('request-route', asContext(b))).toMatchObject({
      ok: false,
      error: { cause: 'busy' },
    });
    expect(b.calls).toEqual([]);
    expect(runner.stats.busy).toBe(1);
    first.resolve(1);
    expect(await a).toEqual({ ok: true });
    await runner.idle();
    expect(runner.inFlight).toBe(0);
  });

  it('time spent waiting does not count against the deadline', async () => {
    const runner = suspending(link(compiled[language], LOOKUP, { deadlineMs: 20 }));
    // The first invocation runs under the cold deadline; the second under 20 ms, waiting 150 ms.
    expect(
      await runner.invoke('request-route', asContext(testContext({ 'registrar.lookup': () => later(1) }))),
    ).toEqual({ ok: true });
    const measured = await runner.invokeMeasured(
      'request-route',
      asContext(testContext({ 'registrar.lookup': () => later(1, 150) })),
    );
    expect(measured.outcome).toEqual({ ok: true });
    expect(measured.overran).toBe(false);
    expect(measured.suspendedMs).toBeGreaterThanOrEqual(100);
  });

  it('a module that imports no suspending function keeps the synchronous runner', async () => {
    const runner = link(compiled[language], new Set(['htable#sht-inc']));
    expect(runner).toBeInstanceOf(ModuleRunner);
    const ctx = testContext({ 'registrar.lookup': -1 });
    const outcome = (runner as ModuleRunner).invoke('request-route', asContext(ctx));
    expect(outcome).toEqual({ ok: true });
    expect(replied404(ctx)).toBe(true);
  });

  it('the synchronous runner of a suspending module answers a Promise with the failure value at once', async () => {
    const runner = suspending(link(compiled[language], LOOKUP));
    const ctx = testContext({ 'registrar.lookup': () => later(1) });
    expect(runner.now.invoke('request-route', asContext(ctx))).toEqual({ ok: true });
    expect(replied404(ctx)).toBe(true);
    expect(runner.now.last.timeouts).toBe(1);
  });
});

describe('suspending KSR calls of each result type (WAT guests)', () => {
  async function watRunner(g: Guest, names: string[]): Promise<SuspendingRunner> {
    const module = await engine.compile(await g.component(), { path: 'fast' });
    if (!module.ok) throw new Error(module.error.message);
    return suspending(link(module.value, new Set(names)));
  }

  it('option<string>, string, s32 and bool answers are written into the guest when they come', async () => {
    const g = new Guest();
    g.route(
      'request-route',
      [
        g.echoOption(g.call('htable', 'sht-get', ['t', 'k']), 'opt'),
        g.echoString(g.call('pv', 'gete', ['$ru']), 'str'),
        g.echoI32(g.call('htable', 'sht-inc', ['t', 'n']), 'int'),
        g.echoI32(g.call('core', 'isflagset', [3]), 'flag'),
        g.echoOption(g.call('htable', 'sht-get', ['t', 'none']), 'gone'),
      ].join('\n'),
    );
    const runner = await watRunner(g, ['htable#sht-get', 'pv#gete', 'htable#sht-inc', 'core#isflagset']);
    const ctx = testContext({
      'htable.sht-get': (_t: string, k: string) => later(k === 'k' ? 'value of k' : undefined),
      'pv.gete': () => later('sip:alice@example.com'),
      'htable.sht-inc': () => later(42),
      'core.isflagset': () => later(true),
    });
    ctx.vars.set('gone', 'before');
    const measured = await runner.invokeMeasured('request-route', asContext(ctx));
    expect(measured.outcome).toEqual({ ok: true });
    expect(measured.suspensions).toBe(5);
    expect(Object.fromEntries(ctx.vars)).toEqual({
      opt: 'value of k',
      str: 'sip:alice@example.com',
      int: 42,
      flag: 1,
    });
  });

  it('a function in the set that answers at once does not suspend', async () => {
    const g = new Guest();
    g.route('request-route', g.echoI32(g.call('htable', 'sht-inc', ['t', 'n']), 'int'));
    const runner = await watRunner(g, ['htable#sht-inc']);
    const ctx = testContext({ 'htable.sht-inc': 7 });
    const measured = await runner.invokeMeasured('request-route', asContext(ctx));
    expect(measured).toMatchObject({ outcome: { ok: true }, suspensions: 0 });
    expect(ctx.vars.get('int')).toBe(7);
  });

  it('a wrong answer type after the wait fails the invocation as a host fault', async () => {
    const g = new Guest();
    g.route('request-route', g.echoString(g.call('pv', 'gete', ['$ru']), 'str'));
    const runner = await watRunner(g, ['pv#gete']);
    const ctx = testContext({ 'pv.gete': () => later(5) });
    expect(await runner.invoke('request-route', asContext(ctx))).toMatchObject({
      ok: false,
      error: { cause: 'host' },
    });
  });

  it('a module on the jco path importing a suspending function is refused at link time', async () => {
    const g = new Guest();
    g.route('request-route', g.echoI32(g.call('htable', 'sht-inc', ['t', 'n']), 'int'));
    const module = await engine.compile(await g.component(), { path: 'jco' });
    if (!module.ok) throw new Error(module.error.message);
    const linker = new Linker(recordingTables(), { suspending: new Set(['htable#sht-inc']) });
    const linked = createRouteRunner(module.value, linker);
    expect(linked.ok).toBe(false);
    if (linked.ok) return;
    expect(linked.error.code).toBe('unsupported');
    expect(linked.error.message).toContain('htable.sht-inc');
    // createRunner (synchronous only) refuses a fast-path module that would wait, naming the function.
    const fast = await engine.compile(await g.component(), { path: 'fast' });
    if (!fast.ok) throw new Error(fast.error.message);
    const sync = createRunner(fast.value, linker);
    expect(sync.ok).toBe(false);
  });
});
