import { describe, expect, it } from 'vitest';
import { parseDeltaSeconds, parseDigits, parseQValue } from '../../src/sip/integers.ts';

describe('parseDigits', () => {
  it('reads 1*DIGIT within a range and a length', () => {
    expect(parseDigits('0')).toBe(0);
    expect(parseDigits('x123y', 1, 4)).toBe(123);
    expect(parseDigits('123456', 0, 6, 5)).toBe(-1);
    expect(parseDigits('')).toBe(-1);
    expect(parseDigits('12a')).toBe(-1);
    expect(parseDigits('+1')).toBe(-1);
  });
});

describe('parseDeltaSeconds', () => {
  it('reads digits and caps them at 2**32-1', () => {
    expect(parseDeltaSeconds('3600')).toBe(3600);
    expect(parseDeltaSeconds('0004294967296')).toBe(4294967295);
    expect(parseDeltaSeconds('')).toBe(-1);
    expect(parseDeltaSeconds('1.5')).toBe(-1);
  });
});

describe('parseQValue', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['0.5', 0.5],
    ['0.001', 0.001],
    ['1.0', 1],
    ['1.00', 1],
  ])('reads %s', (text, value) => {
    expect(parseQValue(text)).toBe(value);
  });

  it.each(['', '2', '1.1', '0.0001', '.5', '0,5', 'x'])('rejects %j', (text) => {
    expect(parseQValue(text)).toBe(-1);
  });
});
