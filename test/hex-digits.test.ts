import { describe, expect, it } from 'vitest';
import { hex32 } from '../src/hex-digits.ts';

describe('hex32', () => {
  it('writes the low 32 bits as eight lower-case hex digits, as toString(16) padded would', () => {
    for (const n of [
      0,
      1,
      0xff,
      0x1234abcd,
      0x7fffffff,
      0x80000000,
      0xffffffff,
      -1,
      -2147483648,
      2 ** 32 + 5,
    ]) {
      expect(hex32(n)).toBe((n >>> 0).toString(16).padStart(8, '0'));
    }
  });
});
