import { describe, expect, it } from 'vitest';
import { quote, quotedStringEnd, unquote } from '../../src/sip/quoted-string.ts';

describe('quoted-string (RFC 3261 25.1)', () => {
  it('finds the end, skipping quoted-pairs', () => {
    const text = '"a \\" b" rest';
    expect(quotedStringEnd(text, 0, text.length)).toBe(8);
  });

  it('fails on an unclosed string, a bare CR or LF, or a pair escaping them', () => {
    expect(quotedStringEnd('"abc', 0, 4)).toBe(-1);
    expect(quotedStringEnd('"a\rb"', 0, 5)).toBe(-1);
    expect(quotedStringEnd('"a\\\nb"', 0, 6)).toBe(-1);
    expect(quotedStringEnd('"a\\', 0, 3)).toBe(-1);
    expect(quotedStringEnd('"a\x01b"', 0, 5)).toBe(-1);
  });

  it('accepts HTAB and UTF-8 octets', () => {
    const text = '"a\tb\u00c3\u00a9"';
    expect(quotedStringEnd(text, 0, text.length)).toBe(text.length);
  });

  it('decodes and encodes', () => {
    expect(unquote('"a \\"b\\" \\\\"', 0, 12)).toBe('a "b" \\');
    expect(quote('a "b" \\')).toBe('"a \\"b\\" \\\\"');
    const quoted = quote('x"y');
    expect(unquote(quoted, 0, quoted.length)).toBe('x"y');
  });
});
