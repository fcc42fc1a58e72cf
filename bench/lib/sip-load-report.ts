// The figures bench/sip-load.ts collects per system over its repetitions, and the markdown table it prints
// from them: one row per measure, one column per system, then each kemi-wasm system against Kamailio KEMI
// Lua (medians over medians). Pure: test/bench/sip-load-report.test.ts.
import { markdownTable } from './markdown-table.ts';
import type { Memory } from './proc-usage.ts';
import { formatRatio, formatSummary, type Summary, summarize } from './stats.ts';

export interface SystemFigures {
  readonly id: string;
  /** Column title, e.g. "Kamailio 5.6.3 KEMI Lua". */
  readonly label: string;
  /** One entry per repetition. */
  readonly statelessUsPerRequest: number[];
  readonly statelessRequestsPerSecond: number[];
  /** OPTIONS without an answer within 0.5 s in the measured windows, summed over repetitions. */
  statelessFailed: number;
  readonly callUsPerCall: number[];
  /** Failed calls of the fixed-rate runs, summed over repetitions. */
  callsFailed: number;
  /** Calls the callee (SIPp UAS) counted failed, over all call runs of all repetitions. */
  calleeFailed: number;
  /** Highest clean rate of each ladder run. */
  readonly highestClean: number[];
  /** CPU per call (µs) of each ladder run's first (lowest) rate, and of its highest clean rate. */
  readonly lowestRateUsPerCall: number[];
  readonly highestCleanUsPerCall: number[];
  /** Each ladder run's CPU per call at its highest clean rate over that at its lowest rate. */
  readonly flatness: number[];
  /** CPU per second of the started system left alone (timers, wake-ups), ms. */
  readonly idleCpuMsPerSecond: number[];
  readonly idle: Memory[];
  readonly peak: Memory[];
}

export function emptyFigures(id: string, label: string): SystemFigures {
  return {
    id,
    label,
    statelessUsPerRequest: [],
    statelessRequestsPerSecond: [],
    statelessFailed: 0,
    callUsPerCall: [],
    callsFailed: 0,
    calleeFailed: 0,
    highestClean: [],
    lowestRateUsPerCall: [],
    highestCleanUsPerCall: [],
    flatness: [],
    idleCpuMsPerSecond: [],
    idle: [],
    peak: [],
  };
}

/** A ladder step as the flatness rows need it. */
export interface LadderStep {
  readonly rate: number;
  readonly usPerCall: number;
}

/**
 * Adds one ladder run's flatness figures: CPU per call at its first rate, at its highest clean rate, and
 * their ratio. Nothing when not even the first rate was clean.
 */
export function addLadderRun(f: SystemFigures, steps: readonly LadderStep[], highestClean: number): void {
  const lowest = steps[0];
  const top = steps.find((s) => s.rate === highestClean);
  if (lowest === undefined || top === undefined) return;
  f.lowestRateUsPerCall.push(lowest.usPerCall);
  f.highestCleanUsPerCall.push(top.usPerCall);
  f.flatness.push(top.usPerCall / lowest.usPerCall);
}

/**
 * Why CPU per call falls with the rate for every system, so that a reader does not take it for a gain: a
 * cost per second whatever the load (timers: the idle row) and a cost per wake-up (at a low rate each
 * datagram wakes the process from epoll with cold caches; at a high rate one wake-up reads several) are
 * shared by more calls. A flatness above 1, cost rising with the rate, is what the aim forbids.
 */
export const FLATNESS_NOTE =
  'Flatness is CPU per call at the highest clean rate over that at the lowest rate. It falls below 1 for ' +
  'every system: what is spent per second whatever the load (timers; the idle CPU row: each ms/s adds ' +
  '1000/rate µs to a call) and per wake-up (at a low rate every datagram wakes the process, with cold ' +
  'caches; at a high rate one wake-up reads several) is shared by more calls as the rate rises. Compare ' +
  'systems by it; a figure above 1, cost rising with the rate, is what the aim "CPU per call flat" forbids.';

export interface TableOptions {
  /** The fixed call rate (calls/s) of the CPU-per-call row. */
  readonly rate: number;
  /** The ladder's first (lowest) rate. */
  readonly lowestRate: number;
  /** Seconds per step of the ladder. */
  readonly stepSeconds: number;
  /** The system the ratios divide by (Kamailio KEMI Lua), and those put over it. */
  readonly baseline: string;
  readonly compared: readonly string[];
}

interface Row {
  readonly name: string;
  readonly unit: string;
  readonly scale: number;
  readonly pick: (f: SystemFigures) => number[];
  readonly note?: (f: SystemFigures) => string;
}

const MB = 1024;

export function resultsTable(figures: readonly SystemFigures[], options: TableOptions): string {
  const rows: Row[] = [
    {
      name: 'stateless OPTIONS → 200 (sanity, maxfwd, reply), CPU per request',
      unit: 'µs',
      scale: 1,
      pick: (f) => f.statelessUsPerRequest,
    },
    {
      name: 'stateless OPTIONS → 200, requests/s at saturation',
      unit: 'k',
      scale: 1000,
      pick: (f) => f.statelessRequestsPerSecond,
      note: (f) => (f.statelessFailed > 0 ? `, ${f.statelessFailed} unanswered` : ''),
    },
    {
      name: `record-routed call INVITE/180/200/ACK/BYE/200 at ${options.rate} cps, CPU per call`,
      unit: 'µs',
      scale: 1,
      pick: (f) => f.callUsPerCall,
      note: (f) =>
        (f.callsFailed > 0 ? `, ${f.callsFailed} failed calls` : '') +
        (f.calleeFailed > 0 ? `, callee: ${f.calleeFailed} failed` : ''),
    },
    {
      name: `highest clean call rate (0 failed calls, ${options.stepSeconds} s steps)`,
      unit: 'cps',
      scale: 1,
      pick: (f) => f.highestClean,
    },
    {
      name: `ladder: CPU per call at ${options.lowestRate} cps`,
      unit: 'µs',
      scale: 1,
      pick: (f) => f.lowestRateUsPerCall,
    },
    {
      name: 'ladder: CPU per call at the highest clean rate',
      unit: 'µs',
      scale: 1,
      pick: (f) => f.highestCleanUsPerCall,
    },
    {
      name: `flatness: CPU per call at the highest clean rate / at ${options.lowestRate} cps`,
      unit: '',
      scale: 1,
      pick: (f) => f.flatness,
    },
    {
      name: 'CPU at idle (timers), per second',
      unit: 'ms',
      scale: 1,
      pick: (f) => f.idleCpuMsPerSecond,
    },
    {
      name: 'memory idle, PSS of all processes',
      unit: 'MB',
      scale: MB,
      pick: (f) => f.idle.map((m) => m.pssKb),
    },
    {
      name: `memory peak at ${options.rate} cps, PSS`,
      unit: 'MB',
      scale: MB,
      pick: (f) => f.peak.map((m) => m.pssKb),
    },
    {
      name: 'memory idle, RSS summed over processes (shared pages once per process)',
      unit: 'MB',
      scale: MB,
      pick: (f) => f.idle.map((m) => m.rssKb),
    },
    {
      name: `memory peak at ${options.rate} cps, RSS summed`,
      unit: 'MB',
      scale: MB,
      pick: (f) => f.peak.map((m) => m.rssKb),
    },
  ];
  const base = figures.find((f) => f.id === options.baseline);
  const compared = base ? figures.filter((f) => options.compared.includes(f.id)) : [];
  const header = [
    'workload',
    ...figures.map((f) => f.label),
    ...compared.map((f) => `${f.label} / ${base!.label}`),
  ];
  const body = rows.map((row) => {
    const summaries = new Map<string, Summary | undefined>(
      figures.map((f) => [f.id, summarize(row.pick(f))]),
    );
    return [
      row.name,
      ...figures.map((f) => formatSummary(summaries.get(f.id), row.unit, row.scale) + (row.note?.(f) ?? '')),
      ...compared.map((f) => formatRatio(summaries.get(f.id), summaries.get(base!.id))),
    ];
  });
  return markdownTable(header, body);
}
