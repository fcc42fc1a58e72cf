// What the sandbox costs and what it stops, measured in one run:
//   1. fuel: each route compiled with and without fuel metering; ns per invocation (the fastest of many
//      interleaved rounds, in CPU time of this process: noise from other processes only ever adds time) and
//      the ratio fuel / no fuel. (a) guest time: KSR tables that answer canned values; (b) the
//      hello routes over the server's KSR tables on a parsed INVITE, as the server runs them.
//   2. a trap and the fresh instance the next invocation makes, against an invocation on a reused instance.
//   3. the hostile routes of guest-examples/hostile under the default limits, over the server's KSR tables:
//      cause, time to stop, fuel used, memory held right after.
//   4. 200 failing invocations in a row: time per failure and memory left after a full GC.
//   5. host work: host state kept across invocations (pv names), and script regexes on V8's linear-time
//      engine against a backtracking RegExp.
//   6. how long the default fuel budget lasts: WAT routes spinning until it runs out, wall time.
//   node_modules/.bin/node bench/sandbox.ts [--quick] [--sections=1,2,3,4,5,6]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pino } from 'pino';
import { Guest } from '../fixtures/guest.ts';
import { INVITE, SOURCE } from '../fixtures/messages.ts';
import { buildGuest } from '../src/builder/index.ts';
import type { KsrFunction, KsrModule, Param } from '../src/kemi/define.ts';
import { ksrModules, RouteContext } from '../src/kemi/index.ts';
import { ScriptRegexes } from '../src/kemi/script-regex.ts';
import { silentLogger } from '../src/logger.ts';
import {
  type CompiledModule,
  createRunner,
  defaultInvocationLimits,
  Engine,
  type InvocationLimits,
  ksrPackage,
  Linker,
  type ModuleRunner,
  type RouteName,
  setV8Flags,
} from '../src/runtime/index.ts';
import type { Context } from '../src/runtime/store.ts';
import { parseMessage, SipRequest } from '../src/sip/index.ts';
import { notingHost } from './noting-host.ts';

// V8 flags as src/server.ts sets them at start-up (see src/runtime/v8-flags.ts).
setV8Flags();
const engine = new Engine();
const QUICK = process.argv.includes('--quick');
const SECTIONS = new Set(
  (process.argv.find((a) => a.startsWith('--sections='))?.slice(11) ?? '1,2,3,4,5,6').split(','),
);
const ROUNDS = QUICK ? 9 : 201;
const ROUND_MS = QUICK ? 5 : 2;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const MiB = 1024 * 1024;

// ---- guests -------------------------------------------------------------------------------------------

const out = mkdtempSync(join(tmpdir(), 'kemi-sandbox-bench-'));
async function build(dir: string, name: string): Promise<Uint8Array> {
  const built = await buildGuest(dir, { out: join(out, `${name}.wasm`) });
  if (!built.ok) throw new Error(`${dir}: ${built.error.message}\n${built.error.output ?? ''}`);
  return built.value.component;
}
const components = {
  helloAs: await build('guest-examples/assemblyscript/hello', 'hello-as'),
  helloRust: await build('guest-examples/rust/hello', 'hello-rust'),
  hostileAs: await build('guest-examples/hostile/assemblyscript', 'hostile-as'),
  hostileRust: await build('guest-examples/hostile/rust', 'hostile-rust'),
};
rmSync(out, { recursive: true, force: true });

/** A loop-heavy route: a checksum over 4 KiB of guest memory, one byte per iteration. */
function checksumRoute(): Guest {
  const g = new Guest();
  g.route(
    'request-route',
    `(local $i i32) (local $h i32)
     (loop $l
       (local.set $h (i32.add (i32.mul (local.get $h) (i32.const 31)) (i32.load8_u (local.get $i))))
       (local.set $i (i32.add (local.get $i) (i32.const 1)))
       (br_if $l (i32.lt_u (local.get $i) (i32.const 4096))))
     ${g.echoI32('(local.get $h)')}`,
  );
  return g;
}

/** A call-heavy route: fib(16) by naive recursion (3193 calls of a tiny function). */
function fibRoute(): Guest {
  const g = new Guest();
  g.field(`(func $fib (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2)) (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1))) (call $fib (i32.sub (local.get $n) (i32.const 2)))))))`);
  g.route('request-route', g.echoI32('(call $fib (i32.const 16))'));
  return g;
}

// ---- tables, contexts, runners -------------------------------------------------------------------------

// KSR tables answering canned values, no recording, no allocation: what is left is guest time + binding.
const canned: Record<string, unknown> = {
  'pv.get': undefined,
  'pv.gete': 'Busy Here',
  'pv.getvs': 'call-1@10.0.0.1',
  'pv.getvn': 486,
  'sanity.sanity-check': 1,
  'maxfwd.process-maxfwd': 1,
  'sl.sl-send-reply': 1,
};
const defaults: Record<string, unknown> = { none: undefined, string: '', s32: 0, bool: false };
const cannedTables: KsrModule[] = ksrPackage.interfaces.map((i) => ({
  name: i.name,
  doc: '',
  functions: i.functions.map((f) => {
    const key = `${i.name}.${f.name}`;
    const answer = key in canned ? canned[key] : defaults[f.result];
    return {
      name: f.name,
      doc: '',
      params: f.params.map((p) => [p.name, p.type] as unknown as Param),
      result: f.result as KsrFunction['result'],
      impl: () => answer,
    };
  }),
}));
const cannedCtx = {} as Context;

// The server's tables over parsed messages, with a host that notes replies instead of sending them.
const host = notingHost;
// As in production, script logs at info are written (here to /dev/null): xlog expands them.
const infoLogger = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: true }));
function routeContext(text: string, log = silentLogger): RouteContext {
  const parsed = parseMessage(text, { datagram: true });
  if (!parsed.ok || !(parsed.value instanceof SipRequest)) throw new Error('bench message');
  return new RouteContext('request', parsed.value, SOURCE, host, log);
}

async function compiled(bytes: Uint8Array, fuel: boolean): Promise<CompiledModule> {
  const result = await engine.compile(bytes, { limits: { fuel } });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

function runnerOf(module: CompiledModule, tables: readonly KsrModule[], limits?: Partial<InvocationLimits>) {
  const linked = createRunner(module, new Linker(tables), { limits });
  if (!linked.ok) throw new Error(linked.error.message);
  return linked.value;
}

/** CPU time (user + system) of this process since `from`, in ns. */
function cpuNs(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) * 1000;
}

/** Invocations per round so that a round of `run` takes about ROUND_MS of CPU. */
function calibrate<T>(run: (input: T) => void, prepare: (n: number) => T[]): number {
  for (let n = 50; ; n *= 4) {
    const inputs = prepare(n);
    const t = process.cpuUsage();
    for (const x of inputs) run(x);
    const ms = cpuNs(t) / 1e6;
    if (ms >= ROUND_MS / 8) return Math.max(50, Math.ceil((n * ROUND_MS) / ms));
  }
}

/**
 * ns per call of each variant in its fastest round, rounds interleaved so that machine noise hits them alike; each variant
 * runs as many calls per round as fill about ROUND_MS. `prepare` makes a round's inputs outside the timing.
 */
function compare<T>(variants: readonly ((input: T) => void)[], prepare: (n: number) => T[]): number[] {
  const warm = prepare(200);
  for (const run of variants) for (const x of warm) run(x);
  const counts = variants.map((run) => calibrate(run, prepare));
  const rounds: number[][] = variants.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    variants.forEach((run, k) => {
      const inputs = prepare(counts[k]);
      const t = process.cpuUsage();
      for (const x of inputs) run(x);
      rounds[k].push(cpuNs(t) / counts[k]);
    });
  }
  return rounds.map((r) => Math.min(...r));
}

/** A full GC, after the finalizers of the last one (which free wasm memories) have run. */
async function settle(): Promise<void> {
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}

const same =
  <T>(x: T) =>
  (n: number): T[] =>
    new Array(n).fill(x);
const fmtNs = (ns: number) => `${ns >= 10_000 ? ns.toFixed(0) : ns.toFixed(1)} ns`.padStart(11);
const geomean = (xs: number[]) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
const sectionStart = () => {
  const t = performance.now();
  return () => console.log(`(${((performance.now() - t) / 1000).toFixed(1)} s)`);
};

console.log(
  `kemi-wasm sandbox bench (node ${process.version}; CPU time per call, fastest of ${ROUNDS} interleaved rounds)`,
);

// ---- 1. fuel overhead ----------------------------------------------------------------------------------

if (SECTIONS.has('1')) {
  const done = sectionStart();
  console.log('\n1a. fuel metering, guest time: ns per invocation, KSR tables answering canned values');
  console.log(
    `${'route'.padEnd(38)} ${'no fuel'.padStart(11)} ${'fuel'.padStart(11)}  fuel/none  units/call`,
  );
  const cases: [string, Uint8Array, RouteName][] = [
    ['hello AssemblyScript request-route', components.helloAs, 'request-route'],
    ['hello AssemblyScript reply-route', components.helloAs, 'reply-route'],
    ['hello Rust request-route', components.helloRust, 'request-route'],
    ['hello Rust reply-route', components.helloRust, 'reply-route'],
    ['loop: checksum of 4 KiB (WAT)', await checksumRoute().component(), 'request-route'],
    ['calls: fib(16), 3193 calls (WAT)', await fibRoute().component(), 'request-route'],
  ];
  const ratios: number[] = [];
  for (const [label, bytes, route] of cases) {
    const plain = runnerOf(await compiled(bytes, false), cannedTables);
    const metered = runnerOf(await compiled(bytes, true), cannedTables);
    const check = metered.invoke(route, cannedCtx);
    if (!check.ok) throw new Error(`${label}: ${check.error.message}`);
    const units = metered.last.fuelUsed;
    const [a, b] = compare(
      [() => plain.invoke(route, cannedCtx), () => metered.invoke(route, cannedCtx)],
      same(undefined),
    );
    if (plain.stats.failures + metered.stats.failures > 0) throw new Error(`${label}: invocations failed`);
    ratios.push(b / a);
    console.log(
      `${label.padEnd(38)} ${fmtNs(a)} ${fmtNs(b)}  ${`x${(b / a).toFixed(3)}`.padStart(9)}  ${String(units).padStart(10)}`,
    );
  }
  console.log(`geometric mean of the ratios: x${geomean(ratios).toFixed(3)}`);

  console.log(
    '\n1b. fuel metering, whole route: the server KSR tables on a parsed INVITE (404), parse excluded',
  );
  console.log(`${'route'.padEnd(38)} ${'no fuel'.padStart(11)} ${'fuel'.padStart(11)}  fuel/none`);
  const whole: number[] = [];
  for (const [label, bytes] of [
    ['hello AssemblyScript request-route', components.helloAs],
    ['hello Rust request-route', components.helloRust],
  ] as const) {
    const plain = runnerOf(await compiled(bytes, false), ksrModules);
    const metered = runnerOf(await compiled(bytes, true), ksrModules);
    const invite = (r: ModuleRunner) => (ctx: RouteContext) => {
      r.invoke('request-route', ctx);
      if (ctx.answer.replied !== 404) throw new Error(`${label}: replied ${ctx.answer.replied}`);
    };
    const [a, b] = compare([invite(plain), invite(metered)], (n) =>
      Array.from({ length: n }, () => routeContext(INVITE)),
    );
    whole.push(b / a);
    console.log(`${label.padEnd(38)} ${fmtNs(a)} ${fmtNs(b)}  ${`x${(b / a).toFixed(3)}`.padStart(9)}`);
  }
  console.log(`geometric mean of the ratios: x${geomean(whole).toFixed(3)}`);

  // Why the runner reads the fuel left only when asked: each access to a WebAssembly.Global from JS.
  console.log('\n1c. one access to an i64 WebAssembly.Global from JS, against a JS property');
  // lib.dom's types make every Global a number; an i64 one holds a bigint.
  const global = new WebAssembly.Global({ value: 'i64', mutable: true }, 50_000_000n) as unknown as {
    value: bigint;
  };
  const plainObject = { value: 50_000_000n };
  let seen = 0n;
  const [read, write, property] = compare(
    [
      () => {
        seen += global.value;
      },
      () => {
        global.value = 49_999_999n;
      },
      () => {
        seen += plainObject.value;
      },
    ],
    same(undefined),
  );
  console.log(`read ${fmtNs(read)}, write ${fmtNs(write)}, a JS property ${fmtNs(property)} (${seen > 0n})`);
  done();
}

// ---- 2. trap + fresh instance --------------------------------------------------------------------------

if (SECTIONS.has('2')) {
  const done = sectionStart();
  console.log('\n2. a trap and the fresh instance after it (hostile module, server KSR tables, fuel on)');
  console.log(
    `${'module'.padEnd(16)} ${'reused'.padStart(11)} ${'reset+new'.padStart(11)} ${'trap+new'.padStart(11)}  trap+new/reused`,
  );
  for (const [label, bytes] of [
    ['AssemblyScript', components.hostileAs],
    ['Rust', components.hostileRust],
  ] as const) {
    const runner = runnerOf(await compiled(bytes, true), ksrModules);
    // request-route on a message whose R-URI has no user runs no attack: one pv.get and return.
    const benign = routeContext(INVITE.replace('sip:bob@example.com:5070', 'sip:example.com:5070'));
    const trap = routeContext(INVITE);
    const ok = () => {
      const o = runner.invoke('request-route', benign);
      if (!o.ok) throw new Error(o.error.message);
    };
    const [reused, fresh, trapped] = compare(
      [
        ok,
        () => {
          runner.reset();
          ok();
        },
        () => {
          const o = runner.invoke('named-route', trap, 'trap-unreachable');
          if (o.ok || o.error.cause !== 'trap') throw new Error('expected a trap');
          ok();
        },
      ],
      same(undefined),
    );
    console.log(
      `${label.padEnd(16)} ${fmtNs(reused)} ${fmtNs(fresh)} ${fmtNs(trapped)}  x${(trapped / reused).toFixed(0)}`,
    );
  }
  done();
}

// ---- 3. hostile routes under the default limits --------------------------------------------------------

const ATTACKS = [
  'infinite-loop',
  'memory-bomb',
  'deep-recursion',
  'trap-unreachable',
  'trap-out-of-bounds',
  'huge-string',
  'bogus-length',
  'bogus-pointer',
  'bogus-retptr',
  'hoard-host-memory',
  'log-flood',
  'ksr-flood',
  'header-forging',
  'relay-forbidden',
  'header-redos',
  'xlog-amplify',
] as const;

const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

if (SECTIONS.has('3')) {
  const done = sectionStart();
  console.log(
    '\n3. hostile routes, default limits, server KSR tables, script logs at info (one invocation each, fresh runner)',
  );
  console.log(
    `${'attack'.padEnd(19)} ${'lang'.padEnd(4)} ${'outcome'.padEnd(7)} ${'ms'.padStart(6)} ${'fuel used'.padStart(10)} ${'calls'.padStart(5)} ${'wasm+ext'.padStart(9)} ${'JS heap'.padStart(9)}  message`,
  );
  for (const attack of ATTACKS) {
    for (const [lang, bytes] of [
      ['AS', components.hostileAs],
      ['Rust', components.hostileRust],
    ] as const) {
      const runner = runnerOf(await compiled(bytes, true), ksrModules);
      const ctx = routeContext(INVITE.replace('sip:bob@', `sip:${attack}@`), infoLogger);
      ctx.logMeter = runner.meter;
      await settle();
      const before = process.memoryUsage();
      const t = performance.now();
      const outcome = runner.invoke('request-route', ctx);
      const ms = performance.now() - t;
      // Memory still reachable right after: the failed instance's memory, what the context holds.
      const after = process.memoryUsage();
      const external = after.external + after.arrayBuffers - before.external - before.arrayBuffers;
      const heap = after.heapUsed - before.heapUsed;
      const message = outcome.ok ? '' : outcome.error.message.replace(/^request-route: /, '').slice(0, 80);
      console.log(
        `${attack.padEnd(19)} ${lang.padEnd(4)} ${(outcome.ok ? 'ok' : outcome.error.cause).padEnd(7)} ${ms.toFixed(1).padStart(6)} ${String(runner.last.fuelUsed).padStart(10)} ${String(runner.last.ksrCalls).padStart(5)} ${mib(external).padStart(9)} ${mib(heap).padStart(9)}  ${message}`,
      );
    }
  }
  done();
}

// ---- 4. many failures in a row -------------------------------------------------------------------------

if (SECTIONS.has('4')) {
  const done = sectionStart();
  const rotation = ['memory-bomb', 'trap-unreachable', 'infinite-loop', 'bogus-pointer', 'log-flood'];
  console.log(
    `\n4. 200 failing invocations in a row (${rotation.join(', ')}), 8 MiB memory cap, 60 M fuel units`,
  );
  for (const [label, bytes] of [
    ['AssemblyScript', components.hostileAs],
    ['Rust', components.hostileRust],
  ] as const) {
    const module = await engine.compile(bytes, { limits: { maxMemoryBytes: 8 * MiB } });
    if (!module.ok) throw new Error(module.error.message);
    const runner = runnerOf(module.value, ksrModules, { fuel: 60_000_000 });
    const run = (i: number) => {
      const ctx = routeContext(INVITE.replace('sip:bob@', `sip:${rotation[i % rotation.length]}@`));
      ctx.logMeter = runner.meter;
      return runner.invoke('request-route', ctx);
    };
    for (let i = 0; i < 10; i++) run(i);
    await settle();
    const before = process.memoryUsage();
    const t = performance.now();
    for (let i = 0; i < 200; i++) if (run(i).ok) throw new Error('expected a failure');
    const ms = performance.now() - t;
    await settle();
    const after = process.memoryUsage();
    const grown =
      after.heapUsed +
      after.external +
      after.arrayBuffers -
      before.heapUsed -
      before.external -
      before.arrayBuffers;
    console.log(
      `${label.padEnd(16)} ${(ms / 200).toFixed(2)} ms per failing invocation, ${runner.stats.instances} instances made, ${mib(grown)} left after GC`,
    );
  }
  done();
}

// ---- 5. host state across invocations ------------------------------------------------------------------

if (SECTIONS.has('5')) {
  const done = sectionStart();
  console.log(
    '\n5. pv-name-hoard: 20 pv names of 1 MB per invocation (maxArgumentBytes raised to let them through)',
  );
  for (const [label, bytes] of [
    ['AssemblyScript', components.hostileAs],
    ['Rust', components.hostileRust],
  ] as const) {
    const runner = runnerOf(await compiled(bytes, true), ksrModules, { maxArgumentBytes: 64 * MiB });
    await settle();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 10; i++)
      runner.invoke('request-route', routeContext(INVITE.replace('sip:bob@', 'sip:pv-name-hoard@')));
    await settle();
    console.log(
      `${label.padEnd(16)} 10 invocations: ${mib(process.memoryUsage().heapUsed - before)} of JS heap kept after GC`,
    );
  }

  console.log(
    '\n5b. script regexes (t-check-status, check-route-param): one match, linear-time engine vs backtracking',
  );
  const matchNs = (test: (input: string) => unknown, input: string) => {
    const [ns] = compare([() => test(input)], same(undefined));
    return ns;
  };
  const regexes = new ScriptRegexes();
  const script = (pattern: string) => (input: string) => {
    const matched = regexes.test(pattern, input);
    if (!matched.ok) throw new Error(matched.error);
  };
  const cases: [string, string, string][] = [
    ['(a+)+$ over 26 characters', '(a+)+$', `${'a'.repeat(25)}!`],
    ['(a+)+$ over 1 KiB', '(a+)+$', `${'a'.repeat(1023)}!`],
    ['256 bytes of .* over 1 KiB', '.*'.repeat(128), 'a'.repeat(1024)],
    ['^5[0-9][0-9]$ on a status code', '^5[0-9][0-9]$', '503'],
  ];
  for (const [label, pattern, input] of cases) {
    const ns = matchNs(script(pattern), input);
    console.log(`${label.padEnd(34)} linear ${fmtNs(ns)}`);
  }
  const status = /^5[0-9][0-9]$/;
  console.log(
    `${'^5[0-9][0-9]$ on a status code'.padEnd(34)} backtracking ${fmtNs(matchNs((x) => status.test(x), '503'))}`,
  );
  // Backtracking doubles its work with each character: timed once each (after one short warm-up match),
  // it is far too slow to repeat.
  /(a+)+$/.test('aaaaaaaaaa!');
  for (const n of QUICK ? [16, 18] : [20, 22, 24]) {
    const input = `${'a'.repeat(n - 1)}!`;
    const t = performance.now();
    /(a+)+$/.test(input);
    console.log(
      `${`(a+)+$ over ${n} characters`.padEnd(34)} backtracking ${(performance.now() - t).toFixed(1)} ms`,
    );
  }
  done();
}

// ---- 6. how long the default fuel budget lasts ---------------------------------------------------------

if (SECTIONS.has('6')) {
  const done = sectionStart();
  console.log(
    '\n6. how long the default fuel budget lasts: WAT routes spinning until it runs out (fast path)',
  );
  const chain = (g: Guest) => {
    // Dependent loads at pseudo-random places over 64 MiB: each address needs the previous load (of a zero),
    // so every one waits for a cache (and TLB) miss. The worst case found for time per unit of fuel.
    g.memoryPages = 1024;
    g.route(
      'request-route',
      `(local $p i32) (loop $l
         (local.set $p (i32.and (i32.add (i32.mul (local.get $p) (i32.const 1103515245))
           (i32.add (i32.const 12345) (i32.load (local.get $p)))) (i32.const 0x3fffffc)))
         (br $l))`,
    );
  };
  const routes: [string, (g: Guest) => void][] = [
    ['tight loop', (g) => g.route('request-route', '(loop $l (br $l))')],
    [
      'counter loop',
      (g) =>
        g.route(
          'request-route',
          '(local $i i32) (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $l))',
        ),
    ],
    [
      '16 MiB memory.fill per iteration',
      (g) => {
        g.memoryPages = 256;
        g.route(
          'request-route',
          '(loop $l (memory.fill (i32.const 0) (i32.const 7) (i32.const 16777216)) (br $l))',
        );
      },
    ],
    [
      '8 MiB memory.copy per iteration',
      (g) => {
        g.memoryPages = 256;
        g.route(
          'request-route',
          '(loop $l (memory.copy (i32.const 0) (i32.const 8388608) (i32.const 8388608)) (br $l))',
        );
      },
    ],
    [
      '20 000-instruction loop body',
      (g) => {
        g.field('(global $x (mut i32) (i32.const 1))');
        const body = '(global.set $x (i32.xor (i32.mul (global.get $x) (i32.const 31)) (i32.const 7)))';
        g.route('request-route', `(loop $l ${body.repeat(20_000)} (br $l))`);
      },
    ],
    [
      'recursion: fib(40)',
      (g) => {
        g.field(`(func $fib (param $n i32) (result i32)
          (if (result i32) (i32.lt_u (local.get $n) (i32.const 2)) (then (local.get $n))
            (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1))) (call $fib (i32.sub (local.get $n) (i32.const 2)))))))`);
        g.route('request-route', g.echoI32('(call $fib (i32.const 40))'));
      },
    ],
    ['dependent cache-missing loads over 64 MiB', chain],
  ];
  console.log(
    `${'route'.padEnd(42)} ${'ms'.padStart(8)}  (median of ${QUICK ? 3 : 7}, ${defaultInvocationLimits.fuel / 1e6} M units each)`,
  );
  for (const [label, build] of routes) {
    const g = new Guest();
    build(g);
    // No deadline: how long the fuel alone lasts (bench/fuel-calibration.ts has ns per unit per kind of code).
    const runner = runnerOf(await compiled(await g.component(), true), cannedTables, { deadlineMs: 1e9 });
    const times: number[] = [];
    for (let i = 0; i < (QUICK ? 3 : 7); i++) {
      const t = performance.now();
      const outcome = runner.invoke('request-route', cannedCtx);
      times.push(performance.now() - t);
      if (outcome.ok || outcome.error.cause !== 'fuel')
        throw new Error(`${label}: expected to run out of fuel`);
    }
    const median = times.toSorted((a, b) => a - b)[times.length >> 1];
    console.log(`${label.padEnd(42)} ${median.toFixed(1).padStart(8)}`);
  }
  done();
}
