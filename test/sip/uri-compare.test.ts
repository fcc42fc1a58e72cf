import { describe, expect, it } from 'vitest';
import { parseUri } from '../../src/sip/uri.ts';
import { normalizeEscapes, uriEquals } from '../../src/sip/uri-compare.ts';

// The examples of RFC 3261 19.1.4, plus cases for each rule.
describe('uriEquals (RFC 3261 19.1.4)', () => {
  it.each([
    ['sip:%61lice@atlanta.com;transport=TCP', 'sip:alice@AtLanTa.CoM;Transport=tcp'],
    ['sip:carol@chicago.com', 'sip:carol@chicago.com;newparam=5'],
    ['sip:carol@chicago.com', 'sip:carol@chicago.com;security=on'],
    ['sip:carol@chicago.com;newparam=5', 'sip:carol@chicago.com;security=on'],
    [
      'sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com',
      'sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com',
    ],
    [
      'sip:alice@atlanta.com?subject=project%20x&priority=urgent',
      'sip:alice@atlanta.com?priority=urgent&subject=project%20x',
    ],
    ['sip:alice@[2001:db8::1]', 'sip:alice@[2001:DB8:0:0::1]'],
    ['sip:alice@atlanta.com;lr', 'sip:alice@atlanta.com;LR'],
    ['sip:a%3bb@atlanta.com', 'sip:a%3Bb@atlanta.com'],
  ])('%s equals %s', (a, b) => {
    expect(uriEquals(a, b)).toBe(true);
    expect(uriEquals(b, a)).toBe(true);
  });

  it.each([
    [
      'SIP:ALICE@AtLanTa.CoM;Transport=udp',
      'sip:alice@AtLanTa.CoM;Transport=UDP',
      'user parts differ in case',
    ],
    ['sip:bob@biloxi.com', 'sip:bob@biloxi.com:5060', 'only one has a port'],
    ['sip:bob@biloxi.com', 'sip:bob@biloxi.com;transport=udp', 'only one has transport'],
    ['sip:bob@biloxi.com', 'sip:bob@biloxi.com:6000;transport=tcp', 'port and transport'],
    ['sip:carol@chicago.com', 'sip:carol@chicago.com?Subject=next%20meeting', 'only one has a header'],
    ['sip:bob@phone21.boxesbybob.com', 'sip:bob@192.0.2.4', 'a name and an address'],
    ['sip:alice@atlanta.com', 'sips:alice@atlanta.com', 'schemes differ'],
    ['sip:alice@atlanta.com;user=phone', 'sip:alice@atlanta.com', 'only one has user'],
    ['sip:alice@atlanta.com;ttl=1', 'sip:alice@atlanta.com', 'only one has ttl'],
    ['sip:alice@atlanta.com;method=INVITE', 'sip:alice@atlanta.com', 'only one has method'],
    ['sip:alice@atlanta.com;maddr=239.255.255.1', 'sip:alice@atlanta.com', 'only one has maddr'],
    [
      'sip:alice@atlanta.com;method=INVITE',
      'sip:alice@atlanta.com;method=invite',
      'methods are case-sensitive',
    ],
    ['sip:alice@atlanta.com;x=1', 'sip:alice@atlanta.com;x=2', 'a shared parameter differs'],
    ['sip:alice:a@atlanta.com', 'sip:alice@atlanta.com', 'only one has a password'],
    ['sip:a%3bb@atlanta.com', 'sip:a;b@atlanta.com', 'an escaped reserved character is not the character'],
    ['sip:alice@atlanta.com?x=1', 'sip:alice@atlanta.com?x=2', 'header values differ'],
    ['sip:alice@atlanta.com', 'not a uri', 'one does not parse'],
  ])('%s differs from %s (%s)', (a, b) => {
    expect(uriEquals(a, b)).toBe(false);
    expect(uriEquals(b, a)).toBe(false);
  });

  it('accepts parsed URIs as well as text', () => {
    expect(uriEquals(parseUri('sip:a@b.example')!, 'sip:a@B.EXAMPLE')).toBe(true);
  });
});

describe('uriEquals for tel (RFC 3966 4)', () => {
  it('ignores visual separators and parameter order', () => {
    expect(uriEquals('tel:+1-201-555-0123;ext=12;isub=9', 'tel:+1.201.555.0123;isub=9;ext=12')).toBe(true);
    expect(uriEquals('tel:7042;phone-context=EXAMPLE.com', 'tel:7042;phone-context=example.com')).toBe(true);
  });

  it('needs the same numbers and the same parameters', () => {
    expect(uriEquals('tel:+1-201-555-0123', 'tel:+1-201-555-0124')).toBe(false);
    expect(uriEquals('tel:+1-201-555-0123;ext=1', 'tel:+1-201-555-0123')).toBe(false);
    expect(uriEquals('tel:+1-201-555-0123;ext=1', 'tel:+1-201-555-0123;ext=2')).toBe(false);
  });
});

describe('normalizeEscapes', () => {
  it('decodes unreserved characters and upper-cases the escapes of reserved ones', () => {
    expect(normalizeEscapes('%61lice%3b%2f')).toBe('alice%3B%2F');
    expect(normalizeEscapes('%25%20')).toBe('%25 ');
    expect(normalizeEscapes('plain')).toBe('plain');
  });
});
