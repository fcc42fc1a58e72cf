// SIP load on the proxies side by side, one command: Kamailio (native cfg and KEMI Lua, bench/kamailio/)
// and kemi-wasm (the AssemblyScript and Rust proxy examples, the same routing), SIPp on loopback as
// caller and callee. Per system and repetition: OPTIONS → 200 at saturation (requests/s, CPU per request),
// record-routed calls at a fixed rate (CPU per call, peak memory), and a ladder of rising call rates (the
// highest with 0 failed calls). CPU is utime+stime of all the system's processes (/proc), memory the sum
// over them (PSS, and RSS counting shared pages once per process). The systems take turns within each
// repetition, starting one later each time, so load from elsewhere falls on all alike. Prints each run,
// then a markdown table of medians (min–max) and kemi-wasm's ratios to Kamailio KEMI Lua.
//   node_modules/.bin/node bench/sip-load.ts [--short] [--reps 3] [--seconds 10] [--rate 500]
//     [--rates 500,1000,1500,2000,3000,4000] [--step-seconds 10] [--systems kamailio-native,kamailio-lua,kemi-as,kemi-rust]
//     [--concurrency 100] [--workers N] [--kemi-toml 'key = value']... [--kamailio-children N]

import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SippUas } from '../fixtures/sipp-uas.ts';
import { buildGuest } from '../src/builder/index.ts';
import { memory, processTree } from './lib/proc-usage.ts';
import { parseSipLoadArgs, type SystemId } from './lib/sip-load-args.ts';
import { emptyFigures, resultsTable, type SystemFigures } from './lib/sip-load-report.ts';
import { figure } from './lib/stats.ts';
import {
  kamailioChildren,
  kamailioVersion,
  missingTools,
  type RunningSystem,
  startKamailio,
  startKemiWasm,
} from './lib/systems.ts';
import { callLadder, callsAtRate, optionsAtSaturation, startCallee } from './lib/workloads.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const parsed = parseSipLoadArgs(process.argv.slice(2));
if (!parsed.ok) {
  console.error(parsed.error);
  process.exit(2);
}
const plan = parsed.value;
const missing = missingTools();
if (missing) {
  console.error(`bench/sip-load: ${missing}`);
  process.exit(2);
}

// Bounded in time: past twice the planned duration (and a margin for start-up and builds), stop the
// running system and leave; SIPp runs end by their own timeouts.
let current: RunningSystem | undefined;
let callee: SippUas | undefined;
const watchdog = setTimeout(
  async () => {
    console.error(`bench/sip-load: over ${Math.round(plan.budgetSeconds * 2 + 180)} s, stopping`);
    await callee?.stop();
    await current?.stop();
    process.exit(3);
  },
  (plan.budgetSeconds * 2 + 180) * 1000,
);
watchdog.unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, async () => {
    await callee?.stop();
    await current?.stop();
    process.exit(130);
  });

const started = performance.now();
/** The load average before and after: other work on the machine weighs on the figures. */
const loadAverage = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const loadBefore = loadAverage();
/** Seconds since `t` (performance.now()), for the time each part of the run took. */
const seconds = (t: number) => `${((performance.now() - t) / 1000).toFixed(1)} s`;
const kamailio = kamailioVersion();
const labels: Record<SystemId, string> = {
  'kamailio-native': `${kamailio} native cfg`,
  'kamailio-lua': `${kamailio} KEMI Lua`,
  'kemi-as': 'kemi-wasm AS route',
  'kemi-rust': 'kemi-wasm Rust route',
};

/** The proxy components, built once (the Rust crate's cargo cache makes later builds quick). */
const modules = new Map<SystemId, string>();
const out = mkdtempSync(join(tmpdir(), 'kemi-bench-sip-load-'));
for (const [id, dir] of [
  ['kemi-as', 'guest-examples/assemblyscript/proxy'],
  ['kemi-rust', 'guest-examples/rust/proxy'],
] as const) {
  if (!plan.systems.includes(id)) continue;
  const built = await buildGuest(join(root, dir), { out: join(out, `${id}.wasm`) });
  if (!built.ok) throw new Error(`building ${dir}: ${built.error.message}`);
  modules.set(id, built.value.out);
}
if (modules.size > 0) console.log(`built the proxy components in ${seconds(started)}`);

function start(id: SystemId): Promise<RunningSystem> {
  if (id === 'kamailio-native' || id === 'kamailio-lua')
    return startKamailio(id === 'kamailio-lua' ? 'lua' : 'native', { children: plan.kamailioChildren });
  return startKemiWasm(modules.get(id)!, { toml: plan.kemiToml });
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
const figures = new Map<SystemId, SystemFigures>(
  plan.systems.map((id) => [id, emptyFigures(id, labels[id])]),
);
const mb = (kb: number) => `${figure(kb / 1024)} MB`;

console.log(
  `sip-load: ${plan.systems.join(', ')}; ${plan.reps} repetitions; OPTIONS ${plan.seconds} s at ` +
    `${plan.concurrency} outstanding; calls at ${plan.rate} cps for ${plan.seconds} s; ladder ` +
    `${plan.rates.join(', ')} cps, ${plan.stepSeconds} s steps (${plan.ladderReps} of the repetitions)`,
);
for (let rep = 0; rep < plan.reps; rep++) {
  // Each repetition starts one system later: over the repetitions each goes first, second ...
  const order = plan.systems.map((_, i) => plan.systems[(i + rep) % plan.systems.length]);
  for (const id of order) {
    const f = figures.get(id)!;
    const since = performance.now();
    const system = await start(id);
    current = system;
    const startedIn = seconds(since);
    try {
      callee = await startCallee(system, plan.budgetSeconds * 2 + 180);
      await settle(500);
      const idle = memory(processTree(system.pid));
      f.idle.push(idle);
      // Warm-up (JIT, caches, first allocations) of each path before it is measured, alike for all.
      const options = await optionsAtSaturation(system, plan.warmupSeconds, plan.seconds, plan.concurrency);
      const usPerRequest = (options.cpuMs * 1000) / options.requests;
      f.statelessUsPerRequest.push(usPerRequest);
      f.statelessRequestsPerSecond.push(options.perSecond);
      f.statelessFailed += Math.max(0, options.failed);
      if (plan.warmupSeconds > 0) await callsAtRate(system, plan.rate, plan.warmupSeconds);
      const calls = await callsAtRate(system, plan.rate, plan.seconds);
      const usPerCall = (calls.cpuMs * 1000) / calls.successful;
      f.callUsPerCall.push(usPerCall);
      f.callsFailed += calls.failed;
      f.peak.push(calls.peak);
      console.log(
        `rep ${rep + 1} ${labels[id]}: OPTIONS ${options.requests} = ${figure(options.perSecond / 1000)} k/s, ` +
          `${figure(usPerRequest)} µs CPU each${options.failed > 0 ? ` (${options.failed} failed)` : ''}; ` +
          `calls ${calls.successful}/${calls.calls} at ${plan.rate} cps, ${figure(usPerCall)} µs CPU each` +
          `${calls.failed > 0 ? ` (${calls.failed} failed)` : ''}; memory idle PSS ${mb(idle.pssKb)} ` +
          `(RSS sum ${mb(idle.rssKb)}, shared ${mb(idle.shmemKb)}), peak PSS ${mb(calls.peak.pssKb)} ` +
          `(RSS sum ${mb(calls.peak.rssKb)}) [started in ${startedIn}, ${seconds(since)} so far]`,
      );
      // The callee's failures of the fixed-rate runs; the ladder gets a fresh one (its last step may fail).
      const answered = await callee.stop();
      f.calleeFailed += Math.max(0, answered.failed);
      if (answered.failed !== 0)
        console.log(`  callee: ${answered.failed} failed calls (-1: no final screen)`);
      if (rep >= plan.reps - plan.ladderReps) {
        callee = await startCallee(system, plan.budgetSeconds * 2 + 180);
        const ladder = await callLadder(
          system,
          plan.rates,
          plan.stepSeconds,
          (step) =>
            console.log(
              `  ladder ${step.rate} cps: ${step.successful}/${step.calls} calls, ${step.failed} failed, ` +
                `${figure((step.cpuMs * 1000) / Math.max(1, step.successful))} µs CPU per call` +
                `${step === calls ? ' (the fixed-rate run)' : ''}`,
            ),
          calls,
        );
        f.highestClean.push(ladder.highestClean);
        console.log(`  highest clean rate: ${ladder.highestClean} cps [${seconds(since)}]`);
      }
    } finally {
      await callee?.stop();
      callee = undefined;
      current = undefined;
      await system.stop();
    }
  }
}

console.log(
  `\n${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${kamailio} (children ` +
    `${plan.kamailioChildren ?? kamailioChildren('lua')})${plan.kemiToml.length ? `, kemi-wasm ${plan.kemiToml.join(', ')}` : ''}; ` +
    `load average ${loadBefore} at the start, ${loadAverage()} at the end; ${Math.round((performance.now() - started) / 1000)} s; ` +
    `\`node_modules/.bin/node bench/sip-load.ts ${process.argv.slice(2).join(' ')}\`\n`,
);
console.log(
  resultsTable([...figures.values()], {
    rate: plan.rate,
    stepSeconds: plan.stepSeconds,
    baseline: 'kamailio-lua',
    compared: ['kemi-as', 'kemi-rust'],
  }),
);
clearTimeout(watchdog);
