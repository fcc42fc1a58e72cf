import { describe, expect, it } from 'vitest';
import type { Memory } from '../../bench/lib/proc-usage.ts';
import {
  flatBound,
  type MemorySample,
  memoryTrend,
  type SoakMinute,
  slope,
  soakMinuteTable,
  soakTrendTable,
} from '../../bench/lib/soak-report.ts';

const mem = (pssMb: number, rssMb = pssMb + 40): Memory => ({
  pssKb: pssMb * 1024,
  rssKb: rssMb * 1024,
  shmemKb: 0,
});

/** `count` one-minute runs back to back, 1000 calls each, `cpuMs(i)` of CPU in minute i. */
function minutes(count: number, cpuMs = (_: number) => 600): SoakMinute[] {
  return Array.from({ length: count }, (_, i) => ({
    from: i * 60,
    to: (i + 1) * 60,
    calls: 1000,
    successful: 1000,
    failed: 0,
    cpuMs: cpuMs(i),
  }));
}

/** A sample every 10 s from 10 s, PSS given by `pss(seconds)`. */
function samples(count: number, pss: (seconds: number) => number): MemorySample[] {
  return Array.from({ length: count }, (_, i) => ({ seconds: (i + 1) * 10, memory: mem(pss((i + 1) * 10)) }));
}

describe('slope', () => {
  it('is the least-squares slope, NaN without two distinct x', () => {
    expect(
      slope([
        { x: 0, y: 1 },
        { x: 1, y: 3 },
        { x: 2, y: 5 },
      ]),
    ).toBeCloseTo(2);
    // A sawtooth around a flat line: no slope.
    expect(slope([0, 1, 2, 3, 4].map((x) => ({ x, y: x % 2 === 0 ? 10 : 12 })))).toBeCloseTo(0);
    expect(slope([{ x: 1, y: 1 }])).toBeNaN();
    expect(
      slope([
        { x: 1, y: 1 },
        { x: 1, y: 2 },
      ]),
    ).toBeNaN();
  });
});

describe('memoryTrend', () => {
  it('compares the first minute with the last and fits a line to the samples after the first minute', () => {
    // 100 MB in the first minute, then from 150 MB growing 1 MB per minute: beyond the bound (0.75 MB/min).
    const pss = (s: number) => (s <= 60 ? 100 : 150 + (s - 60) / 60);
    const t = memoryTrend(samples(60, pss), minutes(10), (m) => m.pssKb);
    expect(t.firstMb).toBe(100);
    // The last minute's samples, 540 s to 600 s: 158 to 159 MB.
    expect(t.lastMb).toBeCloseTo(158.5);
    expect(t.slopeMbPerMinute).toBeCloseTo(1);
    expect(t.boundMbPerMinute).toBe(0.5);
    expect(t.flat).toBe(false);
  });

  it('calls a heap sawtooth with no growth flat', () => {
    const pss = (s: number) => 180 + ((s / 10) % 3) * 4;
    const t = memoryTrend(samples(60, pss), minutes(10), (m) => m.pssKb);
    expect(Math.abs(t.slopeMbPerMinute)).toBeLessThan(t.boundMbPerMinute);
    expect(t.flat).toBe(true);
  });

  it('reads RSS through its own accessor', () => {
    const t = memoryTrend(
      samples(60, () => 50),
      minutes(10),
      (m) => m.rssKb,
    );
    expect([t.firstMb, t.lastMb, t.slopeMbPerMinute]).toEqual([90, 90, 0]);
  });
});

describe('flatBound', () => {
  it('is 0.5 MB per minute, or 0.5 % of the first minute per minute when that is more', () => {
    expect(flatBound(50)).toBe(0.5);
    expect(flatBound(200)).toBe(1);
  });
});

describe('soak tables', () => {
  const result = {
    label: 'AS',
    rate: 750,
    minutes: minutes(3, (i) => 600 + 60 * i),
    samples: samples(18, (s) => 100 + s / 60),
  };

  it('prints a row per minute: calls, CPU per call, mean memory of its samples', () => {
    const lines = soakMinuteTable(result).split('\n');
    expect(lines[0].split('|').map((c) => c.trim())).toEqual([
      '',
      'minute',
      'calls ok',
      'failed',
      'CPU per call',
      'PSS (mean of samples)',
      'RSS summed',
      '',
    ]);
    expect(lines[2].split('|').map((c) => c.trim())).toEqual([
      '',
      '1',
      '1000/1000',
      '0',
      '600 µs',
      '101 MB',
      '141 MB',
      '',
    ]);
    expect(lines).toHaveLength(5);
  });

  it('prints first and last minute, the slope after the first minute and the verdict with its bound', () => {
    const lines = soakTrendTable(result).split('\n');
    expect(lines[0].split('|').map((c) => c.trim())).toEqual([
      '',
      'AS at 750 cps',
      'first minute',
      'last minute',
      'slope after the first minute',
      'verdict',
      '',
    ]);
    const pss = lines[2].split('|').map((c) => c.trim());
    expect(pss.slice(1, 6)).toEqual([
      'PSS of all processes',
      '101 MB',
      '103 MB',
      '+1.00 MB/min',
      'NOT flat (bound ±0.50 MB/min)',
    ]);
    const cpu = lines[4].split('|').map((c) => c.trim());
    expect(cpu.slice(1, 5)).toEqual(['CPU per call', '600 µs', '720 µs', '+60.00 µs/min']);
  });
});
