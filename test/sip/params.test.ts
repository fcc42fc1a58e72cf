import { describe, expect, it } from 'vitest';
import { formatParams, ParamList, paramSpans, scanParams, spanValue } from '../../src/sip/params.ts';

describe('scanParams (RFC 3261 generic-param)', () => {
  it('records each parameter and stops before what is not one', () => {
    const text = ';branch=z9hG4bK1 ; rport;x="a;b" , next';
    expect(scanParams(text, 0, text.length)).toBe(text.indexOf(' ,'));
    expect(paramSpans.count).toBe(3);
    expect(spanValue(text, 'branch')).toBe('z9hG4bK1');
    expect(spanValue(text, 'rport')).toBe('');
    expect(spanValue(text, 'x')).toBe('"a;b"');
    expect(spanValue(text, 'y')).toBeUndefined();
  });

  it('accepts host values (IPv6 included)', () => {
    const text = ';received=2001:db8::1;maddr=[2001:db8::2]';
    expect(scanParams(text, 0, text.length)).toBe(text.length);
  });

  it.each([';', ';=x', ';a=', ';a="x', ';a=<x>', '; a = '])('rejects %j', (text) => {
    expect(scanParams(text, 0, text.length)).toBe(-1);
  });

  it('grows past its preallocated room', () => {
    const text = Array.from({ length: 40 }, (_, i) => `;p${i}=${i}`).join('');
    expect(scanParams(text, 0, text.length)).toBe(text.length);
    expect(paramSpans.count).toBe(40);
    expect(spanValue(text, 'p39')).toBe('39');
  });
});

describe('ParamList', () => {
  it('reads as a Map of lower-case names, in order', () => {
    const text = 'x;Branch=Z9;LR;q="1, 2"';
    const list = new ParamList(text, 1, text.length);
    expect(list.size).toBe(3);
    expect(list.get('branch')).toBe('Z9');
    expect(list.has('lr')).toBe(true);
    expect([...list.keys()]).toEqual(['branch', 'lr', 'q']);
    expect([...list.values()]).toEqual(['Z9', '', '"1, 2"']);
    expect([...list]).toEqual([...list.entries()]);
    const seen: string[] = [];
    list.forEach((value, key) => {
      seen.push(`${key}=${value}`);
    });
    expect(seen).toEqual(['branch=Z9', 'lr=', 'q="1, 2"']);
  });

  it('formats back', () => {
    const text = ';a=1;b';
    expect(formatParams(new ParamList(text, 0, text.length))).toBe(';a=1;b');
  });
});
