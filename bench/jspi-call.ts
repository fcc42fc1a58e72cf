// What a KSR call that waits (JSPI) costs: the hello example (AssemblyScript, Rust and TypeScript built by
// componentize-js) per INVITE, with
// maxfwd.process_maxfwd answered synchronously (ModuleRunner) and answered by a Promise (SuspendingRunner:
// a Suspending import, the route called through WebAssembly.promising). Rounds alternate the two. Prints
// CPU ns per route call and the ratio, one call after another and 32 at a time (the TypeScript guest: its
// pool bound, js_max_suspended, at a time); then the event loop's delay
// while routes wait for answers that come after a 2 ms timer (as a remote store's would), against the idle
// loop's.
//   node_modules/.bin/node bench/jspi-call.ts
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { buildExample } from '../fixtures/built-guest.ts';
import { buildGuest } from '../src/builder/index.ts';
import type { KsrModule } from '../src/kemi/define.ts';
import { ksrModules, type RouteContext } from '../src/kemi/index.ts';
import {
  type CompiledModule,
  createRouteRunner,
  defaultInvocationLimits,
  Engine,
  Linker,
  ModuleRunner,
  type RouteRunner,
  SuspendingRunner,
  setV8Flags,
} from '../src/runtime/index.ts';
import { inviteContexts } from './lib/invite-contexts.ts';

setV8Flags();
const ROUNDS = 9;
const PER_ROUND = 10_000;
/** A JavaScript route takes ~50-100 µs of CPU where the others take ~1: fewer calls per round. */
const JS_PER_ROUND = 1_000;
const CONCURRENT = 32;
const JS_CONCURRENT = defaultInvocationLimits.jsMaxSuspended;
/** How the waiting process_maxfwd answers: its real answer, once `wait()` settles. */
let wait: () => Promise<void> = () => Promise.resolve();

/** The KSR tables with maxfwd.process-maxfwd answering through `wait()`. */
const waitingTables: KsrModule[] = ksrModules.map((m) =>
  m.name !== 'maxfwd'
    ? m
    : {
        ...m,
        functions: m.functions.map((f) => {
          if (f.name !== 'process-maxfwd') return f;
          const impl = f.impl as (ctx: unknown, limit: number) => unknown;
          const waiting = (ctx: unknown, limit: number) => wait().then(() => impl(ctx, limit));
          return { ...f, impl: waiting as never };
        }),
      },
);

function link(module: CompiledModule, suspending: boolean): RouteRunner {
  const linker = suspending
    ? new Linker(waitingTables, { suspending: new Set(['maxfwd#process-maxfwd']) })
    : new Linker(ksrModules);
  const linked = createRouteRunner(module, linker, {
    limits: { deadlineMs: 1000, jsDeadlineMs: 1000, maxSuspended: CONCURRENT, asyncTimeoutMs: 5000 },
  });
  if (!linked.ok) throw new Error(linked.error.message);
  return linked.value;
}

async function invoke(runner: RouteRunner, ctx: RouteContext): Promise<void> {
  const outcome =
    runner instanceof SuspendingRunner
      ? await runner.invoke('request-route', ctx)
      : (runner as ModuleRunner).invoke('request-route', ctx);
  if (!outcome.ok) throw new Error(outcome.error.message);
  if (ctx.answer.replied !== 404) throw new Error(`replied ${ctx.answer.replied}`);
}

/** CPU ns per call over one round, `concurrent` calls under way at a time. */
async function round(runner: RouteRunner, concurrent: number, perRound = PER_ROUND): Promise<number> {
  const batch = inviteContexts(perRound);
  const cpu = process.cpuUsage();
  if (runner instanceof ModuleRunner) {
    for (const ctx of batch) await invoke(runner, ctx);
  } else {
    for (let i = 0; i < batch.length; i += concurrent)
      await Promise.all(batch.slice(i, i + concurrent).map((ctx) => invoke(runner, ctx)));
  }
  const used = process.cpuUsage(cpu);
  return ((used.user + used.system) * 1000) / perRound;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

/** The event loop's delay (p50, p99, max in ms) over `ms` while `load` runs. */
async function loopDelay(ms: number, load?: (until: number) => Promise<void>): Promise<string> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const until = performance.now() + ms;
  if (load) await load(until);
  else await new Promise((resolve) => setTimeout(resolve, ms));
  histogram.disable();
  const f = (ns: number) => (ns / 1e6).toFixed(2);
  return `p50 ${f(histogram.percentile(50))} ms  p99 ${f(histogram.percentile(99))} ms  max ${f(histogram.max)} ms`;
}

const engine = new Engine();
const out = mkdtempSync(join(tmpdir(), 'kemi-jspi-bench-'));
console.log(
  `hello route (INVITE, 404) with maxfwd.process_maxfwd answered at once or by a Promise; median CPU ns per call over ${ROUNDS} rounds x ${PER_ROUND} (TypeScript: x ${JS_PER_ROUND}) (Node ${process.version})`,
);
const modules: [string, CompiledModule][] = [];
for (const [language, dir] of [
  ['AssemblyScript', 'guest-examples/assemblyscript/hello'],
  ['Rust', 'guest-examples/rust/hello'],
  ['TypeScript', 'guest-examples/js/hello'],
] as const) {
  const js = language === 'TypeScript';
  let component: Uint8Array;
  if (js) component = (await buildExample(dir, out, 'hello-ts')).component;
  else {
    const built = await buildGuest(dir, { out: join(out, `${language}.wasm`) });
    if (!built.ok) throw new Error(built.error.message);
    component = built.value.component;
  }
  const compiled = await engine.compile(component, { path: 'fast' });
  if (!compiled.ok) throw new Error(compiled.error.message);
  modules.push([language, compiled.value]);
  const sync = link(compiled.value, false);
  const waiting = link(compiled.value, true);
  const cpu: number[][] = [[], [], []];
  const [perRound, concurrent] = js ? [JS_PER_ROUND, JS_CONCURRENT] : [PER_ROUND, CONCURRENT];
  for (let r = 0; r <= ROUNDS; r++) {
    const figures = [
      await round(sync, 1, perRound),
      await round(waiting, 1, perRound),
      await round(waiting, concurrent, perRound),
    ];
    if (r > 0) for (const [i, ns] of figures.entries()) cpu[i].push(ns);
  }
  const [s, one, many] = cpu.map(median);
  console.log(
    `  ${language.padEnd(15)} sync ${s.toFixed(0).padStart(6)} ns   waiting ${one.toFixed(0).padStart(6)} ns (x${(one / s).toFixed(2)})` +
      `   waiting, ${concurrent} at a time ${many.toFixed(0).padStart(6)} ns (x${(many / s).toFixed(2)})`,
  );
}
await engine.close();

// Routes wait 2 ms for each answer, CONCURRENT under way at all times, for 2 s.
wait = () => new Promise((resolve) => setTimeout(resolve, 2));
const [, module] = modules[0];
const runner = link(module, true) as SuspendingRunner;
let served = 0;
const idle = await loopDelay(2000);
const loaded = await loopDelay(2000, async (until) => {
  const lane = async () => {
    while (performance.now() < until) {
      const [ctx] = inviteContexts(1);
      await invoke(runner, ctx);
      served++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENT }, lane));
});
console.log(`\nevent-loop delay, idle loop:                              ${idle}`);
console.log(
  `event-loop delay, ${CONCURRENT} AssemblyScript routes waiting 2 ms each: ${loaded}  (${served} routes in 2 s, ${runner.stats.instances} instances)`,
);
