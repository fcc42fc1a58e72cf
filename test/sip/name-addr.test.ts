import { describe, expect, it } from 'vitest';
import { formatNameAddr, parseNameAddr } from '../../src/sip/name-addr.ts';

describe('parseNameAddr (RFC 3261 20.10, 25.1)', () => {
  it('reads a quoted display name, the URI and the tag', () => {
    const addr = parseNameAddr('"Alice Liddell" <sip:alice@atlanta.example.com>;tag=1928301774');
    expect(addr?.displayName).toBe('Alice Liddell');
    expect(addr?.uri).toBe('sip:alice@atlanta.example.com');
    expect(addr?.tag).toBe('1928301774');
    expect([...(addr?.params ?? [])]).toEqual([['tag', '1928301774']]);
  });

  it('decodes quoted-pairs in the display name', () => {
    expect(parseNameAddr('"A \\"quoted\\" \\\\ name" <sip:a@example.com>')?.displayName).toBe(
      'A "quoted" \\ name',
    );
  });

  it('keeps a display name made of tokens as written', () => {
    expect(parseNameAddr('Bob  Smith <sip:bob@example.com>')?.displayName).toBe('Bob  Smith');
    expect(parseNameAddr('  <sip:bob@example.com>')?.displayName).toBeUndefined();
  });

  it('passes on an unquoted display name outside the token grammar', () => {
    expect(parseNameAddr('J\u00c3\u00b6rg (home) <sip:j@example.com>')?.displayName).toBe(
      'J\u00c3\u00b6rg (home)',
    );
  });

  it('gives the parameters of an addr-spec to the header, not the URI', () => {
    const addr = parseNameAddr('sip:alice@atlanta.example.com;tag=88sja8x');
    expect(addr?.uri).toBe('sip:alice@atlanta.example.com');
    expect(addr?.tag).toBe('88sja8x');
  });

  it('keeps URI parameters inside angle brackets with the URI', () => {
    const addr = parseNameAddr('<sip:alice@atlanta.example.com;transport=tcp>;expires=60');
    expect(addr?.uri).toBe('sip:alice@atlanta.example.com;transport=tcp');
    expect(addr?.params.get('expires')).toBe('60');
    expect(addr?.params.has('transport')).toBe(false);
  });

  it('allows LWS around separators and parameters with quoted values and flags', () => {
    const addr = parseNameAddr(' <sip:a@example.com> ; tag = x1 ;+sip.instance="<urn:uuid:f81d4fae>" ; lr ');
    expect(addr?.tag).toBe('x1');
    expect(addr?.params.get('+sip.instance')).toBe('"<urn:uuid:f81d4fae>"');
    expect(addr?.params.get('lr')).toBe('');
  });

  it('takes parameter names case-insensitively, the last repeat winning', () => {
    const addr = parseNameAddr('<sip:a@example.com>;TAG=one;tag=two');
    expect(addr?.tag).toBe('two');
    expect(addr?.params.get('tag')).toBe('two');
  });

  it('reads URIs of other schemes', () => {
    expect(parseNameAddr('<urn:service:sos>')?.uri).toBe('urn:service:sos');
    expect(parseNameAddr('tel:+1-201-555-0123;tag=1')?.uri).toBe('tel:+1-201-555-0123');
  });

  it('demands angle brackets when asked (Route, Record-Route)', () => {
    expect(parseNameAddr('sip:p1.example.com;lr', true)).toBeUndefined();
    expect(parseNameAddr('<sip:p1.example.com;lr>', true)?.uri).toBe('sip:p1.example.com;lr');
  });

  it.each([
    ['an unclosed quoted display name', '"Alice <sip:a@example.com>'],
    ['a quoted display name without a URI', '"Alice"'],
    ['an unclosed angle bracket', '<sip:a@example.com'],
    ['an empty URI', '<>'],
    ['a URI without scheme', '<alice@example.com>'],
    ['a space in the URI', '<sip:a b@example.com>'],
    ['a malformed parameter', '<sip:a@example.com>;=x'],
    ['a parameter without value after "="', '<sip:a@example.com>;tag='],
    ['text after the parameters', '<sip:a@example.com>;tag=1 x'],
    ['an unclosed quoted parameter value', '<sip:a@example.com>;x="abc'],
    ['nothing', ''],
  ])('rejects %s', (_why, value) => {
    expect(parseNameAddr(value)).toBeUndefined();
  });
});

describe('formatNameAddr', () => {
  it('quotes display names that are not tokens', () => {
    expect(formatNameAddr({ displayName: 'Alice "A"', uri: 'sip:a@example.com', params: new Map() })).toBe(
      '"Alice \\"A\\"" <sip:a@example.com>',
    );
  });

  it('writes token display names bare and parameters in order', () => {
    const params = new Map([
      ['tag', 'x'],
      ['lr', ''],
    ]);
    expect(formatNameAddr({ displayName: 'Bob Smith', uri: 'sip:b@example.com', params })).toBe(
      'Bob Smith <sip:b@example.com>;tag=x;lr',
    );
    expect(formatNameAddr({ displayName: undefined, uri: 'sip:b@example.com', params: new Map() })).toBe(
      '<sip:b@example.com>',
    );
  });

  it('round-trips through parseNameAddr', () => {
    const addr = parseNameAddr('"A, B" <sip:a@example.com;lr>;tag=9')!;
    expect(parseNameAddr(formatNameAddr(addr))).toMatchObject({
      displayName: 'A, B',
      uri: 'sip:a@example.com;lr',
      tag: '9',
    });
  });
});
