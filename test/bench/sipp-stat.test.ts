import { describe, expect, it } from 'vitest';
import { interpolate, parseStatFile, statWindow } from '../../bench/lib/sipp-stat.ts';

// The first columns of SIPp 3.6's -trace_stat file, as it writes them (CurrentTime: date, time, epoch).
const header =
  'StartTime;LastResetTime;CurrentTime;ElapsedTime(P);SuccessfulCall(P);SuccessfulCall(C);FailedCall(P);FailedCall(C);';
const row = (epoch: number, ok: number, failed: number) =>
  `2026-12-06\t07:11:49.807958\t1796541109.807958;2026-12-06\t07:11:49.807958\t1796541109.807958;` +
  `2026-12-06\t07:11:50.000000\t${epoch};00:00:01:000000;0;${ok};0;${failed};`;
const FILE = [
  header,
  row(100, 0, 0),
  row(101, 15000, 140),
  row(102.01, 30000, 140),
  row(103, 45000, 141),
].join('\n');

describe('parseStatFile', () => {
  it('reads the time and the cumulative successful and failed calls by column name', () => {
    expect(parseStatFile(`${FILE}\n`)).toEqual([
      { time: 100, successful: 0, failed: 0 },
      { time: 101, successful: 15000, failed: 140 },
      { time: 102.01, successful: 30000, failed: 140 },
      { time: 103, successful: 45000, failed: 141 },
    ]);
  });

  it('refuses a file without those columns', () => {
    expect(() => parseStatFile('a;b;c\n1;2;3\n')).toThrow(/not a SIPp statistics file/);
  });
});

describe('statWindow', () => {
  it('cuts the rows after the warm-up: what happened between them and over how long', () => {
    const w = statWindow(parseStatFile(FILE), 1, 2);
    expect(w).toEqual({ seconds: 2, successful: 30000, failed: 1, from: 101, to: 103 });
  });

  it('ends at the last row when the run was shorter, and has none with fewer than two rows', () => {
    expect(statWindow(parseStatFile(FILE), 1, 10)?.to).toBe(103);
    expect(statWindow(parseStatFile(FILE).slice(0, 1), 0, 1)).toBeUndefined();
  });
});

describe('interpolate', () => {
  const samples = [
    { time: 10, value: 100 },
    { time: 11, value: 200 },
    { time: 13, value: 200 },
  ];
  it('is linear between samples and clamped outside them', () => {
    expect(interpolate(samples, 10.25)).toBe(125);
    expect(interpolate(samples, 12)).toBe(200);
    expect(interpolate(samples, 9)).toBe(100);
    expect(interpolate(samples, 14)).toBe(200);
    expect(interpolate([], 1)).toBeNaN();
  });
});
