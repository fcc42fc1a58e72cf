// Cost of one KSR call from a guest, per binding: the fast canonical-ABI path (without and with fuel
// metering), jco's glue (with fuel), and the same calls made by plain JS (the baseline, measured in the same
// run). Each route invocation runs a guest loop of CALLS iterations, one call of one shape each; the figure
// is the invocation time divided by CALLS (median of ROUNDS rounds): one call plus one loop iteration, whose
// cost alone is printed after the table.
//   node_modules/.bin/node bench/route-call-abi.ts

import { Guest } from '../fixtures/guest.ts';
import type { KsrFunction, KsrModule } from '../src/kemi/define.ts';
import { Engine, type RoutePath } from '../src/runtime/engine.ts';
import { Linker } from '../src/runtime/linker.ts';
import { createRunner, type ModuleRunner } from '../src/runtime/runner.ts';
import type { Context } from '../src/runtime/store.ts';

const engine = new Engine();
const CALLS = 1000;
const INVOCATIONS = 300;
const ROUNDS = 9;
const RU = 'sip:alice@example.com'; // 21 bytes, as in the toolchain notes

interface Shape {
  readonly name: string;
  readonly call: (g: Guest) => string;
  readonly js: (ctx: BenchContext) => unknown;
}

interface BenchContext {
  vars: Map<string, string>;
  flags: number;
  logged: number;
  replies: number;
}

// Implementations with a little real work, so the plain-JS baseline is not folded away by the JIT.
const impls = {
  get: (c: BenchContext, name: string) => c.vars.get(name),
  setflag: (c: BenchContext, flag: number) => {
    if (flag < 0 || flag > 31) return false;
    c.flags |= 1 << flag;
    return true;
  },
  info: (c: BenchContext, msg: string) => {
    c.logged += msg.length;
  },
  reply: (c: BenchContext, code: number, reason: string) => {
    c.replies += code + reason.length;
    return 1;
  },
};

let sink = 0;
const shapes: Shape[] = [
  {
    name: 'pv.get("$ru") -> option<string> (21 B)',
    call: (g) => g.call('pv', 'get', ['$ru']),
    js: (c) => {
      sink += impls.get(c, '$ru')?.length ?? 0;
    },
  },
  {
    name: 'core.setflag(3) -> bool',
    call: (g) => `${g.call('core', 'setflag', [3])} drop`,
    js: (c) => impls.setflag(c, 3),
  },
  {
    name: 'core.info("routing request") -> ()',
    call: (g) => g.call('core', 'info', ['routing request']),
    js: (c) => impls.info(c, 'routing request'),
  },
  {
    name: 'sl.sl-send-reply(404, "Not Found") -> s32',
    call: (g) => `${g.call('sl', 'sl-send-reply', [404, 'Not Found'])} drop`,
    js: (c) => {
      sink += impls.reply(c, 404, 'Not Found');
    },
  },
];

type Impl = KsrFunction['impl'];
const tables: KsrModule[] = [
  {
    name: 'pv',
    functions: [
      {
        name: 'get',
        params: [['name', 'string']],
        result: 'option<string>',
        impl: impls.get as unknown as Impl,
      },
    ],
  },
  {
    name: 'core',
    functions: [
      {
        name: 'setflag',
        params: [['flag', 's32']],
        result: 'bool',
        impl: impls.setflag as unknown as Impl,
      },
      {
        name: 'info',
        params: [['msg', 'string']],
        result: 'none',
        impl: impls.info as unknown as Impl,
      },
    ],
  },
  {
    name: 'sl',
    functions: [
      {
        name: 'sl-send-reply',
        params: [
          ['code', 's32'],
          ['reason', 'string'],
        ],
        result: 's32',
        impl: impls.reply as unknown as Impl,
      },
    ],
  },
];

async function runner(shape: Shape | undefined, path: RoutePath, fuel: boolean): Promise<ModuleRunner> {
  const g = new Guest();
  const body = shape ? shape.call(g) : '';
  g.route(
    'request-route',
    `(local $i i32) (loop $l ${body} (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const ${CALLS}))))`,
  );
  const compiled = await engine.compile(await g.component(), { path, limits: { fuel } });
  if (!compiled.ok) throw new Error(compiled.error.message);
  // The 100 ms deadline is for production: a process descheduled on a loaded machine would fail a run.
  const linked = createRunner(compiled.value, new Linker(tables), {
    limits: { maxKsrCalls: CALLS * 2, deadlineMs: 10_000 },
  });
  if (!linked.ok) throw new Error(linked.error.message);
  return linked.value;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** ns per call: the median over rounds of (time of INVOCATIONS invocations) / (INVOCATIONS * CALLS). */
function measure(run: () => void): number {
  for (let i = 0; i < 50; i++) run();
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t = performance.now();
    for (let i = 0; i < INVOCATIONS; i++) run();
    rounds.push(((performance.now() - t) * 1e6) / (INVOCATIONS * CALLS));
  }
  return median(rounds);
}

const bench: BenchContext = { vars: new Map([['$ru', RU]]), flags: 0, logged: 0, replies: 0 };
const ctx = bench as unknown as Context;
const fmt = (ns: number) => `${ns.toFixed(1).padStart(8)} ns`;
console.log(
  `KSR call cost, ${CALLS} calls per route invocation, median of ${ROUNDS} rounds (node ${process.version})`,
);
console.log(
  'shape'.padEnd(44),
  'plain JS'.padStart(11),
  'fast'.padStart(11),
  'fast+fuel'.padStart(11),
  'jco+fuel'.padStart(11),
  'fast+fuel/JS'.padStart(13),
  'jco+fuel/fast+fuel'.padStart(19),
);

const loopOnly = {
  fast: await runner(undefined, 'fast', true),
  jco: await runner(undefined, 'jco', true),
};
const loopNs = {
  fast: measure(() => loopOnly.fast.invoke('request-route', ctx)),
  jco: measure(() => loopOnly.jco.invoke('request-route', ctx)),
};

for (const shape of shapes) {
  const fast = await runner(shape, 'fast', false);
  const fastFuel = await runner(shape, 'fast', true);
  const jco = await runner(shape, 'jco', true);
  for (const r of [fast, fastFuel, jco]) {
    const outcome = r.invoke('request-route', ctx);
    if (!outcome.ok) throw new Error(`${shape.name}: ${outcome.error.message}`);
  }
  const js = measure(() => {
    for (let i = 0; i < CALLS; i++) shape.js(bench);
  });
  const f = measure(() => fast.invoke('request-route', ctx));
  const ff = measure(() => fastFuel.invoke('request-route', ctx));
  const j = measure(() => jco.invoke('request-route', ctx));
  for (const r of [fast, fastFuel, jco])
    if (r.stats.failures > 0) throw new Error(`${shape.name}: invocations failed`);
  console.log(
    shape.name.padEnd(44),
    fmt(js),
    fmt(f),
    fmt(ff),
    fmt(j),
    `${(ff / js).toFixed(1)}x`.padStart(13),
    `${(j / ff).toFixed(1)}x`.padStart(19),
  );
}
console.log(
  `(sink ${sink > 0}; the guest loop alone, no call: fast+fuel ${loopNs.fast.toFixed(1)} ns, jco+fuel ${loopNs.jco.toFixed(1)} ns per iteration)`,
);

// Per-invocation overhead: an empty route, fast path with fuel.
{
  const g = new Guest();
  const compiled = await engine.compile(await g.component(), { path: 'fast' });
  if (!compiled.ok) throw new Error(compiled.error.message);
  const linked = createRunner(compiled.value, new Linker(tables));
  if (!linked.ok) throw new Error(linked.error.message);
  const r = linked.value;
  const emptyRoute = () => {
    for (let i = 0; i < CALLS; i++) r.invoke('request-route', ctx);
  };
  console.log(`empty route invocation (bind context, set fuel, call, release): ${fmt(measure(emptyRoute))}`);
}
