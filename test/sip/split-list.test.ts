import { describe, expect, it } from 'vitest';
import { listRanges, splitList, trimWsp } from '../../src/sip/split-list.ts';

describe('splitList (RFC 3261 7.3.1)', () => {
  it('splits at top-level commas and trims whitespace', () => {
    expect(splitList('INVITE, ACK ,\tBYE')).toEqual(['INVITE', 'ACK', 'BYE']);
  });

  it('keeps commas inside quoted-strings and angle brackets', () => {
    expect(splitList('"Doe, John" <sip:j@example.com>, <sip:a@example.com;x=a,b>')).toEqual([
      '"Doe, John" <sip:j@example.com>',
      '<sip:a@example.com;x=a,b>',
    ]);
    expect(splitList('"a \\", b", c')).toEqual(['"a \\", b"', 'c']);
  });

  it('drops empty elements', () => {
    expect(splitList('')).toEqual([]);
    expect(splitList(' , a,, b ,')).toEqual(['a', 'b']);
  });

  it('leaves an unclosed quote to the element grammar', () => {
    expect(splitList('"a, b')).toEqual(['"a, b']);
  });
});

describe('listRanges and trimWsp', () => {
  it('work on offsets inside a larger text', () => {
    const text = 'Allow: A, B\r\n';
    expect(listRanges(text, 7, 11)).toEqual([7, 8, 10, 11]);
    expect(trimWsp(text, 6, 11)).toBe('A, B');
    expect(trimWsp('abc', 0, 3)).toBe('abc');
  });
});
