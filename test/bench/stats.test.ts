import { describe, expect, it } from 'vitest';
import { markdownTable } from '../../bench/lib/markdown-table.ts';
import { figure, formatRatio, formatSummary, median, summarize } from '../../bench/lib/stats.ts';

describe('median and spread', () => {
  it('takes the middle of an odd count, the mean of the two middles of an even one, unsorted input', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('summarizes the finite measures only, none gives undefined', () => {
    expect(summarize([5, Number.NaN, 1, 3])).toEqual({ median: 3, min: 1, max: 5, n: 3 });
    expect(summarize([Number.NaN])).toBeUndefined();
  });
});

describe('formatting', () => {
  it('prints 3 significant digits', () => {
    expect([figure(11.34), figure(181.6), figure(2.345), figure(36000)]).toEqual([
      '11.3',
      '182',
      '2.35',
      '36000',
    ]);
  });

  it('prints the median, its unit and the min–max only when measures differ', () => {
    expect(formatSummary(summarize([11.3, 10.9, 12]), 'µs')).toBe('11.3 µs (10.9–12.0)');
    expect(formatSummary(summarize([1500, 1500]), 'cps')).toBe('1500 cps');
    expect(formatSummary(summarize([36000]), 'k', 1000)).toBe('36.0 k');
    expect(formatSummary(undefined, 'µs')).toBe('–');
  });

  it('divides medians for the ratio, – when a side is missing or zero', () => {
    expect(formatRatio(summarize([40, 42, 38]), summarize([11.3]))).toBe('3.54x');
    expect(formatRatio(undefined, summarize([1]))).toBe('–');
    expect(formatRatio(summarize([1]), summarize([0]))).toBe('–');
  });
});

describe('markdownTable', () => {
  it('pads columns by characters (µ and – are one each), escapes pipes, fills missing cells', () => {
    expect(markdownTable(['a', 'bb'], [['µs|x', '1–2'], ['c']])).toBe(
      ['| a     | bb  |', '| ----- | --- |', '| µs\\|x | 1–2 |', '| c     |     |'].join('\n'),
    );
  });
});
