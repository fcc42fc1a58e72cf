// The soak of bench/sip-load.ts --soak against one running system: calls at a fixed rate, one SIPp run per
// minute (each bounded by its call count and a timeout, so an interrupted bench leaves at most a minute of
// SIPp behind), memory of the system's processes sampled every `sampleSeconds` throughout.
import { memory, processTree } from './proc-usage.ts';
import type { MemorySample, SoakMinute } from './soak-report.ts';
import type { RunningSystem } from './systems.ts';
import { callsAtRate } from './workloads.ts';

export interface SoakOptions {
  readonly rate: number;
  readonly minutes: number;
  readonly sampleSeconds: number;
  /** Called after each minute (for a line as the soak goes). */
  readonly onMinute?: (minute: SoakMinute, index: number, samples: readonly MemorySample[]) => void;
}

export async function soak(
  system: RunningSystem,
  options: SoakOptions,
): Promise<{ minutes: SoakMinute[]; samples: MemorySample[] }> {
  const start = performance.now();
  const since = () => (performance.now() - start) / 1000;
  const samples: MemorySample[] = [];
  const timer = setInterval(
    () => samples.push({ seconds: since(), memory: memory(processTree(system.pid)) }),
    options.sampleSeconds * 1000,
  );
  const minutes: SoakMinute[] = [];
  try {
    for (let i = 0; i < options.minutes; i++) {
      const from = since();
      const run = await callsAtRate(system, options.rate, 60);
      const minute = {
        from,
        to: since(),
        calls: run.calls,
        successful: run.successful,
        failed: run.failed,
        cpuMs: run.cpuMs,
      };
      minutes.push(minute);
      options.onMinute?.(minute, i, samples);
    }
  } finally {
    clearInterval(timer);
  }
  return { minutes, samples };
}
