import { describe, expect, it } from 'vitest';
import { parseHeaderLine } from '../../src/sip/header-line.ts';

describe('parseHeaderLine', () => {
  it('splits "Name: value" with or without the final CRLF', () => {
    expect(parseHeaderLine('X-Foo: bar baz\r\n')).toEqual({ name: 'X-Foo', value: 'bar baz' });
    expect(parseHeaderLine('X-Foo:bar')).toEqual({ name: 'X-Foo', value: 'bar' });
    expect(parseHeaderLine('X-Foo : bar\n')).toEqual({ name: 'X-Foo', value: 'bar' });
    expect(parseHeaderLine('Subject:')).toEqual({ name: 'Subject', value: '' });
  });

  it.each([
    'no colon',
    ': value',
    'Bad Name: x',
    'X: a\r\nVia: forged',
    'X: a\rb',
    'X: a\0b',
    'X: a\r\n\r\n',
  ])('rejects %j', (line) => {
    expect(parseHeaderLine(line)).toBeUndefined();
  });
});
