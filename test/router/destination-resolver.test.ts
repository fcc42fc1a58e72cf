// Resolution of relay destinations' host names (RFC 3263): NAPTR, SRV and A/AAAA in their order, SRV
// priority and weight, a cache honouring TTLs (negative answers too), one bound on a whole lookup; on the
// message path a name is resolved once per branch and checked again as an address (own sockets), and
// numeric-looking names never reach the resolver.
import type { Answer, RecordType } from 'dns-packet';
import { describe, expect, it } from 'vitest';
import type { DnsQuery } from '../../src/dns/dns-client.ts';
import { orderSrv } from '../../src/dns/rfc3263.ts';
import { err, ok } from '../../src/result.ts';
import { DestinationAllowList } from '../../src/router/destination-allow-list.ts';
import { DestinationResolver, type ResolverLimits } from '../../src/router/destination-resolver.ts';
import type { SipRequest } from '../../src/sip/index.ts';
import { forcedHop, nextHop } from '../../src/tm/index.ts';
import type { Resolve } from '../../src/transport/index.ts';
import { VirtualClock } from '../tm/virtual-clock.ts';
import { exampleRoutes, jsScript, proxyHarness, uacRequest } from './proxy-harness.ts';

/** A resolver answering from `answers` (host -> address), counting queries; `hang` never answers. */
function fakeDns(answers: Record<string, string>) {
  const queries: string[] = [];
  const resolve: Resolve = (host) => {
    queries.push(host);
    if (host === 'hang.example') return new Promise(() => {});
    const address = answers[host];
    return Promise.resolve(
      address === undefined
        ? err({ systemCode: 'ENOTFOUND', message: `cannot resolve '${host}': ENOTFOUND` })
        : ok(address),
    );
  };
  return { queries, resolve, answers };
}

/** A DNS zone answering queries from its records (name -> records), logging "TYPE name"; `hang.` names never answer. */
function zone(records: Record<string, Answer[]>, soaMinimum?: number) {
  const queries: string[] = [];
  const query: DnsQuery = (name, type: RecordType) => {
    queries.push(`${type} ${name}`);
    if (name.startsWith('hang.')) return new Promise(() => {});
    if (name.startsWith('servfail.'))
      return Promise.resolve(ok({ rcode: 'SERVFAIL', answers: [], authorities: [] }));
    const all = records[name];
    const soa: Answer[] =
      soaMinimum === undefined
        ? []
        : [
            {
              type: 'SOA',
              name: 'example',
              ttl: 3600,
              data: { mname: 'ns', rname: 'h', minimum: soaMinimum },
            },
          ];
    if (all === undefined) return Promise.resolve(ok({ rcode: 'NXDOMAIN', answers: [], authorities: soa }));
    return Promise.resolve(
      ok({ rcode: 'NOERROR', answers: all.filter((r) => r.type === type), authorities: soa }),
    );
  };
  return { queries, query, records };
}

const a = (name: string, address: string, ttl = 300): Answer => ({ type: 'A', name, ttl, data: address });
const srv = (name: string, target: string, port: number, priority = 10, weight = 0, ttl = 300): Answer => ({
  type: 'SRV',
  name,
  ttl,
  data: { target, port, priority, weight },
});
const naptr = (
  name: string,
  order: number,
  preference: number,
  services: string,
  replacement: string,
): Answer => ({
  type: 'NAPTR',
  name,
  ttl: 300,
  data: { order, preference, flags: 's', services, regexp: '', replacement },
});

/** mulberry32: a seeded generator of [0, 1), so SRV weighting is testable. */
function seeded(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r ^= r + Math.imul(r ^ (r >>> 7), 61 | r);
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

const LIMITS: ResolverLimits = {
  cacheTtlMs: 3_600_000,
  cacheEntries: 100,
  negativeTtlMs: 30_000,
  timeoutMs: 500,
  queryTimeoutMs: 100,
  maxTargets: 16,
};
const BOTH = ['udp', 'tcp'] as const;
const where = (targets: { proto: string; address: string; port: number }[]) =>
  targets.map((t) => `${t.proto}:${t.address}:${t.port}`);

describe('RFC 3263 target selection', () => {
  const records = {
    'example.com': [
      naptr('example.com', 20, 10, 'SIP+D2U', '_sip._udp.example.com'),
      naptr('example.com', 10, 10, 'SIP+D2T', '_sip._tcp.example.com'),
      naptr('example.com', 5, 10, 'SIPS+D2T', '_sips._tcp.example.com'),
    ],
    '_sip._tcp.example.com': [
      srv('_sip._tcp.example.com', 'b.example.com', 5070, 20),
      srv('_sip._tcp.example.com', 'a.example.com', 5060, 10),
    ],
    '_sip._udp.example.com': [srv('_sip._udp.example.com', 'a.example.com', 5080)],
    'a.example.com': [a('a.example.com', '192.0.2.1')],
    'b.example.com': [a('b.example.com', '192.0.2.2')],
    'plain.example': [a('plain.example', '192.0.2.9')],
    '_sip._tcp.tcponly.example': [srv('_sip._tcp.tcponly.example', 'a.example.com', 5090)],
    '_sip._udp.gone.example': [srv('_sip._udp.gone.example', '.', 0)],
  };

  it('no port, no transport: NAPTR by order (services we do not speak skipped), then SRV by priority, then A', async () => {
    const dns = zone(records);
    const resolver = new DestinationResolver({ query: dns.query }, LIMITS, new VirtualClock(), seeded(1));
    const found = await resolver.resolve({ host: 'example.com' }, [4], BOTH);
    expect(found.ok && where(found.value)).toEqual([
      'tcp:192.0.2.1:5060',
      'tcp:192.0.2.2:5070',
      'udp:192.0.2.1:5080',
    ]);
    expect(dns.queries.slice(0, 3)).toEqual([
      'NAPTR example.com',
      'SRV _sip._tcp.example.com',
      'A a.example.com',
    ]);
  });

  it('a port given: A/AAAA only, over the given (or default UDP) transport', async () => {
    const dns = zone(records);
    const resolver = new DestinationResolver({ query: dns.query }, LIMITS, new VirtualClock());
    const found = await resolver.resolve({ host: 'example.com', port: 5062 }, [4], BOTH);
    expect(found).toEqual(err("cannot resolve 'example.com': 'example.com' has no IPv4 address"));
    const plain = await resolver.resolve({ host: 'plain.example', port: 5062, proto: 'tcp' }, [4], BOTH);
    expect(plain.ok && where(plain.value)).toEqual(['tcp:192.0.2.9:5062']);
    expect(dns.queries).toEqual(['A example.com', 'A plain.example']);
  });

  it('a transport given without a port: its SRV records, else A/AAAA on 5060', async () => {
    const dns = zone(records);
    const resolver = new DestinationResolver({ query: dns.query }, LIMITS, new VirtualClock());
    const viaSrv = await resolver.resolve({ host: 'tcponly.example', proto: 'tcp' }, [4], BOTH);
    expect(viaSrv.ok && where(viaSrv.value)).toEqual(['tcp:192.0.2.1:5090']);
    const noSrv = await resolver.resolve({ host: 'plain.example', proto: 'tcp' }, [4], BOTH);
    expect(noSrv.ok && where(noSrv.value)).toEqual(['tcp:192.0.2.9:5060']);
    expect(dns.queries).toEqual([
      'SRV _sip._tcp.tcponly.example',
      'A a.example.com',
      'SRV _sip._tcp.plain.example',
      'A plain.example',
    ]);
  });

  it('no NAPTR: SRV for each transport in turn, the first with records; none: A on 5060 over UDP', async () => {
    const dns = zone(records);
    const resolver = new DestinationResolver({ query: dns.query }, LIMITS, new VirtualClock());
    const tcp = await resolver.resolve({ host: 'tcponly.example' }, [4], BOTH);
    expect(tcp.ok && where(tcp.value)).toEqual(['tcp:192.0.2.1:5090']);
    const plain = await resolver.resolve({ host: 'plain.example' }, [4], BOTH);
    expect(plain.ok && where(plain.value)).toEqual(['udp:192.0.2.9:5060']);
    expect(dns.queries).toContain('SRV _sip._udp.tcponly.example');
  });

  it('an SRV target "." means no service there: no target, not a fallback to A', async () => {
    const dns = zone(records);
    const resolver = new DestinationResolver({ query: dns.query }, LIMITS, new VirtualClock());
    const found = await resolver.resolve({ host: 'gone.example', proto: 'udp' }, [4], BOTH);
    expect(found.ok).toBe(false);
    expect(dns.queries).toEqual(['SRV _sip._udp.gone.example']);
  });

  it('keeps at most maxTargets targets', async () => {
    const many = Array.from({ length: 5 }, (_, i) => a('many.example', `192.0.2.${i + 1}`));
    const dns = zone({ 'many.example': many });
    const resolver = new DestinationResolver(
      { query: dns.query },
      { ...LIMITS, maxTargets: 3 },
      new VirtualClock(),
    );
    const found = await resolver.resolve({ host: 'many.example', port: 5060 }, [4], BOTH);
    expect(found.ok && found.value.length).toBe(3);
  });
});

describe('SRV priority and weight (RFC 2782)', () => {
  const rec = (target: string, priority: number, weight: number) => ({
    target,
    port: 5060,
    priority,
    weight,
  });

  it('lower priority always first, whatever the weights', () => {
    const random = seeded(7);
    for (let i = 0; i < 50; i++) {
      const order = orderSrv([rec('late', 20, 1000), rec('early', 10, 0)], random).map((r) => r.target);
      expect(order).toEqual(['early', 'late']);
    }
  });

  it('within a priority, a record comes first in proportion to its weight (seeded draws)', () => {
    const random = seeded(42);
    const first: Record<string, number> = { heavy: 0, light: 0, zero: 0 };
    const runs = 4000;
    for (let i = 0; i < runs; i++) {
      const order = orderSrv([rec('light', 10, 20), rec('heavy', 10, 80), rec('zero', 10, 0)], random);
      first[order[0].target]++;
      expect(order).toHaveLength(3);
    }
    // Expected shares of the first place: heavy 80/101, light 20/101, zero 1/101 (the draw may be 0).
    expect(first.heavy / runs).toBeGreaterThan(0.74);
    expect(first.heavy / runs).toBeLessThan(0.84);
    expect(first.light / runs).toBeGreaterThan(0.16);
    expect(first.light / runs).toBeLessThan(0.24);
    expect(first.zero / runs).toBeLessThan(0.03);
  });

  it('the same seed gives the same order', () => {
    const records = [rec('a', 10, 10), rec('b', 10, 10), rec('c', 10, 10), rec('d', 10, 10)];
    const one = orderSrv(records, seeded(3)).map((r) => r.target);
    const two = orderSrv(records, seeded(3)).map((r) => r.target);
    expect(one).toEqual(two);
    expect([...one].sort()).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('DNS cache', () => {
  it('answers from its cache until the record TTL, then asks again', async () => {
    const clock = new VirtualClock();
    const dns = zone({ 'a.example': [a('a.example', '192.0.2.1', 2)] });
    const resolver = new DestinationResolver({ query: dns.query }, LIMITS, clock);
    const ask = async () => {
      const found = await resolver.resolve({ host: 'a.example', port: 5060 }, [4], BOTH);
      return found.ok ? where(found.value) : found.error;
    };
    expect(await ask()).toEqual(['udp:192.0.2.1:5060']);
    dns.records['a.example'] = [a('a.example', '192.0.2.2', 2)];
    clock.advance(1999);
    expect(await ask()).toEqual(['udp:192.0.2.1:5060']);
    clock.advance(1);
    expect(await ask()).toEqual(['udp:192.0.2.2:5060']);
    expect(dns.queries).toEqual(['A a.example', 'A a.example']);
  });

  it('caps a long TTL at cacheTtlMs', async () => {
    const clock = new VirtualClock();
    const dns = zone({ 'a.example': [a('a.example', '192.0.2.1', 86_400)] });
    const resolver = new DestinationResolver({ query: dns.query }, { ...LIMITS, cacheTtlMs: 10_000 }, clock);
    await resolver.resolve({ host: 'a.example', port: 5060 }, [4], BOTH);
    clock.advance(10_000);
    await resolver.resolve({ host: 'a.example', port: 5060 }, [4], BOTH);
    expect(dns.queries).toEqual(['A a.example', 'A a.example']);
  });

  it('keeps "no such name" for the SOA minimum (RFC 2308), at most negativeTtlMs; a SERVFAIL not at all', async () => {
    const clock = new VirtualClock();
    const dns = zone({}, 5);
    const resolver = new DestinationResolver({ query: dns.query }, LIMITS, clock);
    const nx = () => resolver.resolve({ host: 'nx.example', port: 5060 }, [4], BOTH);
    expect((await nx()).ok).toBe(false);
    clock.advance(4999);
    await nx();
    expect(dns.queries).toEqual(['A nx.example']);
    clock.advance(1);
    await nx();
    expect(dns.queries).toEqual(['A nx.example', 'A nx.example']);
    const sf = () => resolver.resolve({ host: 'servfail.example', port: 5060 }, [4], BOTH);
    expect(await sf()).toEqual(
      err("cannot resolve 'servfail.example': A servfail.example: the resolver answered SERVFAIL"),
    );
    await sf();
    expect(dns.queries.filter((q) => q.includes('servfail'))).toHaveLength(2);
  });

  it('keeps at most cacheEntries answers, dropping the oldest', async () => {
    const dns = zone({
      'a.example': [a('a.example', '192.0.2.1')],
      'b.example': [a('b.example', '192.0.2.2')],
    });
    const resolver = new DestinationResolver(
      { query: dns.query },
      { ...LIMITS, cacheEntries: 1 },
      new VirtualClock(),
    );
    await resolver.resolve({ host: 'a.example', port: 5060 }, [4], BOTH);
    await resolver.resolve({ host: 'b.example', port: 5060 }, [4], BOTH);
    await resolver.resolve({ host: 'a.example', port: 5060 }, [4], BOTH);
    expect(resolver.size).toBe(1);
    expect(dns.queries).toEqual(['A a.example', 'A b.example', 'A a.example']);
  });

  it('shares one query between concurrent lookups of a name', async () => {
    const dns = fakeDns({ 'a.example': '192.0.2.1' });
    const resolver = new DestinationResolver({ resolve: dns.resolve }, LIMITS, new VirtualClock());
    const answers = await Promise.all([
      resolver.resolve({ host: 'a.example', port: 5060 }, [4], BOTH),
      resolver.resolve({ host: 'a.example', port: 5060 }, [4], BOTH),
    ]);
    expect(answers.map((x) => x.ok && x.value[0].address)).toEqual(['192.0.2.1', '192.0.2.1']);
    expect(dns.queries).toEqual(['a.example']);
  });

  it('fails a lookup that takes longer than the timeout, and does not cache the failure', async () => {
    const clock = new VirtualClock();
    const dns = zone({});
    const resolver = new DestinationResolver({ query: dns.query }, LIMITS, clock);
    const answer = resolver.resolve({ host: 'hang.example' }, [4], BOTH);
    clock.advance(500);
    expect(await answer).toEqual(err("cannot resolve 'hang.example': no answer in 500 ms"));
    expect(resolver.size).toBe(0);
  });
});

describe('numeric-looking host names as next hops', () => {
  for (const host of ['127.1', '2130706433', '0x7f.1', '0177.0.0.1']) {
    it(`refuses ${host} before any lookup: not a SIP host name in a URI, -478 given to t-relay-to-proto-addr`, () => {
      const inUri = nextHop(`sip:bob@${host}:5060`);
      expect(inUri.ok).toBe(false);
      const forced = forcedHop('udp', host, 5060);
      expect(forced.ok ? 'accepted' : forced.error.code).toBe(-478);
    });
  }
  it('takes IP literals and real names as they are', () => {
    expect(forcedHop('udp', '127.0.0.1', 5060).ok).toBe(true);
    expect(forcedHop('udp', '[::1]', 5060).ok).toBe(true);
    expect(forcedHop('udp', 'sip1.example', 5060).ok).toBe(true);
  });
});

describe('host names on the message path', () => {
  const CALLEE = '192.0.2.20';
  const relayTo = (uri: string) =>
    exampleRoutes({
      request: (_ctx, ksr) => {
        ksr('core', 'setdsturi', uri);
        ksr('tm', 't-relay');
      },
    });

  it('resolves a name once per branch: every retransmission goes to the first answer', async () => {
    const dns = fakeDns({ 'callee.example': CALLEE });
    const h = proxyHarness({ script: jsScript(relayTo('sip:callee.example')), resolve: dns.resolve });
    h.receive(uacRequest('INVITE'));
    await h.settle();
    dns.answers['callee.example'] = '192.0.2.66';
    h.clock.advance(500); // timer A: the INVITE again
    await h.settle();
    h.clock.advance(1000);
    await h.settle();
    const sent = h.sentTo(CALLEE).filter((s) => 'method' in s.message);
    expect(sent.map((s) => (s.message as SipRequest).method)).toEqual(['INVITE', 'INVITE', 'INVITE']);
    expect(h.sentTo('192.0.2.66')).toEqual([]);
    expect(dns.queries).toEqual(['callee.example']);
  });

  it("refuses a name that resolves to one of the server's own sockets: 503 upstream, counted", async () => {
    const dns = fakeDns({ 'me.example': '127.0.0.1' });
    const h = proxyHarness({ script: jsScript(relayTo('sip:me.example:5060')), resolve: dns.resolve });
    h.receive(uacRequest('OPTIONS'));
    await h.settle();
    await h.settle();
    expect(h.lines('127.0.0.1')).toEqual([]);
    expect(h.lines('192.0.2.1')).toEqual(['SIP/2.0 503 Service Unavailable']);
    expect(h.core.counters.selfRelaysRefused).toEqual({ default: 1 });
  });

  it('checks every resolved address against relay_allow: a listed name pointing at a private address is refused', async () => {
    const allow = DestinationAllowList.parse({ hosts: ['*.tenant.example'], cidrs: ['192.0.2.0/24'] });
    if (!allow.ok) throw new Error(allow.error);
    const dns = fakeDns({ 'sip.tenant.example': '10.0.0.5' });
    const h = proxyHarness({
      script: jsScript(relayTo('sip:sip.tenant.example:5060')),
      resolve: dns.resolve,
      authorizeDestination: (_script, hop) => allow.value.check(hop),
    });
    h.receive(uacRequest('OPTIONS'));
    await h.settle();
    await h.settle();
    expect(h.sentTo('10.0.0.5')).toEqual([]);
    expect(h.lines('192.0.2.1')).toEqual(['SIP/2.0 503 Service Unavailable']);
    expect(h.core.counters.destinationsRefused).toEqual({ default: 1 });
    expect(h.core.tm.counters.unresolved).toBe(1);
  });

  it('a CANCEL while the name is being resolved ends the branch 487: nothing is sent afterwards', async () => {
    const dns = fakeDns({});
    const h = proxyHarness({ script: jsScript(relayTo('sip:hang.example')), resolve: dns.resolve });
    h.receive(uacRequest('INVITE'));
    await h.settle();
    h.receive(uacRequest('CANCEL'));
    await h.settle();
    await h.settle();
    expect(h.lines('192.0.2.1')).toEqual([
      'SIP/2.0 100 Trying',
      'SIP/2.0 200 OK',
      'SIP/2.0 487 Request Terminated',
    ]);
    h.clock.advance(10_000); // the lookup's bound passes: the branch is over already
    await h.settle();
    expect(h.transport.sent.filter((s) => s.target.address !== '192.0.2.1')).toEqual([]);
  });
});
