import { describe, expect, it } from 'vitest';
import { formatUri, isAbsoluteUri, parseUri } from '../../src/sip/uri.ts';

describe('parseUri: SIP and SIPS (RFC 3261 19.1)', () => {
  it('reads every part of a full SIP URI', () => {
    const uri = parseUri(
      'sip:alice:secretword@atlanta.example.com:5061;transport=tcp;lr?subject=project%20x&priority=urgent',
    );
    expect(uri).toEqual({
      scheme: 'sip',
      user: 'alice',
      password: 'secretword',
      host: 'atlanta.example.com',
      port: 5061,
      params: new Map([
        ['transport', 'tcp'],
        ['lr', ''],
      ]),
      headers: new Map([
        ['subject', 'project%20x'],
        ['priority', 'urgent'],
      ]),
    });
  });

  it('reads a URI with a host only', () => {
    const uri = parseUri('sip:example.com');
    expect(uri?.user).toBeUndefined();
    expect(uri?.host).toBe('example.com');
    expect(uri?.port).toBeUndefined();
    expect(uri?.params.size).toBe(0);
  });

  it('takes the scheme case-insensitively and keeps it in lower case', () => {
    expect(parseUri('SIPS:bob@Biloxi.Example.COM')?.scheme).toBe('sips');
    expect(parseUri('Sip:bob@biloxi.example.com')?.scheme).toBe('sip');
  });

  it('reads IPv4 hosts and IPv6 references', () => {
    expect(parseUri('sip:bob@192.0.2.4:5060')).toMatchObject({ host: '192.0.2.4', port: 5060 });
    expect(parseUri('sip:[2001:db8::10]:5070;transport=udp')).toMatchObject({
      host: '[2001:db8::10]',
      port: 5070,
    });
    expect(parseUri('sip:alice@[::ffff:192.0.2.1]')?.host).toBe('[::ffff:192.0.2.1]');
    expect(parseUri('sip:[::1]')?.host).toBe('[::1]');
  });

  it('keeps %-escapes as written', () => {
    const uri = parseUri('sip:%61lice%20smith@atlanta.example.com;x=%41b');
    expect(uri?.user).toBe('%61lice%20smith');
    expect(uri?.params.get('x')).toBe('%41b');
  });

  it('reads a user part full of the unreserved and user-unreserved characters', () => {
    const text =
      "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com";
    const uri = parseUri(text);
    expect(uri?.user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    expect(uri?.password).toBe("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    expect(uri?.host).toBe('example.com');
  });

  it('reads a telephone-subscriber user with parameters of its own', () => {
    const uri = parseUri('sip:+1-212-555-1212:1234@gateway.example.com;user=phone');
    expect(uri?.user).toBe('+1-212-555-1212');
    expect(uri?.password).toBe('1234');
    expect(uri?.params.get('user')).toBe('phone');
  });

  it('lower-cases parameter and header names and keeps their values', () => {
    const uri = parseUri('sip:a@b.example;Transport=TCP;MADDR=239.255.255.1?Subject=Hi');
    expect([...(uri?.params ?? [])]).toEqual([
      ['transport', 'TCP'],
      ['maddr', '239.255.255.1'],
    ]);
    expect(uri?.headers.get('subject')).toBe('Hi');
  });

  it('accepts an empty header value and a trailing dot in the host', () => {
    expect(parseUri('sip:a@example.com.?subject=')?.headers.get('subject')).toBe('');
    expect(parseUri('sip:a@example.com.')?.host).toBe('example.com.');
  });

  it.each([
    ['no host', 'sip:'],
    ['user without host', 'sip:alice@'],
    ['unknown scheme', 'http://example.com/'],
    ['no scheme', 'alice@example.com'],
    ['space in user', 'sip:al ice@example.com'],
    ['unclosed IPv6 reference', 'sip:[2001:db8::1'],
    ['bad IPv6 address', 'sip:[2001:db8:::1]'],
    ['port out of range', 'sip:a@example.com:65536'],
    ['port with letters', 'sip:a@example.com:50a0'],
    ['empty port', 'sip:a@example.com:'],
    ['empty parameter name', 'sip:a@example.com;=x'],
    ['empty parameter value', 'sip:a@example.com;x='],
    ['header without "="', 'sip:a@example.com?subject'],
    ['broken escape', 'sip:a%4@example.com'],
    ['escape with non-hex digit', 'sip:a%4g@example.com'],
    ['label starting with "-"', 'sip:a@-example.com'],
    ['toplabel starting with a digit', 'sip:a@example.1com'],
    ['IPv4 part above 255', 'sip:a@192.0.2.256'],
    ['empty label', 'sip:a@example..com'],
    ['"@" in host part', 'sip:a@b@example.com'],
    ['angle bracket', 'sip:a@example.com>'],
  ])('rejects a URI with %s', (_why, text) => {
    expect(parseUri(text)).toBeUndefined();
  });
});

describe('parseUri: tel (RFC 3966)', () => {
  it('reads a global number with parameters', () => {
    const uri = parseUri('tel:+1-201-555-0123;ext=1234');
    expect(uri).toMatchObject({ scheme: 'tel', user: '+1-201-555-0123', host: '', port: undefined });
    expect(uri?.params.get('ext')).toBe('1234');
  });

  it('reads a local number with its phone-context', () => {
    const uri = parseUri('tel:7042;phone-context=example.com');
    expect(uri?.user).toBe('7042');
    expect(uri?.params.get('phone-context')).toBe('example.com');
  });

  it.each([
    ['a local number without phone-context', 'tel:7042'],
    ['no digits', 'tel:+'],
    ['letters in a global number', 'tel:+1-abc'],
    ['an empty parameter value', 'tel:+12;ext='],
  ])('rejects %s', (_why, text) => {
    expect(parseUri(text)).toBeUndefined();
  });
});

describe('formatUri', () => {
  it.each([
    'sip:alice:secretword@atlanta.example.com:5061;transport=tcp;lr?subject=project%20x&priority=urgent',
    'sips:[2001:db8::10]:5070',
    'sip:%61lice@atlanta.example.com',
    'tel:+1-201-555-0123;ext=1234',
    'sip:example.com',
  ])('writes back what it read: %s', (text) => {
    expect(formatUri(parseUri(text)!)).toBe(text);
  });

  it('writes edited parts', () => {
    const uri = parseUri('sip:alice@atlanta.example.com;transport=udp')!;
    expect(formatUri({ ...uri, user: 'bob', port: 5070 })).toBe(
      'sip:bob@atlanta.example.com:5070;transport=udp',
    );
    expect(formatUri({ ...uri, params: new Map([['lr', '']]) })).toBe('sip:alice@atlanta.example.com;lr');
  });
});

describe('isAbsoluteUri', () => {
  it('accepts any scheme followed by non-space characters', () => {
    expect(isAbsoluteUri('urn:service:sos')).toBe(true);
    expect(isAbsoluteUri('http://example.com/a?b=c')).toBe(true);
    expect(isAbsoluteUri('sip:bob@example.com')).toBe(true);
  });

  it.each(['', ':x', 'sip:', '1sip:x', 'sip:a b', 'sip:<a>', 'sip:a"b', 'sip', 'si p:x', 'sip:a\tb'])(
    'rejects %j',
    (text) => {
      expect(isAbsoluteUri(text)).toBe(false);
    },
  );
});
