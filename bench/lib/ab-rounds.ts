// One-process A/B of two checkouts' code: rounds alternate which side runs first, so drift in the machine's
// load falls on both; each figure is CPU time (process.cpuUsage), and the report is each case's medians.
import { loadavg } from 'node:os';
import { median } from './stats.ts';

/** CPU nanoseconds per call of `fn` over `n` calls. */
export function cpuPerCall(fn: () => void, n: number): number {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) fn();
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / n;
}

/**
 * `rounds` alternating rounds of `measure(side, name)` for sides 0 (A) and 1 (B) and every case name; prints
 * `what` (per case: A's and B's medians and B/A) with the load average.
 */
export function alternatingRounds(
  names: readonly string[],
  rounds: number,
  measure: (side: 0 | 1, name: string) => number,
  what: string,
): void {
  const figures = [0, 1].map(() => names.map((): number[] => []));
  for (let round = 0; round < rounds; round++) {
    for (const s of round % 2 === 0 ? ([0, 1] as const) : ([1, 0] as const)) {
      names.forEach((name, i) => {
        figures[s][i].push(measure(s, name));
      });
    }
  }
  const load = loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
  console.log(`${what}, median of ${rounds} alternating rounds; load ${load}`);
  const width = Math.max(...names.map((n) => n.length)) + 2;
  names.forEach((name, i) => {
    const a = median(figures[0][i]);
    const b = median(figures[1][i]);
    console.log(
      `${name.padEnd(width)} A ${a.toFixed(0).padStart(6)}   B ${b.toFixed(0).padStart(6)}   B/A ${(b / a).toFixed(2)}`,
    );
  });
}

/** `--base <checkout>` (A) and `--rounds N` of an A/B bench run as `script`; B is this checkout. */
export function abArgs(script: string, defaultRounds: number): { base: string; rounds: number } {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const base = option('base');
  if (base === undefined) throw new Error(`usage: ${script} --base <checkout> [--rounds ${defaultRounds}]`);
  return { base, rounds: Number(option('rounds') ?? defaultRounds) };
}
