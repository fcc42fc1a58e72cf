// The SIP workloads of bench/sip-load.ts, each against one running proxy, SIPp on both sides, the proxy's
// CPU (all its processes, from /proc) measured over the run: stateless OPTIONS at saturation, record-routed
// calls at a fixed rate, and a ladder of rising call rates up to the first one that is not clean.
import { runSipp, scenario } from '../../fixtures/sipp.ts';
import { finished, startSippUas } from '../../fixtures/sipp-uas.ts';
import { cpuMs, type Memory, memoryPeak, processTree } from './proc-usage.ts';
import type { RunningSystem } from './systems.ts';

/** SIPp's socket buffer as in bench/proxy-calls.ts; an unexpected message fails the call, never aborts SIPp. */
const SIPP = ['-buff_size', '4194304', '-default_behaviors', 'all,-abortunexp'];

export interface StatelessRun {
  readonly requests: number;
  readonly failed: number;
  /** Answered requests per second of SIPp's sending window. */
  readonly perSecond: number;
  readonly cpuMs: number;
}

/**
 * OPTIONS to the proxy itself (answered 200 by its route after the sanity and Max-Forwards checks) for
 * `seconds`, `concurrency` outstanding at a time: SIPp sends the next as soon as one is answered, so the
 * rate is what the proxy (and the machine) sustains. SIPp stops starting requests at its timeout and waits
 * for those outstanding: a lost one is given up after 1 s (one retransmission), so the rate counts over
 * the sending window and the CPU over all of it.
 */
export async function optionsAtSaturation(
  system: RunningSystem,
  seconds: number,
  concurrency = 200,
): Promise<StatelessRun> {
  const pids = processTree(system.pid);
  const before = cpuMs(pids);
  const run = await runSipp(scenario('options-myself.xml'), {
    transport: 'udp',
    port: system.port,
    calls: 1_000_000_000,
    rate: 1_000_000,
    timeoutSeconds: seconds,
    timeoutIsError: false,
    extra: [...SIPP, '-l', String(concurrency), '-recv_timeout', '1000'],
  });
  const cpu = cpuMs(pids) - before;
  if (run.successful < 0) throw new Error(`SIPp gave no figures: ${run.output.slice(-2000)}`);
  return { requests: run.successful, failed: run.failed, perSecond: run.successful / seconds, cpuMs: cpu };
}

export interface CallRun {
  readonly rate: number;
  readonly calls: number;
  readonly successful: number;
  /** Failed calls on either side (caller or callee). */
  readonly failed: number;
  /** Every call succeeded on both sides. */
  readonly clean: boolean;
  readonly cpuMs: number;
  /** The proxy's memory at its peak (PSS) during the run. */
  readonly peak: Memory;
}

/** INVITE/180/200/ACK/BYE/200 calls through the proxy at `rate` calls/s for `seconds`. */
export async function callsAtRate(system: RunningSystem, rate: number, seconds: number): Promise<CallRun> {
  const calls = Math.max(1, Math.round(rate * seconds));
  const callee = await startSippUas(scenario('uas-call.xml'), {
    transport: 'udp',
    port: system.uasPort,
    calls,
    extra: SIPP,
    timeoutSeconds: seconds + 30,
  });
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
  const answered = await finished(callee, 5000);
  const failed = Math.max(0, caller.failed) + Math.max(0, answered.failed);
  const clean =
    caller.successful === calls &&
    caller.failed === 0 &&
    answered.successful === calls &&
    answered.failed === 0;
  return { rate, calls, successful: Math.max(0, caller.successful), failed, clean, cpuMs: cpu, peak };
}

export interface Ladder {
  readonly steps: readonly CallRun[];
  /** The last rate of the ladder at which every call succeeded (0 when even the first did not). */
  readonly highestClean: number;
}

/** `rates` in rising order, `seconds` each, stopping at the first step with a failed call. */
export async function callLadder(
  system: RunningSystem,
  rates: readonly number[],
  seconds: number,
  onStep?: (step: CallRun) => void,
): Promise<Ladder> {
  const steps: CallRun[] = [];
  let highestClean = 0;
  for (const rate of rates) {
    const step = await callsAtRate(system, rate, seconds);
    steps.push(step);
    onStep?.(step);
    if (!step.clean) break;
    highestClean = rate;
  }
  return { steps, highestClean };
}
