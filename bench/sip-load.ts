// SIP load on the proxies side by side, one command: Kamailio (native cfg and KEMI Lua, bench/kamailio/)
// and kemi-wasm (the AssemblyScript and Rust proxy examples, the same routing), SIPp on loopback as
// caller and callee. Per system and repetition: idle (kemi-wasm once its compile process ended: memory, CPU
// per second), OPTIONS → 200 at saturation (requests/s, CPU per request), record-routed calls at a fixed
// rate (CPU per call, peak memory), and a ladder of rising call rates from 100 cps (the highest with 0
// failed calls; CPU per call at its lowest and highest clean rate: flatness). CPU is utime+stime of all the
// system's processes (/proc), memory the sum over them (PSS, and RSS counting shared pages once per
// process). The systems take turns within each repetition, starting one later each time, so load from
// elsewhere falls on all alike. Prints each run, then a markdown table of medians (min–max) and kemi-wasm's
// ratios to Kamailio KEMI Lua. kemi-wasm runs as the npm package ships it (dist/, built first) unless
// `--entry clone`. `--soak` instead runs calls at half the clean maximum for minutes (bench/lib/soak.ts).
//   node_modules/.bin/node bench/sip-load.ts [--short] [--reps 3] [--seconds 10] [--rate 500]
//     [--rates 100,250,500,1000,1500,2000,3000,4000] [--step-seconds 10] [--idle-seconds 3]
//     [--systems kamailio-native,kamailio-lua,kemi-as,kemi-rust] [--entry package|clone]
//     [--concurrency 100] [--workers N] [--kemi-toml 'key = value']... [--kamailio-children N]
//   node_modules/.bin/node bench/sip-load.ts --soak [--soak-minutes 10] [--soak-rate N] [--systems kemi-as,kamailio-lua]

import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SippUas } from '../fixtures/sipp-uas.ts';
import { buildGuest } from '../src/builder/index.ts';
import { descendantsNamed } from './lib/proc-usage.ts';
import {
  AFTER_LADDER_SECONDS,
  COMPILE_EXIT_BOUND_SECONDS,
  parseSipLoadArgs,
  type SystemId,
} from './lib/sip-load-args.ts';
import {
  addLadderRun,
  emptyFigures,
  FLATNESS_NOTE,
  resultsTable,
  type SystemFigures,
} from './lib/sip-load-report.ts';
import { soak } from './lib/soak.ts';
import { SOAK_NOTE, soakMinuteTable, soakTrendTable } from './lib/soak-report.ts';
import { figure } from './lib/stats.ts';
import {
  buildPackage,
  idleOf,
  KEMI_ENTRIES,
  kamailioChildren,
  kamailioVersion,
  missingTools,
  type RunningSystem,
  startKamailio,
  startKemiWasm,
} from './lib/systems.ts';
import { callLadder, callsAtRate, type Ladder, optionsAtSaturation, startCallee } from './lib/workloads.ts';

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
// running system, the callee and the caller (each by its PID) and leave.
let current: RunningSystem | undefined;
let callee: SippUas | undefined;
async function stopAll(): Promise<void> {
  // The caller's SIPp (fixtures/sipp.ts runSipp) is this process's child: found by name, ended by PID.
  for (const pid of descendantsNamed(process.pid, 'sipp')) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // ended meanwhile
    }
  }
  await callee?.stop();
  await current?.stop();
}
const watchdog = setTimeout(
  async () => {
    console.error(`bench/sip-load: over ${Math.round(plan.budgetSeconds * 2 + 180)} s, stopping`);
    await stopAll();
    process.exit(3);
  },
  (plan.budgetSeconds * 2 + 180) * 1000,
);
watchdog.unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, async () => {
    await stopAll();
    process.exit(130);
  });

/** The system's own words when calls failed (kemi-wasm logs at warn: a breaker, a deadline ...). */
function showLog(system: RunningSystem): void {
  const lines = system.takeLog().trim().split('\n').filter(Boolean);
  if (lines.length > 0)
    console.log(
      `  its log, last lines:\n${lines
        .slice(-8)
        .map((l) => `    ${l.slice(0, 300)}`)
        .join('\n')}`,
    );
}

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
const kemiSystems = plan.systems.filter((id) => id === 'kemi-as' || id === 'kemi-rust');

/** The server as shipped: the npm package's dist/, built now (what `npm pack` runs), unless --entry clone. */
if (kemiSystems.length > 0 && plan.entry === 'package') {
  buildPackage();
  console.log(`built dist/ in ${seconds(started)}`);
}
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

/** kemi-wasm's compile process ends this long after the start-up compile, so that idle comes soon. */
const COMPILE_IDLE_EXIT_S = 1;

function start(id: SystemId): Promise<RunningSystem> {
  if (id === 'kamailio-native' || id === 'kamailio-lua')
    return startKamailio(id === 'kamailio-lua' ? 'lua' : 'native', { children: plan.kamailioChildren });
  return startKemiWasm(modules.get(id)!, {
    toml: plan.kemiToml,
    entry: plan.entry,
    compileIdleExitS: COMPILE_IDLE_EXIT_S,
  });
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (kb: number) => `${figure(kb / 1024)} MB`;
const usPerCall = (step: { cpuMs: number; successful: number }) =>
  (step.cpuMs * 1000) / Math.max(1, step.successful);
const whatRuns =
  kemiSystems.length > 0
    ? `kemi-wasm serve from ${KEMI_ENTRIES[plan.entry].what}; its idle figures are read once its compile ` +
      `process (started for the start-up compile, \`[compile] idle_exit_s = ${COMPILE_IDLE_EXIT_S}\` here, ` +
      '30 s by default) has ended: the process tree is the server alone'
    : '';

/** Starts `id`, waits for it at rest and reads idle memory and CPU; `current` for the watchdog. */
async function startAtRest(id: SystemId) {
  const since = performance.now();
  const system = await start(id);
  current = system;
  const startedIn = seconds(since);
  try {
    const idle = await idleOf(system, plan.idleSeconds, COMPILE_EXIT_BOUND_SECONDS);
    console.log(
      `${labels[id]}: started in ${startedIn}; idle ` +
        `${system.childrenEnd ? `once its compile process ended (${(idle.waitedMs / 1000).toFixed(1)} s, ${idle.processes} process left), ` : `(${idle.processes} processes), `}` +
        `PSS ${mb(idle.memory.pssKb)} (RSS sum ${mb(idle.memory.rssKb)}, shared ${mb(idle.memory.shmemKb)}), ` +
        `CPU ${figure(idle.cpuMsPerSecond)} ms/s over ${plan.idleSeconds} s`,
    );
    return { system, idle, since };
  } catch (e) {
    current = undefined;
    await system.stop();
    throw e;
  }
}

/** The ladder with a line per step; the callee is a fresh one (the ladder's last step may fail). */
async function ladderOf(
  system: RunningSystem,
  stepSeconds: number,
  done?: Awaited<ReturnType<typeof callsAtRate>>,
): Promise<Ladder> {
  callee = await startCallee(system, plan.budgetSeconds * 2 + 180);
  const ladder = await callLadder(
    system,
    plan.rates,
    stepSeconds,
    (step) => {
      console.log(
        `  ladder ${step.rate} cps: ${step.successful}/${step.calls} calls, ${step.failed} failed, ` +
          `${figure(usPerCall(step))} µs CPU per call${step === done ? ' (the fixed-rate run)' : ''}`,
      );
      if (!step.clean) showLog(system);
    },
    done,
  );
  await callee.stop();
  callee = undefined;
  return ladder;
}

async function comparison(): Promise<void> {
  const figures = new Map<SystemId, SystemFigures>(
    plan.systems.map((id) => [id, emptyFigures(id, labels[id])]),
  );
  console.log(
    `sip-load: ${plan.systems.join(', ')}; ${plan.reps} repetitions; OPTIONS ${plan.seconds} s at ` +
      `${plan.concurrency} outstanding; calls at ${plan.rate} cps for ${plan.seconds} s; ladder ` +
      `${plan.rates.join(', ')} cps, ${plan.stepSeconds} s steps (${plan.ladderReps} of the repetitions)` +
      (whatRuns ? `\n${whatRuns}` : ''),
  );
  for (let rep = 0; rep < plan.reps; rep++) {
    // Each repetition starts one system later: over the repetitions each goes first, second ...
    const order = plan.systems.map((_, i) => plan.systems[(i + rep) % plan.systems.length]);
    for (const id of order) {
      const f = figures.get(id)!;
      const { system, idle, since } = await startAtRest(id);
      try {
        f.idle.push(idle.memory);
        f.idleCpuMsPerSecond.push(idle.cpuMsPerSecond);
        callee = await startCallee(system, plan.budgetSeconds * 2 + 180);
        // Warm-up (JIT, caches, first allocations) of each path before it is measured, alike for all.
        const options = await optionsAtSaturation(system, plan.warmupSeconds, plan.seconds, plan.concurrency);
        const usPerRequest = (options.cpuMs * 1000) / options.requests;
        f.statelessUsPerRequest.push(usPerRequest);
        f.statelessRequestsPerSecond.push(options.perSecond);
        f.statelessFailed += Math.max(0, options.failed);
        if (plan.warmupSeconds > 0) await callsAtRate(system, plan.rate, plan.warmupSeconds);
        const calls = await callsAtRate(system, plan.rate, plan.seconds);
        f.callUsPerCall.push(usPerCall(calls));
        f.callsFailed += calls.failed;
        f.peak.push(calls.peak);
        console.log(
          `rep ${rep + 1} ${labels[id]}: OPTIONS ${options.requests} = ${figure(options.perSecond / 1000)} k/s, ` +
            `${figure(usPerRequest)} µs CPU each${options.failed > 0 ? ` (${options.failed} failed)` : ''}; ` +
            `calls ${calls.successful}/${calls.calls} at ${plan.rate} cps, ${figure(usPerCall(calls))} µs CPU each` +
            `${calls.failed > 0 ? ` (${calls.failed} failed)` : ''}; peak PSS ${mb(calls.peak.pssKb)} ` +
            `(RSS sum ${mb(calls.peak.rssKb)}) [${seconds(since)} so far]`,
        );
        // The callee's failures of the fixed-rate runs; the ladder gets a fresh one (its last step may fail).
        const answered = await callee.stop();
        callee = undefined;
        f.calleeFailed += Math.max(0, answered.failed);
        if (answered.failed !== 0)
          console.log(`  callee: ${answered.failed} failed calls (-1: no final screen)`);
        if (rep >= plan.reps - plan.ladderReps) {
          const ladder = await ladderOf(system, plan.stepSeconds, calls);
          f.highestClean.push(ladder.highestClean);
          addLadderRun(
            f,
            ladder.steps.map((s) => ({ rate: s.rate, usPerCall: usPerCall(s) })),
            ladder.highestClean,
          );
          console.log(
            `  highest clean rate: ${ladder.highestClean} cps; flatness ` +
              `${f.flatness.length > 0 ? figure(f.flatness.at(-1)!) : '–'} (CPU per call there / at ` +
              `${plan.rates[0]} cps) [${seconds(since)}]`,
          );
        }
      } finally {
        await callee?.stop();
        callee = undefined;
        current = undefined;
        await system.stop();
      }
    }
  }
  console.log(`\n${machine()}\n`);
  console.log(
    resultsTable([...figures.values()], {
      rate: plan.rate,
      lowestRate: plan.rates[0],
      stepSeconds: plan.stepSeconds,
      baseline: 'kamailio-lua',
      compared: ['kemi-as', 'kemi-rust'],
    }),
  );
  console.log(`\n${FLATNESS_NOTE}${whatRuns ? `\n${whatRuns}.` : ''}`);
}

async function soakAll(soakPlan: NonNullable<typeof plan.soak>): Promise<void> {
  console.log(
    `sip-load --soak: ${plan.systems.join(', ')}; ${soakPlan.minutes} minutes each at ` +
      `${soakPlan.rate === undefined ? `half the highest clean rate of a ladder ${plan.rates.join(', ')} cps in ${plan.stepSeconds} s steps` : `${soakPlan.rate} cps`}; ` +
      `memory every ${soakPlan.sampleSeconds} s${whatRuns ? `\n${whatRuns}` : ''}`,
  );
  const tables: string[] = [];
  for (const id of plan.systems) {
    const { system, since } = await startAtRest(id);
    try {
      let rate = soakPlan.rate;
      let why = 'given';
      if (rate === undefined) {
        const ladder = await ladderOf(system, plan.stepSeconds);
        if (ladder.highestClean === 0) {
          console.log(`  ${labels[id]}: not even ${plan.rates[0]} cps was clean; no soak`);
          continue;
        }
        rate = Math.max(1, Math.floor(ladder.highestClean / 2));
        why = `half the clean maximum ${ladder.highestClean} cps of the ladder`;
        console.log(`  waiting ${AFTER_LADDER_SECONDS} s for the ladder's failed transactions to expire`);
        await settle(AFTER_LADDER_SECONDS * 1000);
      }
      console.log(`  soak of ${labels[id]} at ${rate} cps (${why}) [${seconds(since)}]`);
      callee = await startCallee(system, soakPlan.minutes * 61 + 120);
      const result = await soak(system, {
        rate,
        minutes: soakPlan.minutes,
        sampleSeconds: soakPlan.sampleSeconds,
        onMinute: (m, i, samples) => {
          const last = samples.at(-1)?.memory;
          console.log(
            `  minute ${i + 1}: ${m.successful}/${m.calls} calls, ${m.failed} failed, ` +
              `${figure(usPerCall(m))} µs CPU per call; PSS ${last ? mb(last.pssKb) : '–'} ` +
              `(RSS sum ${last ? mb(last.rssKb) : '–'}); load ${loadAverage()}`,
          );
          if (m.failed > 0) showLog(system);
        },
      });
      const answered = await callee.stop();
      callee = undefined;
      if (answered.failed !== 0)
        console.log(`  callee: ${answered.failed} failed calls (-1: no final screen)`);
      const soaked = { label: labels[id], rate, ...result };
      tables.push(
        `${labels[id]}: ${rate} cps (${why}), ${soakPlan.minutes} minutes\n\n${soakMinuteTable(soaked)}\n\n${soakTrendTable(soaked)}`,
      );
    } finally {
      await callee?.stop();
      callee = undefined;
      current = undefined;
      await system.stop();
    }
  }
  console.log(`\n${machine()}\n\n${tables.join('\n\n')}\n\n${SOAK_NOTE}`);
}

/** The machine, the versions and the load: a reader of the table needs them. */
function machine(): string {
  return (
    `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${kamailio} (children ` +
    `${plan.kamailioChildren ?? kamailioChildren('lua')})${plan.kemiToml.length ? `, kemi-wasm ${plan.kemiToml.join(', ')}` : ''}; ` +
    `load average ${loadBefore} at the start, ${loadAverage()} at the end; ${Math.round((performance.now() - started) / 1000)} s; ` +
    `\`node_modules/.bin/node bench/sip-load.ts ${process.argv.slice(2).join(' ')}\``
  );
}

if (plan.soak) await soakAll(plan.soak);
else await comparison();
clearTimeout(watchdog);
