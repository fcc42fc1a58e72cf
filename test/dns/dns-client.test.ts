// The stub resolver's questions against a real responder on loopback (fixtures/dns-server.ts): an answer
// over UDP with its TTL, a truncated answer asked again over TCP, NXDOMAIN with the SOA for negative
// caching, the next server asked when the first never answers, /etc/hosts names answered before DNS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aRecord, type DnsResponder, srvRecord, startDnsResponder } from '../../fixtures/dns-server.ts';
import { dnsQuery } from '../../src/dns/dns-client.ts';
import { parseHosts, withHostsFile } from '../../src/dns/hosts-file.ts';
import { parseDnsServer, systemDnsServers } from '../../src/dns/resolv-conf.ts';
import { ok } from '../../src/result.ts';

let live: DnsResponder;
let dead: DnsResponder;

beforeAll(async () => {
  live = await startDnsResponder(7);
  dead = await startDnsResponder();
  dead.muted = true;
  live.zone.set('a.test', [aRecord('a.test', '192.0.2.1', 42)]);
  live.zone.set('_sip._udp.big.test', [srvRecord('_sip._udp.big.test', 'a.test', 5060, 10, 60)]);
  live.truncated.add('_sip._udp.big.test');
});

afterAll(async () => {
  await live?.close();
  await dead?.close();
});

const server = (r: DnsResponder) => ({ address: '127.0.0.1', port: r.port });

describe('dnsQuery', () => {
  it('asks over UDP and gives the records with their TTL', async () => {
    const found = await dnsQuery([server(live)], 2000)('a.test', 'A');
    expect(found).toMatchObject(
      ok({ rcode: 'NOERROR', answers: [{ type: 'A', ttl: 42, data: '192.0.2.1' }] }),
    );
  });

  it('asks again over TCP when the UDP answer is truncated', async () => {
    const found = await dnsQuery([server(live)], 2000)('_sip._udp.big.test', 'SRV');
    expect(found).toMatchObject(
      ok({ answers: [{ type: 'SRV', data: { target: 'a.test', port: 5060, priority: 10 } }] }),
    );
    expect(live.questions.filter((q) => q.includes('big.test'))).toEqual([
      'SRV _sip._udp.big.test',
      'TCP SRV _sip._udp.big.test',
    ]);
  });

  it('gives NXDOMAIN with the SOA (for the negative TTL)', async () => {
    const found = await dnsQuery([server(live)], 2000)('nx.test', 'A');
    expect(found).toMatchObject(ok({ rcode: 'NXDOMAIN', answers: [], authorities: [{ type: 'SOA' }] }));
  });

  it('asks the next server when one never answers, and says so when none does', async () => {
    const found = await dnsQuery([server(dead), server(live)], 300)('a.test', 'A');
    expect(found).toMatchObject(ok({ answers: [{ data: '192.0.2.1' }] }));
    expect(dead.questions).toContain('A a.test');
    const none = await dnsQuery([server(dead)], 300)('a.test', 'A');
    expect(none).toEqual({ ok: false, error: `A a.test: 127.0.0.1:${dead.port} no answer in 300 ms` });
  });

  it('answers names of the hosts file before DNS, and passes the others on', async () => {
    const hosts = parseHosts('127.0.0.1 localhost # loopback\n::1 localhost ip6-localhost\nbad line\n');
    const query = withHostsFile(dnsQuery([server(live)], 2000), hosts, 60);
    expect(await query('LOCALHOST', 'A')).toMatchObject(ok({ answers: [{ data: '127.0.0.1' }] }));
    expect(await query('localhost', 'AAAA')).toMatchObject(ok({ answers: [{ data: '::1' }] }));
    expect(await query('a.test', 'A')).toMatchObject(ok({ answers: [{ data: '192.0.2.1' }] }));
  });
});

describe('DNS server settings', () => {
  it('reads address and address:port, IPv6 in brackets', () => {
    expect(parseDnsServer('192.0.2.53')).toEqual(ok({ address: '192.0.2.53', port: 53 }));
    expect(parseDnsServer('192.0.2.53:5353')).toEqual(ok({ address: '192.0.2.53', port: 5353 }));
    expect(parseDnsServer('[2001:db8::53]:53')).toEqual(ok({ address: '2001:db8::53', port: 53 }));
    expect(parseDnsServer('2001:db8::53')).toEqual(ok({ address: '2001:db8::53', port: 53 }));
    expect(parseDnsServer('ns.example:53').ok).toBe(false);
    expect(parseDnsServer('192.0.2.53:0').ok).toBe(false);
  });

  it("takes the system's nameservers from resolv.conf, 127.0.0.1 without any", () => {
    expect(systemDnsServers('/nonexistent/resolv.conf')).toEqual([{ address: '127.0.0.1', port: 53 }]);
  });
});
