// The SIP workloads of bench/sip-load.ts, each against one running proxy, SIPp on both sides, the proxy's
// CPU (all its processes, from /proc) measured over the run: stateless OPTIONS at saturation, record-routed
// calls at a fixed rate, and a ladder of rising call rates up to the first one that is not clean.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSipp, type SippRun, scenario } from '../../fixtures/sipp.ts';
import { type SippUas, startSippUas } from '../../fixtures/sipp-uas.ts';
import { cpuMs, type Memory, memoryPeak, processTree } from './proc-usage.ts';
import { interpolate, parseStatFile, type Sample, statWindow } from './sipp-stat.ts';
import type { RunningSystem } from './systems.ts';

/** SIPp's socket buffer as in bench/proxy-calls.ts; an unexpected message fails the call, never aborts SIPp. */
const SIPP = ['-buff_size', '4194304', '-default_behaviors', 'all,-abortunexp'];

export interface StatelessRun {
  /** Answered requests in the measured window, and how many failed (no answer within 0.5 s). */
  readonly requests: number;
  readonly failed: number;
  /** Answered requests per second of the window. */
  readonly perSecond: number;
  /** The proxy's CPU over the window. */
  readonly cpuMs: number;
}

/**
 * OPTIONS to the proxy itself (answered 200 by its route after the sanity and Max-Forwards checks),
 * `concurrency` outstanding at a time: SIPp sends the next as soon as one is answered, so the rate is what
 * the proxy (and the machine) sustains. One SIPp run of `warmup + seconds` (and one more second) whose
 * per-second statistics give the window after the warm-up: the first burst of `concurrency` requests, and
 * any it loses (given up after 0.5 s, its slot free again), fall in the warm-up. The CPU, sampled every 100 ms, is interpolated
 * at the window's ends.
 */
export async function optionsAtSaturation(
  system: RunningSystem,
  warmup: number,
  seconds: number,
  concurrency = 100,
): Promise<StatelessRun> {
  const pids = processTree(system.pid);
  const samples: Sample[] = [];
  const sample = () => samples.push({ time: Date.now() / 1000, value: cpuMs(pids) });
  sample();
  const timer = setInterval(sample, 100);
  const statFile = join(mkdtempSync(join(tmpdir(), 'kemi-bench-stat-')), 'stat.csv');
  let run: SippRun;
  try {
    run = await runSipp(scenario('options-myself.xml'), {
      transport: 'udp',
      port: system.port,
      calls: 1_000_000_000,
      rate: 1_000_000,
      timeoutSeconds: warmup + seconds + 1,
      timeoutIsError: false,
      extra: [
        ...SIPP,
        '-l',
        String(concurrency),
        '-recv_timeout',
        '500',
        '-trace_stat',
        '-stf',
        statFile,
        '-fd',
        '1',
      ],
    });
  } finally {
    clearInterval(timer);
  }
  sample();
  const window = statWindow(parseStatFile(readFileSync(statFile, 'latin1')), warmup, seconds);
  if (window === undefined || window.successful <= 0)
    throw new Error(`SIPp answered nothing in the window: ${run.output.slice(-2000)}`);
  return {
    requests: window.successful,
    failed: window.failed,
    perSecond: window.successful / window.seconds,
    cpuMs: interpolate(samples, window.to) - interpolate(samples, window.from),
  };
}

export interface CallRun {
  readonly rate: number;
  readonly calls: number;
  readonly successful: number;
  readonly failed: number;
  /** Every call of the run succeeded (the caller saw its whole exchange through the proxy). */
  readonly clean: boolean;
  readonly cpuMs: number;
  /** The proxy's memory at its peak (PSS) during the run. */
  readonly peak: Memory;
}

/**
 * The callee of the call runs on the proxy's PRIMARY port, one for all the runs against one started
 * system: its scenario waits 4 s after each call for a retransmitted BYE, so one per run would add those
 * seconds each time. Stop it (by PID) after the last run; its final screen counts the calls it failed.
 */
export function startCallee(system: RunningSystem, timeoutSeconds: number): Promise<SippUas> {
  return startSippUas(scenario('uas-call.xml'), {
    transport: 'udp',
    port: system.uasPort,
    calls: 1_000_000_000,
    extra: SIPP,
    timeoutSeconds,
  });
}

/** INVITE/180/200/ACK/BYE/200 calls through the proxy at `rate` calls/s for `seconds` (callee: startCallee). */
export async function callsAtRate(system: RunningSystem, rate: number, seconds: number): Promise<CallRun> {
  const calls = Math.max(1, Math.round(rate * seconds));
  const pids = processTree(system.pid);
  const sampler = memoryPeak(pids);
  const before = cpuMs(pids);
  const caller = await runSipp(scenario('uac-call.xml'), {
    transport: 'udp',
    port: system.port,
    calls,
    rate,
    extra: [...SIPP, '-rate_max', String(rate)],
    timeoutSeconds: seconds + 20,
  });
  const cpu = cpuMs(pids) - before;
  const peak = sampler.stop();
  if (caller.successful < 0) throw new Error(`SIPp gave no figures: ${caller.output.slice(-2000)}`);
  const clean = caller.successful === calls && caller.failed === 0;
  return {
    rate,
    calls,
    successful: caller.successful,
    failed: Math.max(0, caller.failed),
    clean,
    cpuMs: cpu,
    peak,
  };
}

export interface Ladder {
  readonly steps: readonly CallRun[];
  /** The last rate of the ladder at which every call succeeded (0 when even the first did not). */
  readonly highestClean: number;
}

/**
 * `rates` in rising order, `seconds` each, stopping at the first step with a failed call. A run already
 * made at a rate of the ladder for as many calls (`done`) stands for that step instead of being repeated.
 */
export async function callLadder(
  system: RunningSystem,
  rates: readonly number[],
  seconds: number,
  onStep?: (step: CallRun) => void,
  done?: CallRun,
): Promise<Ladder> {
  const steps: CallRun[] = [];
  let highestClean = 0;
  for (const rate of rates) {
    const step =
      done?.rate === rate && done.calls === Math.round(rate * seconds)
        ? done
        : await callsAtRate(system, rate, seconds);
    steps.push(step);
    onStep?.(step);
    if (!step.clean) break;
    highestClean = rate;
  }
  return { steps, highestClean };
}
