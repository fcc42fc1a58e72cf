// How much wall time one fuel unit buys, per kind of code, against the target the default budget is
// calibrated to: the default fuel budget should last about TARGET_MS of the slowest code per unit. Each
// workload is a WAT route (fast path, fuel on) that does a fixed amount of one kind of work and returns;
// the figure is its wall time divided by the fuel it used (the fastest of a few runs after a warm-up). The worst workloads
// decide the weights in src/runtime/fuel-meter.ts: a kind of expression that is slow per unit costs more.
// The hostile AssemblyScript pointer chase (guest-examples/hostile) is measured the same way, as a real
// toolchain's code.
//   node_modules/.bin/node bench/fuel-calibration.ts [--quick]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Guest } from '../fixtures/guest.ts';
import { buildGuest } from '../src/builder/index.ts';
import type { KsrFunction, KsrModule, Param } from '../src/kemi/define.ts';
import {
  createRunner,
  defaultInvocationLimits,
  Engine,
  ksrPackage,
  Linker,
  type ModuleRunner,
  setV8Flags,
} from '../src/runtime/index.ts';
import type { Context } from '../src/runtime/store.ts';

setV8Flags();
const QUICK = process.argv.includes('--quick');
const RUNS = QUICK ? 3 : 7;
/** Wall time the default fuel budget should last on the slowest code per unit. */
const TARGET_MS = 10;
const engine = new Engine();

// Tables answering nothing: the workloads call no KSR function except pv.seti to return a value.
const tables: KsrModule[] = ksrPackage.interfaces.map((i) => ({
  name: i.name,
  doc: '',
  functions: i.functions.map((f) => ({
    name: f.name,
    doc: '',
    params: f.params.map((p) => [p.name, p.type] as unknown as Param),
    result: f.result as KsrFunction['result'],
    impl: () => ({ none: undefined, string: '', s32: 0, bool: false })[f.result as string],
  })),
}));
const ctx = {} as Context;

/** A counted loop around `body` (locals $i, $p, $x, $f are free for the body to use). */
function loop(g: Guest, n: number, body: string, locals = ''): void {
  g.route(
    'request-route',
    `(local $i i32) (local $p i32) (local $x i64) (local $f f64) ${locals}
     (local.set $i (i32.const ${n}))
     (loop $l ${body} (br_if $l (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
     ${g.echoI32('(i32.add (local.get $p) (i32.wrap_i64 (local.get $x)))')}`,
  );
}

const PAGES = 1000; // 62.5 MiB, under the 64 MiB memory cap
const SLOTS = (PAGES * 65536) / 4;

/** reply-route: a random cyclic permutation (Sattolo) of the i32 slots, each holding its successor's address. */
function permutation(g: Guest): void {
  g.memoryPages = PAGES;
  g.route(
    'reply-route',
    `(local $i i32) (local $j i32) (local $r i32) (local $t i32)
     (local.set $i (i32.const 0))
     (loop $init (i32.store (i32.shl (local.get $i) (i32.const 2)) (i32.shl (local.get $i) (i32.const 2)))
       (br_if $init (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const ${SLOTS}))))
     (local.set $r (i32.const 12345))
     (local.set $i (i32.const ${SLOTS - 1}))
     (loop $shuffle
       (local.set $r (i32.add (i32.mul (local.get $r) (i32.const 1103515245)) (i32.const 12345)))
       (local.set $j (i32.rem_u (i32.shr_u (local.get $r) (i32.const 1)) (local.get $i)))
       (local.set $t (i32.load (i32.shl (local.get $i) (i32.const 2))))
       (i32.store (i32.shl (local.get $i) (i32.const 2)) (i32.load (i32.shl (local.get $j) (i32.const 2))))
       (i32.store (i32.shl (local.get $j) (i32.const 2)) (local.get $t))
       (br_if $shuffle (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))`,
  );
}

const FIB = `(func $fib (param $n i32) (result i32)
  (if (result i32) (i32.lt_u (local.get $n) (i32.const 2)) (then (local.get $n))
    (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1))) (call $fib (i32.sub (local.get $n) (i32.const 2)))))))`;
const FIB_INDIRECT = `(type $fn (func (param i32) (result i32)))
  (table 1 funcref) (elem (i32.const 0) $fibi)
  (func $fibi (param $n i32) (result i32)
  (if (result i32) (i32.lt_u (local.get $n) (i32.const 2)) (then (local.get $n))
    (else (i32.add (call_indirect (type $fn) (i32.sub (local.get $n) (i32.const 1)) (i32.const 0))
                   (call_indirect (type $fn) (i32.sub (local.get $n) (i32.const 2)) (i32.const 0))))))`;
const LCG = '(local.set $p (i32.add (i32.mul (local.get $p) (i32.const 1103515245)) (i32.const 12345)))';
const RANDOM_SLOT = `(i32.and (local.get $p) (i32.const ${SLOTS * 4 - 4}))`;

const WORKLOADS: [string, (g: Guest) => void][] = [
  ['tight loop (countdown)', (g) => loop(g, 20_000_000, '')],
  [
    'pointer chase, 62 MiB permutation',
    (g) => {
      permutation(g);
      loop(g, 2_000_000, '(local.set $p (i32.load (local.get $p)))');
    },
  ],
  [
    'random loads, independent',
    (g) => {
      g.memoryPages = PAGES;
      loop(g, 2_000_000, `${LCG} (local.set $x (i64.add (local.get $x) (i64.load32_u ${RANDOM_SLOT})))`);
    },
  ],
  [
    'random stores',
    (g) => {
      g.memoryPages = PAGES;
      loop(g, 2_000_000, `${LCG} (i32.store ${RANDOM_SLOT} (local.get $i))`);
    },
  ],
  [
    'calls: fib(27)',
    (g) => {
      g.field(FIB);
      g.route('request-route', g.echoI32('(call $fib (i32.const 27))'));
    },
  ],
  [
    'call_indirect: fib(27)',
    (g) => {
      g.field(FIB_INDIRECT);
      g.route('request-route', g.echoI32('(call $fibi (i32.const 27))'));
    },
  ],
  [
    'i64.div_u chain',
    (g) =>
      loop(g, 2_000_000, '(local.set $x (i64.div_u (i64.const -1) (i64.or (local.get $x) (i64.const 3))))'),
  ],
  [
    'i32.rem_u chain',
    (g) =>
      loop(g, 2_000_000, '(local.set $p (i32.rem_u (i32.const -1) (i32.or (local.get $p) (i32.const 3))))'),
  ],
  [
    'f64.sqrt chain',
    (g) => loop(g, 2_000_000, '(local.set $f (f64.sqrt (f64.add (local.get $f) (f64.const 2))))'),
  ],
  [
    'f64.div chain',
    (g) =>
      loop(g, 2_000_000, '(local.set $f (f64.div (f64.const 1e9) (f64.add (local.get $f) (f64.const 3))))'),
  ],
  [
    'memory.fill 62 MiB',
    (g) => {
      g.memoryPages = PAGES;
      loop(g, 4, `(memory.fill (i32.const 0) (local.get $i) (i32.const ${PAGES * 65536}))`);
    },
  ],
  [
    'memory.copy 31 MiB',
    (g) => {
      g.memoryPages = PAGES;
      loop(g, 4, `(memory.copy (i32.const 0) (i32.const ${PAGES * 32768}) (i32.const ${PAGES * 32768}))`);
    },
  ],
  ['memory.grow 0', (g) => loop(g, 200_000, '(local.set $p (memory.grow (i32.const 0)))')],
  // A fresh instance each run (FRESH): every store is the first to its 4 KiB page, a page fault.
  [
    'first store to each 4 KiB page (fresh)',
    (g) => {
      g.memoryPages = PAGES;
      loop(
        g,
        (PAGES * 65536) / 4096 - 1,
        '(i32.store (i32.shl (local.get $i) (i32.const 12)) (local.get $i))',
      );
    },
  ],
  ['memory.size', (g) => loop(g, 2_000_000, '(local.set $p (i32.add (local.get $p) (memory.size)))')],
  [
    'br_table, 256 targets',
    (g) => {
      const targets = Array.from({ length: 256 }, (_, k) => `$b${k}`);
      let body = `(br_table ${targets.join(' ')} $b0 (i32.and (i32.shr_u (local.get $p) (i32.const 16)) (i32.const 255)))`;
      for (const t of targets)
        body = `(block ${t} ${body}) (local.set $x (i64.add (local.get $x) (i64.const 1)))`;
      loop(g, 2_000_000, `${LCG} ${body}`);
    },
  ],
];

async function runner(bytes: Uint8Array): Promise<ModuleRunner> {
  const compiled = await engine.compile(bytes);
  if (!compiled.ok) throw new Error(compiled.error.message);
  const linked = createRunner(compiled.value, new Linker(tables), {
    limits: { fuel: 0x7fffffff, deadlineMs: 1e9, maxKsrCalls: 1e9 },
  });
  if (!linked.ok) throw new Error(linked.error.message);
  return linked.value;
}

/**
 * Fastest wall time of `run` after a warm-up run (V8 tiers hot wasm functions up from its baseline compiler),
 * and the fuel it used. The fastest, because the machine is shared: other work only ever adds time.
 */
function measure(r: ModuleRunner, run: () => void): { ms: number; units: number } {
  run();
  let ms = Number.POSITIVE_INFINITY;
  for (let k = 0; k < RUNS; k++) {
    const t = performance.now();
    run();
    ms = Math.min(ms, performance.now() - t);
  }
  return { ms, units: r.last.fuelUsed };
}

const budget = defaultInvocationLimits.fuel;
const targetNs = (TARGET_MS * 1e6) / budget;
console.log(
  `fuel calibration (node ${process.version}): wall ns per fuel unit, fastest of ${RUNS} after a warm-up; default budget ${budget} units, target ${TARGET_MS} ms = ${targetNs.toFixed(3)} ns/unit`,
);
console.log(
  `${'workload'.padEnd(40)} ${'units'.padStart(12)} ${'ms'.padStart(8)} ${'ns/unit'.padStart(9)}  budget lasts  /target`,
);
const rows: [string, number][] = [];
const print = (label: string, units: number, ms: number) => {
  const ns = (ms * 1e6) / units;
  rows.push([label, ns]);
  const lasts = (ns * budget) / 1e6;
  console.log(
    `${label.padEnd(40)} ${String(units).padStart(12)} ${ms.toFixed(2).padStart(8)} ${ns.toFixed(3).padStart(9)}  ${`${lasts.toFixed(1)} ms`.padStart(12)}  ${`x${(ns / targetNs).toFixed(2)}`.padStart(7)}`,
  );
};

for (const [label, build] of WORKLOADS) {
  const g = new Guest();
  build(g);
  const r = await runner(await g.component());
  const setup = r.invoke('reply-route', ctx);
  if (!setup.ok) throw new Error(`${label}: ${setup.error.message}`);
  const fresh = label.endsWith('(fresh)');
  const { ms, units } = measure(r, () => {
    if (fresh) {
      r.reset();
      r.invoke('reply-route', ctx);
    }
    const o = r.invoke('request-route', ctx);
    if (!o.ok) throw new Error(`${label}: ${o.error.message}`);
  });
  print(label, units, ms);
}

// The hostile AssemblyScript route: a pointer chase over a permutation it builds on first use.
const out = mkdtempSync(join(tmpdir(), 'kemi-fuel-calibration-'));
const built = await buildGuest('guest-examples/hostile/assemblyscript', { out: join(out, 'hostile.wasm') });
rmSync(out, { recursive: true, force: true });
if (!built.ok) throw new Error(built.error.message);
{
  const r = await runner(built.value.component);
  const first = r.invoke('named-route', ctx, 'pointer-chase');
  if (!first.ok) throw new Error(`pointer-chase: ${first.error.message}`);
  const { ms, units } = measure(r, () => {
    const o = r.invoke('named-route', ctx, 'pointer-chase');
    if (!o.ok) throw new Error(`pointer-chase: ${o.error.message}`);
  });
  print('AssemblyScript pointer-chase (hostile)', units, ms);
}

const [worstLabel, worst] = rows.reduce((a, b) => (b[1] > a[1] ? b : a));
console.log(
  `\nworst: ${worstLabel}, ${worst.toFixed(3)} ns/unit: the default budget lasts ${((worst * budget) / 1e6).toFixed(1)} ms (target ${TARGET_MS} ms, x${(worst / targetNs).toFixed(2)})`,
);
engine.close();
