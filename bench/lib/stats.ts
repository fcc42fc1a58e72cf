// Medians and spread of repeated measures, and their ratio: what bench/sip-load.ts prints.

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median and min–max of the measures that exist (NaN for a run that gave none). */
export function summarize(xs: readonly number[]): Summary | undefined {
  const real = xs.filter((x) => Number.isFinite(x));
  if (real.length === 0) return undefined;
  return { median: median(real), min: Math.min(...real), max: Math.max(...real), n: real.length };
}

/** A figure at a precision that fits its size: 3 significant digits, no exponent. */
export function figure(x: number): string {
  const abs = Math.abs(x);
  if (abs >= 100 || x === 0) return x.toFixed(0);
  if (abs >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

/** "11.3 (10.9–12.0)" with a unit after the median; the spread only when there are several measures. */
export function formatSummary(s: Summary | undefined, unit = '', scale = 1): string {
  if (s === undefined) return '–';
  const u = unit ? ` ${unit}` : '';
  const head = `${figure(s.median / scale)}${u}`;
  return s.n > 1 && s.min !== s.max ? `${head} (${figure(s.min / scale)}–${figure(s.max / scale)})` : head;
}

/** a's median over b's, "3.50x"; "–" when either is missing or b is 0. */
export function formatRatio(a: Summary | undefined, b: Summary | undefined): string {
  if (a === undefined || b === undefined || b.median === 0) return '–';
  return `${(a.median / b.median).toFixed(2)}x`;
}
