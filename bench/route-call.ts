// The hello example route per request, six ways, measured in the same run: written in plain TypeScript
// against the KSR tables (the baseline), and as the AssemblyScript and Rust components on the fast
// canonical-ABI path and on jco's glue, and as the JavaScript component (componentize-js) on the fast path. Prints ns per route call and per KSR call, and the ratios.
// The host under the route records replies instead of sending them, so the figures are routing alone.
// "over TS per KSR call" is what a component adds over the same route in TypeScript, spread over its KSR
// calls: (component ns/route - TypeScript ns/route) / KSR calls. It is the guest's own code (AssemblyScript
// encodes its strings to UTF-8, for one) plus the binding, not the cost of crossing the boundary alone:
// bench/route-call-abi.ts measures that.
//   node_modules/.bin/node bench/route-call.ts
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGuest } from '../src/builder/index.ts';
import { ksrModules, RouteContext } from '../src/kemi/index.ts';
import { silentLogger } from '../src/logger.ts';
import {
  createRunner,
  Engine,
  Linker,
  type ModuleRunner,
  type RoutePath,
  setV8Flags,
} from '../src/runtime/index.ts';
import { parseMessage, type SipRequest } from '../src/sip/index.ts';
import type { Source } from '../src/transport/index.ts';
import { notingHost } from './noting-host.ts';

// V8 flags as src/server.ts sets them at start-up (see src/runtime/v8-flags.ts).
setV8Flags();
const engine = new Engine();
const ROUNDS = 7;
const PER_ROUND = 20_000;

const source: Source = {
  proto: 'udp',
  remote: { address: '192.0.2.10', port: 5062 },
  local: { address: '127.0.0.1', port: 5060 },
};

const host = notingHost;

const request = (method: string, ruri: string) =>
  [
    `${method} ${ruri} SIP/2.0`,
    'Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK-bench;rport',
    'Max-Forwards: 70',
    'From: <sip:alice@example.org>;tag=a1',
    `To: <${ruri}>`,
    'Call-ID: bench-1@192.0.2.10',
    `CSeq: 1 ${method}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');

const messages = {
  'OPTIONS to myself (200)': request('OPTIONS', 'sip:127.0.0.1:5060'),
  'INVITE (404)': request('INVITE', 'sip:bob@example.com'),
};

/** A fresh context over a fresh parse, as the server makes per message (parse cost excluded below). */
function contexts(text: string, n: number): RouteContext[] {
  const out: RouteContext[] = [];
  for (let i = 0; i < n; i++) {
    const parsed = parseMessage(text);
    if (!parsed.ok) throw new Error(parsed.error.detail);
    out.push(new RouteContext('request', parsed.value as SipRequest, source, host, silentLogger));
  }
  return out;
}

// The baseline: the hello route in TypeScript, calling the same KSR implementations the guests import.
const ksr = (iface: string, name: string) => {
  const f = ksrModules.find((m) => m.name === iface)?.functions.find((g) => g.name === name);
  if (!f) throw new Error(`${iface}.${name} missing`);
  return f.impl;
};
const xinfo = ksr('xlog', 'xinfo');
const sanityCheck = ksr('sanity', 'sanity-check');
const processMaxfwd = ksr('maxfwd', 'process-maxfwd');
const slSendReply = ksr('sl', 'sl-send-reply');
const isMethod = ksr('core', 'is-method');
const isMyselfRuri = ksr('core', 'is-myself-ruri');
const pvGet = ksr('pv', 'get');
const exit = ksr('x', 'exit');

function helloRoute(ctx: RouteContext): void {
  xinfo(ctx, 'request $rm $ru from $si:$sp call-id $ci');
  if ((sanityCheck(ctx, 17895, 7) as number) < 0) return void exit(ctx);
  if ((processMaxfwd(ctx, 10) as number) < 0) {
    slSendReply(ctx, 483, 'Too Many Hops');
    return void exit(ctx);
  }
  if (isMethod(ctx, 'OPTIONS') && isMyselfRuri(ctx) && pvGet(ctx, '$rU') === undefined) {
    slSendReply(ctx, 200, 'OK');
    return void exit(ctx);
  }
  slSendReply(ctx, 404, 'Not Found');
}

async function runnerFor(component: Uint8Array, path: RoutePath): Promise<ModuleRunner> {
  const compiled = await engine.compile(component, { path });
  if (!compiled.ok) throw new Error(compiled.error.message);
  // A generous deadline: a collection in SpiderMonkey on a loaded machine must not end the measurement.
  const linked = createRunner(compiled.value, new Linker(ksrModules), {
    limits: { deadlineMs: 1000, jsDeadlineMs: 1000 },
  });
  if (!linked.ok) throw new Error(linked.error.message);
  return linked.value;
}

/** The linear memory of the runner's live instance (a bench may look inside: the runner does not expose it). */
function instanceMemoryBytes(runner: ModuleRunner): number {
  const inside = runner as unknown as { current?: { store: { memory?: { buffer: ArrayBuffer } } } };
  return inside.current?.store.memory?.buffer.byteLength ?? 0;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** ns per route call: median over rounds of PER_ROUND calls, contexts made outside the timed loop. */
function measure(text: string, run: (ctx: RouteContext) => void, expected: number): number {
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS + 1; r++) {
    const batch = contexts(text, PER_ROUND);
    const t0 = process.hrtime.bigint();
    for (const ctx of batch) run(ctx);
    const ns = Number(process.hrtime.bigint() - t0) / PER_ROUND;
    if (batch[PER_ROUND - 1].answer.replied !== expected)
      throw new Error(`route replied ${batch[PER_ROUND - 1].answer.replied}`);
    if (r > 0) rounds.push(ns); // the first round warms up
  }
  return median(rounds);
}

const out = mkdtempSync(join(tmpdir(), 'kemi-bench-'));
const components: Record<string, Uint8Array> = {};
for (const [language, dir] of [
  ['AssemblyScript', 'guest-examples/assemblyscript/hello'],
  ['Rust', 'guest-examples/rust/hello'],
  ['JavaScript', 'guest-examples/js/hello'],
] as const) {
  const built = await buildGuest(dir, { out: join(out, `${language}.wasm`) });
  if (!built.ok) throw new Error(built.error.message);
  components[language] = built.value.component;
}

const runners: [string, (ctx: RouteContext) => void][] = [['plain TypeScript', helloRoute]];
const sizes: string[] = [];
for (const [language, component] of Object.entries(components)) {
  // componentize-js components take the fast path only (jco's glue for them is not measured).
  for (const path of language === 'JavaScript' ? (['fast'] as const) : (['fast', 'jco'] as const)) {
    const t0 = performance.now();
    const runner = await runnerFor(component, path);
    const loadMs = performance.now() - t0;
    const [probeCtx] = contexts(messages['INVITE (404)'], 1);
    const t1 = performance.now();
    runner.invoke('request-route', probeCtx);
    const firstMs = performance.now() - t1;
    sizes.push(
      `  ${`${language}, ${path}`.padEnd(22)} component ${(component.length / 1024).toFixed(0).padStart(6)} KiB` +
        `  load ${loadMs.toFixed(0).padStart(6)} ms  instantiate + first call ${firstMs.toFixed(1).padStart(6)} ms` +
        `  memory ${(instanceMemoryBytes(runner) / 1024).toFixed(0).padStart(6)} KiB  fuel/route ${runner.last.fuelUsed}`,
    );
    runners.push([
      `${language}, ${path === 'fast' ? 'fast path' : 'jco glue'}`,
      (ctx) => {
        const outcome = runner.invoke('request-route', ctx);
        if (!outcome.ok) throw new Error(outcome.error.message);
      },
    ]);
  }
}

// KSR calls per route, counted on the fast path (the same for every language: the routes are identical).
const probe = await runnerFor(components.AssemblyScript, 'fast');

console.log(
  `hello route, ${PER_ROUND} calls x ${ROUNDS} rounds, median ns per route call (Node ${process.version})`,
);
for (const [label, text] of Object.entries(messages)) {
  const [ctx] = contexts(text, 1);
  probe.invoke('request-route', ctx);
  const calls = probe.last.ksrCalls;
  const expected = ctx.answer.replied!;
  console.log(`\n${label}: ${calls} KSR calls per route`);
  let baseline = 0;
  for (const [name, run] of runners) {
    const ns = measure(text, run, expected);
    if (baseline === 0) baseline = ns;
    const binding =
      name === runners[0][0]
        ? ''
        : `  ${((ns - baseline) / calls).toFixed(0).padStart(5)} ns over TS per KSR call`;
    console.log(
      `  ${name.padEnd(28)} ${ns.toFixed(0).padStart(7)} ns/route  x${(ns / baseline).toFixed(2)} vs plain TS${binding}`,
    );
  }
}

console.log(
  "\nper module (load = validate + fuel rewrite + compile; memory = the instance's linear memory):",
);
for (const line of sizes) console.log(line);
engine.close();
