import { describe, expect, it } from 'vitest';
import { parseSipLoadArgs } from '../../bench/lib/sip-load-args.ts';
import { addLadderRun, emptyFigures, resultsTable } from '../../bench/lib/sip-load-report.ts';
import { sippRun } from '../../fixtures/sipp.ts';

// The end of SIPp 3.6's output after a run that ended by its -timeout (OPTIONS at saturation): the
// periodic column is the last second only, the cumulative one the whole run.
const FINAL_SCREEN = `
----------------------------- Statistics Screen ------- [1-9]: Change Screen --
  Counter Name           | Periodic value            | Cumulative value
-------------------------+---------------------------+--------------------------
  Elapsed Time           | 00:00:00:051000           | 00:00:00:051000
  Call Rate              |    0.000 cps              | 26283.000 cps
-------------------------+---------------------------+--------------------------
  Outgoing calls created |        0                  |   107918
  Total Calls created    |                           |   107918
  Current Calls          |        0                  |
-------------------------+---------------------------+--------------------------
  Successful call        |        0                  |   107918
  Failed call            |       12                  |       74
-------------------------+---------------------------+--------------------------
------------------------------ Test Terminated --------------------------------
`;

describe('SIPp final screen', () => {
  it('reads the cumulative successful and failed calls, not the periodic ones', () => {
    const run = sippRun(0, FINAL_SCREEN);
    expect([run.successful, run.failed]).toEqual([107918, 74]);
  });

  it('gives -1 for counts a screen does not show (SIPp killed before printing it)', () => {
    const run = sippRun(null, 'Resolving remote host 127.0.0.1... Done.\n');
    expect([run.successful, run.failed]).toEqual([-1, -1]);
  });
});

describe('parseSipLoadArgs', () => {
  it('runs all four systems by default, three repetitions, a ladder from 100 cps, the packaged server', () => {
    const plan = parseSipLoadArgs([]);
    expect(plan.ok && plan.value).toMatchObject({
      systems: ['kamailio-native', 'kamailio-lua', 'kemi-as', 'kemi-rust'],
      reps: 3,
      rate: 500,
      rates: [100, 250, 500, 1000, 1500, 2000, 3000, 4000],
      kemiToml: [],
      entry: 'package',
      idleSeconds: 3,
    });
    expect(plan.ok && plan.value.soak).toBeUndefined();
  });

  it('--short plans fewer repetitions, shorter steps and a ladder from 100 cps, within 2 minutes', () => {
    const plan = parseSipLoadArgs(['--short']);
    if (!plan.ok) throw new Error(plan.error);
    expect(plan.value).toMatchObject({ reps: 2, seconds: 2, stepSeconds: 2, rates: [100, 500, 2000] });
    expect(plan.value.budgetSeconds).toBeLessThan(120);
  });

  it("--soak runs kemi-as and Kamailio KEMI Lua for 10 minutes at half a quick ladder's clean maximum", () => {
    const plan = parseSipLoadArgs(['--soak']);
    if (!plan.ok) throw new Error(plan.error);
    expect(plan.value).toMatchObject({
      systems: ['kemi-as', 'kamailio-lua'],
      rates: [100, 250, 500, 1000, 1500, 2000, 3000, 4000],
      stepSeconds: 5,
      soak: { minutes: 10, sampleSeconds: 10 },
    });
    expect(plan.value.soak?.rate).toBeUndefined();
    // Ten minutes each, the ladder and the wait after it: the watchdog's bound is twice this.
    expect(plan.value.budgetSeconds).toBeGreaterThan(2 * 10 * 60 + 2 * 35);
  });

  it('--soak takes its minutes, a given rate (no ladder then) and other systems', () => {
    const plan = parseSipLoadArgs([
      '--soak',
      '--soak-minutes',
      '3',
      '--soak-rate',
      '750',
      '--systems',
      'kemi-as',
    ]);
    if (!plan.ok) throw new Error(plan.error);
    expect(plan.value).toMatchObject({ systems: ['kemi-as'], soak: { minutes: 3, rate: 750 } });
    expect(plan.value.budgetSeconds).toBeGreaterThanOrEqual(3 * 60);
    expect(plan.value.budgetSeconds).toBeLessThan(3 * 60 + 35);
  });

  it('--entry clone runs the sources; --idle-seconds may be a fraction', () => {
    const plan = parseSipLoadArgs(['--entry', 'clone', '--idle-seconds', '1.5']);
    expect(plan.ok && plan.value).toMatchObject({ entry: 'clone', idleSeconds: 1.5 });
  });

  it('takes overrides after --short, and writes workers into the config only when given', () => {
    const plan = parseSipLoadArgs([
      '--short',
      '--reps',
      '1',
      '--systems',
      'kamailio-lua,kemi-as',
      '--workers',
      '2',
      '--kemi-toml',
      'a = 1',
      '--rates',
      '100,200',
    ]);
    expect(plan.ok && plan.value).toMatchObject({
      reps: 1,
      ladderReps: 1,
      systems: ['kamailio-lua', 'kemi-as'],
      kemiToml: ['workers = 2', 'a = 1'],
      rates: [100, 200],
    });
  });

  it('refuses unknown options and systems, falling ladders and non-integers', () => {
    for (const args of [
      ['--bogus', '1'],
      ['--systems', 'kamailio,kemi-as'],
      ['--rates', '500,400'],
      ['--reps', '1.5'],
      ['--workers', '0'],
      ['--reps'],
      ['--entry', 'dist'],
      ['--idle-seconds', '-1'],
      ['--soak-minutes', '5'],
      ['--soak-rate', '750'],
      ['--soak', '--short'],
      ['--soak', '--soak-minutes', '1'],
      ['--soak', '--soak-rate', '0'],
    ]) {
      const plan = parseSipLoadArgs(args);
      expect(plan.ok, args.join(' ')).toBe(false);
    }
  });
});

describe('resultsTable', () => {
  it('prints medians with min–max per system and the kemi-wasm / Kamailio KEMI Lua ratios', () => {
    const lua = emptyFigures('kamailio-lua', 'Lua');
    lua.statelessUsPerRequest.push(11, 12, 10);
    lua.statelessRequestsPerSecond.push(36000);
    lua.callUsPerCall.push(200);
    lua.highestClean.push(1500);
    addLadderRun(
      lua,
      [
        { rate: 100, usPerCall: 400 },
        { rate: 1500, usPerCall: 200 },
        { rate: 2000, usPerCall: 190 },
      ],
      1500,
    );
    lua.idleCpuMsPerSecond.push(2, 4);
    lua.idle.push({ rssKb: 30 * 1024, pssKb: 20 * 1024, shmemKb: 3 * 1024 });
    const ours = emptyFigures('kemi-as', 'AS');
    ours.statelessUsPerRequest.push(40, 44);
    ours.statelessRequestsPerSecond.push(18000);
    ours.callUsPerCall.push(600);
    ours.callsFailed = 3;
    ours.highestClean.push(750);
    addLadderRun(
      ours,
      [
        { rate: 100, usPerCall: 800 },
        { rate: 750, usPerCall: 1000 },
      ],
      750,
    );
    // Not even the first rate clean: no flatness from that run.
    addLadderRun(ours, [{ rate: 100, usPerCall: 5000 }], 0);
    const table = resultsTable([lua, ours], {
      rate: 500,
      lowestRate: 100,
      stepSeconds: 10,
      baseline: 'kamailio-lua',
      compared: ['kemi-as'],
    });
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^\| workload +\| Lua +\| AS +\| AS \/ Lua \|$/);
    const row = (start: string) =>
      lines
        .find((l) => l.startsWith(`| ${start}`))
        ?.split('|')
        .slice(2, -1)
        .map((c) => c.trim());
    expect(row('stateless OPTIONS → 200 (sanity')).toEqual([
      '11.0 µs (10.0–12.0)',
      '42.0 µs (40.0–44.0)',
      '3.82x',
    ]);
    expect(row('stateless OPTIONS → 200, requests/s')).toEqual(['36.0 k', '18.0 k', '0.50x']);
    expect(row('record-routed call')).toEqual(['200 µs', '600 µs, 3 failed calls', '3.00x']);
    expect(row('highest clean call rate (0 failed calls, 10 s steps)')).toEqual([
      '1500 cps',
      '750 cps',
      '0.50x',
    ]);
    expect(row('ladder: CPU per call at 100 cps')).toEqual(['400 µs', '800 µs', '2.00x']);
    expect(row('ladder: CPU per call at the highest clean rate')).toEqual(['200 µs', '1000 µs', '5.00x']);
    // Kamailio's cost falls with the rate (0.50), this one's rises (1.25): what the aim forbids.
    expect(row('flatness: CPU per call at the highest clean rate / at 100 cps')).toEqual([
      '0.50',
      '1.25',
      '2.50x',
    ]);
    expect(row('CPU at idle')).toEqual(['3.00 ms (2.00–4.00)', '–', '–']);
    expect(row('memory idle, PSS')).toEqual(['20.0 MB', '–', '–']);
  });

  it('has no ratio columns without the baseline', () => {
    const table = resultsTable([emptyFigures('kemi-as', 'AS')], {
      rate: 500,
      lowestRate: 100,
      stepSeconds: 10,
      baseline: 'kamailio-lua',
      compared: ['kemi-as'],
    });
    expect(table.split('\n')[0]).toMatch(/^\| workload +\| AS +\|$/);
  });
});
