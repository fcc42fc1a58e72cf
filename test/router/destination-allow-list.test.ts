// A tenant's relay allow-list: addresses against CIDRs (v4, v6, v4-mapped), names against name patterns
// (never resolved), ports against ranges; each refusal says which part failed.
import { describe, expect, it } from 'vitest';
import { type AllowListSpec, DestinationAllowList } from '../../src/router/destination-allow-list.ts';

function list(spec: AllowListSpec): DestinationAllowList {
  const parsed = DestinationAllowList.parse(spec);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

const allowed = (l: DestinationAllowList, host: string, port = 5060) =>
  l.check({ proto: 'udp', host, port }).ok;

describe('the relay allow-list', () => {
  const carrier = list({
    hosts: ['sbc.carrier.example', '*.trunks.example', '192.0.2.200'],
    cidrs: ['198.51.100.0/24', '2001:db8:5::/48'],
    ports: [5060, '5080-5089'],
  });

  it('allows addresses inside its CIDRs (IPv4-mapped IPv6 too) and listed addresses', () => {
    expect(allowed(carrier, '198.51.100.7')).toBe(true);
    expect(allowed(carrier, '::ffff:198.51.100.7')).toBe(true);
    expect(allowed(carrier, '2001:db8:5:1::9', 5085)).toBe(true);
    expect(allowed(carrier, '192.0.2.200')).toBe(true);
    expect(allowed(carrier, '192.0.2.201')).toBe(false);
    expect(allowed(carrier, '2001:db8:6::1')).toBe(false);
  });

  it('refuses the metadata address, loopback and private networks it does not list', () => {
    for (const host of ['169.254.169.254', '127.0.0.1', '10.0.0.5', '::1', 'fe80::1']) {
      expect([host, allowed(carrier, host)]).toEqual([host, false]);
    }
  });

  it('checks names as names: exact, any subdomain of *.domain (not the domain itself), any case', () => {
    expect(allowed(carrier, 'SBC.Carrier.Example')).toBe(true);
    expect(allowed(carrier, 'sbc.carrier.example.')).toBe(true);
    expect(allowed(carrier, 'a.b.trunks.example')).toBe(true);
    expect(allowed(carrier, 'trunks.example')).toBe(false);
    expect(allowed(carrier, 'eviltrunks.example')).toBe(false);
    expect(allowed(carrier, 'metadata.google.internal')).toBe(false);
  });

  it('refuses ports outside its ranges, saying which part failed', () => {
    expect(allowed(carrier, '198.51.100.7', 5089)).toBe(true);
    expect(carrier.check({ proto: 'tcp', host: '198.51.100.7', port: 22 })).toEqual({
      ok: false,
      error: expect.stringMatching(/^port 22 is not in relay_allow: hosts \["sbc\.carrier\.example"/),
    });
    expect(carrier.check({ proto: 'udp', host: '10.0.0.5', port: 5060 })).toEqual({
      ok: false,
      error: expect.stringMatching(/^10\.0\.0\.5 is not in relay_allow: /),
    });
    expect(carrier.check({ proto: 'udp', host: 'evil.example', port: 5060 })).toEqual({
      ok: false,
      error: expect.stringMatching(/^host name evil\.example is not in relay_allow: /),
    });
  });

  it('any port without ports; any name with "*"; everything with 0.0.0.0/0 and ::/0', () => {
    const open = list({ hosts: ['*'], cidrs: ['0.0.0.0/0', '::/0'] });
    for (const host of ['203.0.113.9', '2001:db8::1', 'anything.example']) {
      expect(allowed(open, host, 1)).toBe(true);
    }
  });

  it('an empty list and a tenant without one allow nothing', () => {
    expect(allowed(list({}), '192.0.2.1')).toBe(false);
    expect(DestinationAllowList.nowhere().check({ proto: 'udp', host: 'a.example', port: 5060 })).toEqual({
      ok: false,
      error: 'host name a.example is not in relay_allow: none: the tenant has no relay_allow',
    });
  });

  it('checks an address with a zone id as the address', () => {
    expect(allowed(list({ cidrs: ['fe80::/10'] }), 'fe80::1%eth0')).toBe(true);
    expect(allowed(carrier, 'fe80::1%eth0')).toBe(false);
  });

  it('names the bad entry', () => {
    expect(DestinationAllowList.parse({ cidrs: ['10.0.0.0/8', 'ten/8'] })).toEqual({
      ok: false,
      error: "cidrs[1]: 'ten/8' is not an address or address/prefix",
    });
    expect(DestinationAllowList.parse({ cidrs: ['2001:db8::/129'] })).toEqual({
      ok: false,
      error: "cidrs[0]: '2001:db8::/129': the prefix length must be 0 to 128",
    });
    expect(DestinationAllowList.parse({ ports: [0] })).toEqual({
      ok: false,
      error: 'ports[0]: 0 is not a port (1-65535)',
    });
    expect(DestinationAllowList.parse({ hosts: ['a..b!'] })).toEqual({
      ok: false,
      error: "hosts[0]: 'a..b!' is not a host name, *.domain or *",
    });
  });

  it('checks IPv4 only against IPv4 entries: ::/0 admits no IPv4 address, mapped or carried', () => {
    const v6 = list({ cidrs: ['::/0'] });
    expect(allowed(v6, '2001:db8::1')).toBe(true);
    expect(allowed(v6, '::1')).toBe(true);
    for (const host of [
      '127.0.0.1',
      '169.254.169.254',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '[::ffff:169.254.169.254]',
      '::ffff:0:7f00:1',
      '64:ff9b::7f00:1',
      '::127.0.0.1',
    ]) {
      expect([host, allowed(v6, host)]).toEqual([host, false]);
    }
    expect(v6.check({ proto: 'udp', host: '64:ff9b::a9fe:a9fe', port: 5060 })).toEqual({
      ok: false,
      error: expect.stringMatching(/^64:ff9b::a9fe:a9fe \(IPv4 169\.254\.169\.254\) is not in relay_allow/),
    });
  });

  it('checks an IPv6 address carrying IPv4 as that IPv4 address, against the IPv4 entries', () => {
    const v4 = list({ cidrs: ['192.0.2.0/24'] });
    for (const host of ['::ffff:192.0.2.7', '64:ff9b::c000:207', '::ffff:0:c000:207', '::192.0.2.7']) {
      expect([host, allowed(v4, host)]).toEqual([host, true]);
    }
    expect(allowed(list({ cidrs: ['::ffff:192.0.2.0/120'] }), '192.0.2.7')).toBe(false);
  });

  it('warns at load about IPv6 entries covering the IPv4-carrying ranges, and only those', () => {
    expect(list({ cidrs: ['::/0'] }).warnings).toEqual([
      expect.stringMatching(
        /^::\/0 covers ::ffff:0:0\/96 \(IPv4-mapped\), ::ffff:0:0:0\/96 .*64:ff9b::\/96 \(NAT64\), ::\/96/,
      ),
    ]);
    expect(list({ cidrs: ['::ffff:10.0.0.0/104'] }).warnings).toEqual([
      expect.stringContaining('covers ::ffff:0:0/96 (IPv4-mapped)'),
    ]);
    expect(list({ cidrs: ['64:ff9b::/96'] }).warnings).toHaveLength(1);
    expect(list({ cidrs: ['2001:db8::/32', '0.0.0.0/0', 'fe80::/10'] }).warnings).toEqual([]);
  });

  it('refuses numeric-looking names, which the resolver would read as IPv4 addresses', () => {
    const any = list({ hosts: ['*'] });
    for (const host of ['127.1', '2130706433', '0x7f.1', '0177.0.0.1', '0x7f000001', '10.0.0.1.']) {
      expect([host, allowed(any, host)]).toEqual([host, false]);
    }
    expect(allowed(any, 'sip1.example')).toBe(true);
    expect(allowed(any, '1.example')).toBe(true);
    expect(DestinationAllowList.parse({ hosts: ['127.1'] })).toEqual({
      ok: false,
      error: "hosts[0]: '127.1' looks like a number: list addresses in cidrs",
    });
  });
});
