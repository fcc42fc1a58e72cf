// Gives the memory of a load peak back to the system once the server is quiet again. V8 (Node 24) keeps the
// pages its old space no longer needs in a pool and returns them only in a memory-reducing GC, and its memory
// reducer, which should start one when the allocation rate falls, judged a quiet server "high alloc" for
// minutes (`--trace-memory-reducer`): after an overload that grew the heap to ~300 MB, a server left idle
// kept ~250 MB of pooled pages resident, and a soak at 500 calls/s afterwards ran at the overload's peak
// (bench/overload-probe.ts). `--optimize-for-size` makes every major GC memory-reducing but costs ~40 % CPU
// per call (bench/compare.ts). So the serve process asks for one memory-reducing GC itself, only when it is
// quiet (event loop mostly idle over the last check) and its resident set grew by `min_growth_mb` since the
// last one: a pause of a few tens of ms while nothing waits for it.
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import type { MemoryReleaseSettings } from '../config/memory-release-schema.ts';

/** What one check saw. */
export interface ReleaseCheck {
  /** Event loop utilization over the check's interval. */
  readonly utilization: number;
  /** Resident set now, bytes. */
  readonly rss: number;
}

/** Whether a check calls for a release, against the resident set after the last one (`baseline`). */
export function shouldRelease(
  settings: MemoryReleaseSettings,
  check: ReleaseCheck,
  baseline: number,
): boolean {
  return (
    check.utilization < settings.quiet_utilization &&
    check.rss - baseline >= settings.min_growth_mb * 1024 * 1024
  );
}

type Gc = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/**
 * V8's gc extension (`last-resort`: full GCs until nothing more is freed, then the pooled pages go back to
 * the system), taken from a context made while `--expose-gc` is set and cleared again at once: the
 * server's own context (and every module in it) never has a global `gc`.
 */
function gcFunction(): Gc {
  setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('gc') as Gc;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}

export interface ReleaseEvent {
  readonly before: number;
  readonly after: number;
  readonly ms: number;
}

/**
 * Checks every `check_s` (an unref'd timer); `onRelease` hears each release, `onError` a check that threw
 * (the server goes on, as with its other timers: src/callback-guard.ts). Returns the stop.
 */
export function startMemoryRelease(
  settings: MemoryReleaseSettings,
  onRelease: (event: ReleaseEvent) => void,
  onError: (err: unknown) => void,
): () => void {
  if (settings.check_s <= 0) return () => {};
  const gc = gcFunction();
  let baseline = process.memoryUsage.rss();
  let last = performance.eventLoopUtilization();
  const check = () => {
    const now = performance.eventLoopUtilization();
    const seen = {
      utilization: performance.eventLoopUtilization(now, last).utilization,
      rss: process.memoryUsage.rss(),
    };
    last = now;
    // A resident set that shrank by itself lowers the mark, so growth is counted from the lowest point.
    if (seen.rss < baseline) baseline = seen.rss;
    if (!shouldRelease(settings, seen, baseline)) return;
    const t = performance.now();
    gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    baseline = process.memoryUsage.rss();
    // The GC's own time must not count as load at the next check.
    last = performance.eventLoopUtilization();
    onRelease({ before: seen.rss, after: baseline, ms: performance.now() - t });
  };
  const timer = setInterval(() => {
    try {
      check();
    } catch (err) {
      onError(err);
    }
  }, settings.check_s * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
