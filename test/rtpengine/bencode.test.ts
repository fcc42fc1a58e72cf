import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../src/rtpengine/bencode.ts';

const bytes = (s: string) => Buffer.from(s, 'latin1');

describe('bencode', () => {
  it('encodes integers, byte strings, lists and dictionaries with sorted keys', () => {
    const out = encode({ sdp: 'v=0\r\n', command: 'offer', flags: ['trust-address'], n: -3, z: 0 });
    expect(out.toString('latin1')).toBe(
      'd7:command5:offer5:flagsl13:trust-addresse1:ni-3e3:sdp5:v=0\r\n1:zi0ee',
    );
  });

  it('round-trips nested values and every octet value', () => {
    const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
    const value = { a: [1, 'x', { b: [] }], c: all, d: {} };
    const decoded = decode(encode(value));
    expect(decoded).toEqual({ ok: true, value });
  });

  it('takes dictionary keys in any order, as rtpengine sends them', () => {
    expect(decode(bytes('d6:result2:ok3:sdp3:v=0e'))).toEqual({
      ok: true,
      value: { result: 'ok', sdp: 'v=0' },
    });
    expect(decode(bytes('d3:sdp3:v=06:result2:oke'))).toEqual({
      ok: true,
      value: { result: 'ok', sdp: 'v=0' },
    });
  });

  it('refuses what is not a byte string or not an integer', () => {
    expect(() => encode('é€')).toThrow(/byte string/);
    expect(() => encode(1.5)).toThrow(/integer/);
  });

  it.each([
    ['i01e', /bad integer/],
    ['i-0e', /bad integer/],
    ['ie', /bad integer/],
    ['i12', /unterminated integer/],
    ['05:abcde', /bad string length/],
    ['5:abc', /past the end/],
    ['l1:a', /unterminated list|unexpected end/],
    ['d1:ai1e1:ai2ee', /repeated/],
    ['di1ei2ee', /key is not a string/],
    ['i1ei2e', /trailing/],
    ['x', /unexpected 'x'/],
    ['', /unexpected end/],
  ])('refuses %j', (text, why) => {
    const decoded = decode(bytes(text));
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error).toMatch(why);
  });

  it('bounds nesting depth and the number of values', () => {
    expect(
      decode(bytes(`${'l'.repeat(20)}${'e'.repeat(20)}`), { maxDepth: 16, maxItems: 100 }),
    ).toMatchObject({
      ok: false,
      error: expect.stringMatching(/deeper than 16/),
    });
    expect(decode(bytes(`l${'i1e'.repeat(200)}e`), { maxDepth: 16, maxItems: 100 })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/more than 100 values/),
    });
    expect(decode(bytes(`l${'i1e'.repeat(99)}e`), { maxDepth: 16, maxItems: 100 }).ok).toBe(true);
  });
});
