import { describe, expect, it } from 'vitest';
import { hostEnd, isHost } from '../../src/sip/host.ts';

describe('isHost (RFC 3261 25.1)', () => {
  it.each([
    'example.com',
    'example.com.',
    'a',
    'a-b.c-d.example',
    'x1.example',
    '192.0.2.1',
    '[::1]',
    '[2001:db8::1]',
    'EXAMPLE.COM',
    'a.b.',
    '1.2.3.example',
  ])('accepts %s', (text) => {
    expect(isHost(text)).toBe(true);
  });

  it.each([
    '',
    '.',
    'example..com',
    '-a.example',
    'a-.example',
    'a.-b',
    'example.1com',
    '1.2.3',
    '1.2.3.4.',
    '256.1.1.1',
    '[::1',
    '[]',
    'ex_ample.com',
    'a b',
    'example.com-',
    'example.-com.',
    'a.1.',
    'a..',
  ])('rejects %j', (text) => {
    expect(isHost(text)).toBe(false);
  });
});

describe('hostEnd', () => {
  it('stops at the first character no host holds', () => {
    expect(hostEnd('a.example.com:5060', 0, 18)).toBe(13);
    expect(hostEnd('x [::1]:5060', 2, 12)).toBe(7);
    expect(hostEnd(';x', 0, 2)).toBe(-1);
  });

  it('does not look past the end it is given', () => {
    expect(hostEnd('a.example.com', 0, 5)).toBe(5);
    expect(hostEnd('[::1]', 0, 4)).toBe(-1);
  });
});
