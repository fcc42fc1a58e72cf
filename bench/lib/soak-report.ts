// The figures of bench/sip-load.ts --soak for one system (calls at a fixed rate for minutes, memory sampled
// every few seconds) and what it prints from them: a row per minute (calls, CPU per call, memory), then
// memory in the first minute against the last and its slope after the first minute, with the bound under
// which it counts as flat. Pure: test/bench/soak-report.test.ts.
import { markdownTable } from './markdown-table.ts';
import type { Memory } from './proc-usage.ts';
import { figure } from './stats.ts';

export interface MemorySample {
  /** Seconds since the soak's first call run started. */
  readonly seconds: number;
  readonly memory: Memory;
}

export interface SoakMinute {
  /** Seconds since the soak started, at this minute's SIPp run's start and end. */
  readonly from: number;
  readonly to: number;
  readonly calls: number;
  readonly successful: number;
  readonly failed: number;
  /** The system's CPU over the minute, ms. */
  readonly cpuMs: number;
}

/**
 * Memory counts as flat when its slope is within this many MB per minute either way, or within this share
 * of the first minute's figure per minute when that is more: 0.5 MB/min, or 0.5 %/min (≤ 5 MB or 5 % over a
 * 10-minute soak). Below it, what is left is a garbage-collected heap's sawtooth, not growth with work.
 */
export const FLAT_MB_PER_MINUTE = 0.5;
export const FLAT_SHARE_PER_MINUTE = 0.005;

export const flatBound = (firstMinuteMb: number): number =>
  Math.max(FLAT_MB_PER_MINUTE, FLAT_SHARE_PER_MINUTE * firstMinuteMb);

/** The least-squares slope of y over x (NaN for fewer than two distinct x). */
export function slope(points: readonly { readonly x: number; readonly y: number }[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
  }
  return sxx === 0 ? Number.NaN : sxy / sxx;
}

const mean = (xs: readonly number[]) =>
  xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;

const within = (samples: readonly MemorySample[], m: SoakMinute) =>
  samples.filter((s) => s.seconds >= m.from && s.seconds <= m.to);

export interface Trend {
  /** Means of the samples taken during the first and the last minute, MB. */
  readonly firstMb: number;
  readonly lastMb: number;
  /** Least-squares slope of the samples after the first minute, MB per minute. */
  readonly slopeMbPerMinute: number;
  readonly boundMbPerMinute: number;
  readonly flat: boolean;
}

export function memoryTrend(
  samples: readonly MemorySample[],
  minutes: readonly SoakMinute[],
  kb: (m: Memory) => number,
): Trend {
  const mb = (s: MemorySample) => kb(s.memory) / 1024;
  const first = minutes[0];
  const last = minutes.at(-1);
  const firstMb = first ? mean(within(samples, first).map(mb)) : Number.NaN;
  const lastMb = last ? mean(within(samples, last).map(mb)) : Number.NaN;
  const after = first ? samples.filter((s) => s.seconds > first.to) : [];
  const slopeMbPerMinute = slope(after.map((s) => ({ x: s.seconds / 60, y: mb(s) })));
  const boundMbPerMinute = flatBound(firstMb);
  return {
    firstMb,
    lastMb,
    slopeMbPerMinute,
    boundMbPerMinute,
    flat: Math.abs(slopeMbPerMinute) <= boundMbPerMinute,
  };
}

export interface SoakResult {
  /** Column title, e.g. "kemi-wasm AS route". */
  readonly label: string;
  readonly rate: number;
  readonly minutes: readonly SoakMinute[];
  readonly samples: readonly MemorySample[];
}

const MB = (kb: number) => (Number.isFinite(kb) ? `${figure(kb / 1024)} MB` : '–');
const signed = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(2)}` : '–');

/** The per-minute table: calls, CPU per call, and the mean memory of the samples within the minute. */
export function soakMinuteTable(result: SoakResult): string {
  const rows = result.minutes.map((m, i) => {
    const s = within(result.samples, m);
    return [
      String(i + 1),
      `${m.successful}/${m.calls}`,
      String(m.failed),
      `${figure((m.cpuMs * 1000) / Math.max(1, m.successful))} µs`,
      MB(mean(s.map((x) => x.memory.pssKb))),
      MB(mean(s.map((x) => x.memory.rssKb))),
    ];
  });
  return markdownTable(
    ['minute', 'calls ok', 'failed', 'CPU per call', 'PSS (mean of samples)', 'RSS summed'],
    rows,
  );
}

/** First against last minute and the slope after the first minute, for PSS and for RSS summed. */
export function soakTrendTable(result: SoakResult): string {
  const rows = (
    [
      ['PSS of all processes', (m: Memory) => m.pssKb],
      ['RSS summed over processes', (m: Memory) => m.rssKb],
    ] as const
  ).map(([name, kb]) => {
    const t = memoryTrend(result.samples, result.minutes, kb);
    return [
      name,
      `${figure(t.firstMb)} MB`,
      `${figure(t.lastMb)} MB`,
      `${signed(t.slopeMbPerMinute)} MB/min`,
      `${t.flat ? 'flat' : 'NOT flat'} (bound ±${t.boundMbPerMinute.toFixed(2)} MB/min)`,
    ];
  });
  const cpu = result.minutes.map((m) => (m.cpuMs * 1000) / Math.max(1, m.successful));
  rows.push([
    'CPU per call',
    `${figure(cpu[0] ?? Number.NaN)} µs`,
    `${figure(cpu.at(-1) ?? Number.NaN)} µs`,
    `${signed(slope(cpu.slice(1).map((y, i) => ({ x: i + 2, y }))))} µs/min`,
    '',
  ]);
  return markdownTable(
    [
      `${result.label} at ${result.rate} cps`,
      'first minute',
      'last minute',
      'slope after the first minute',
      'verdict',
    ],
    rows,
  );
}

export const SOAK_NOTE =
  `Memory is sampled every 10 s; "flat" means the least-squares slope of the samples after the first minute ` +
  `is within ±max(${FLAT_MB_PER_MINUTE} MB/min, ${FLAT_SHARE_PER_MINUTE * 100} % of the first minute's ` +
  'mean per minute): a 10-minute soak growing by more than 5 MB or 5 % is not flat. CPU per call is per ' +
  'one-minute SIPp run.';
