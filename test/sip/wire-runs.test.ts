import { describe, expect, it } from 'vitest';
import { Runs } from '../../src/sip/wire-runs.ts';

describe('Runs', () => {
  it('merges ranges of one text that continue one another and skips empty ones', () => {
    const text = 'abcdefgh';
    const runs = new Runs();
    runs.addRange(text, 0, 3);
    runs.addRange(text, 3, 5);
    runs.addRange(text, 5, 5);
    runs.add('XY');
    runs.addRange(text, 6, 8);
    expect(runs.count).toBe(3);
    expect(runs.texts).toEqual([text, 'XY', text]);
    expect(runs.bounds).toEqual([0, 5, 0, 2, 6, 8]);
    expect(runs.length).toBe(9);
  });

  it('does not merge equal ranges of different texts', () => {
    const runs = new Runs();
    runs.addRange('ab', 0, 1);
    runs.addRange('cd', 1, 2);
    expect(runs.count).toBe(2);
  });
});
