import { describe, expect, it } from 'vitest';
import { ipAddressKey, ipv6Groups, isIPv4, isIPv6, isMulticastAddress } from '../../src/sip/ip-address.ts';

describe('isIPv4', () => {
  it.each(['192.0.2.1', '0.0.0.0', '255.255.255.255', '01.2.3.4'])('accepts %s', (text) => {
    expect(isIPv4(text)).toBe(true);
  });

  it.each(['192.0.2', '192.0.2.1.5', '256.0.0.1', '1..2.3', '1.2.3.4.', 'a.b.c.d', '1234.1.1.1', ''])(
    'rejects %j',
    (text) => {
      expect(isIPv4(text)).toBe(false);
    },
  );
});

describe('isIPv6 (RFC 4291 2.2)', () => {
  it.each([
    '::',
    '::1',
    '2001:db8::1',
    '2001:DB8:0:0:8:800:200C:417A',
    'fe80::1:2',
    '::ffff:192.0.2.1',
    '1::',
    '1:2:3:4:5:6:7::',
  ])('accepts %s', (text) => {
    expect(isIPv6(text)).toBe(true);
  });

  it.each([
    ':',
    ':1',
    '1:',
    '1:::2',
    '1::2::3',
    '12345::1',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    'g::1',
    '::1.2.3',
    '::1.2.3.256',
    '',
  ])('rejects %j', (text) => {
    expect(isIPv6(text)).toBe(false);
  });

  it('expands to eight groups', () => {
    expect(ipv6Groups('2001:db8::1')).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
    expect(ipv6Groups('::ffff:192.0.2.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201]);
  });
});

describe('ipAddressKey', () => {
  it('gives equal keys for equal addresses', () => {
    expect(ipAddressKey('[2001:DB8::1]')).toBe(ipAddressKey('2001:db8:0:0:0:0:0:1'));
    expect(ipAddressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(ipAddressKey('fe80::1%eth0')).toBe(ipAddressKey('fe80::1'));
    expect(ipAddressKey('192.0.2.1')).toBe('192.0.2.1');
  });

  it('gives undefined for host names and broken brackets', () => {
    expect(ipAddressKey('example.com')).toBeUndefined();
    expect(ipAddressKey('[::1')).toBeUndefined();
  });
});

describe('isMulticastAddress', () => {
  it.each(['224.0.0.1', '239.255.255.255', 'ff02::1', '[FF0E::101]', '::ffff:239.1.2.3'])(
    'accepts %s',
    (a) => {
      expect(isMulticastAddress(a)).toBe(true);
    },
  );

  it.each(['223.255.255.255', '240.0.0.1', '127.0.0.1', 'fe80::1', 'f::1', '::1', 'example.com', ''])(
    'refuses %s',
    (a) => {
      expect(isMulticastAddress(a)).toBe(false);
    },
  );
});
