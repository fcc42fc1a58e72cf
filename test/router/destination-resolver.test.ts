// Resolution of relay destinations' host names: cached for a bounded time and number of names, one query
// for concurrent lookups, a timeout; on the message path a name is resolved once per branch and checked
// again as an address (own sockets), and numeric-looking names never reach the resolver.
import { describe, expect, it } from 'vitest';
import { err, ok } from '../../src/result.ts';
import { DestinationResolver } from '../../src/router/destination-resolver.ts';
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

describe('DestinationResolver', () => {
  const limits = { cacheTtlMs: 1000, cacheEntries: 2, timeoutMs: 500 };

  it('answers from its cache until the TTL, then asks again', async () => {
    const clock = new VirtualClock();
    const dns = fakeDns({ 'a.example': '192.0.2.1' });
    const resolver = new DestinationResolver(dns.resolve, limits, clock);
    expect(await resolver.resolve('a.example', [4])).toEqual(ok('192.0.2.1'));
    dns.answers['a.example'] = '192.0.2.2';
    expect(await resolver.resolve('A.example', [4])).toEqual(ok('192.0.2.1'));
    clock.advance(1000);
    expect(await resolver.resolve('a.example', [4])).toEqual(ok('192.0.2.2'));
    expect(dns.queries).toEqual(['a.example', 'a.example']);
  });

  it('keeps at most cacheEntries names, dropping the oldest; caches "no such name" too', async () => {
    const clock = new VirtualClock();
    const dns = fakeDns({ 'a.example': '192.0.2.1', 'b.example': '192.0.2.2' });
    const resolver = new DestinationResolver(dns.resolve, limits, clock);
    await resolver.resolve('a.example', [4]);
    await resolver.resolve('b.example', [4]);
    expect((await resolver.resolve('nx.example', [4])).ok).toBe(false);
    expect(resolver.size).toBe(2);
    await resolver.resolve('nx.example', [4]);
    await resolver.resolve('b.example', [4]);
    await resolver.resolve('a.example', [4]);
    expect(dns.queries).toEqual(['a.example', 'b.example', 'nx.example', 'a.example']);
  });

  it('shares one query between concurrent lookups of a name', async () => {
    const dns = fakeDns({ 'a.example': '192.0.2.1' });
    const resolver = new DestinationResolver(dns.resolve, limits, new VirtualClock());
    const answers = await Promise.all([
      resolver.resolve('a.example', [4]),
      resolver.resolve('a.example', [4]),
    ]);
    expect(answers).toEqual([ok('192.0.2.1'), ok('192.0.2.1')]);
    expect(dns.queries).toEqual(['a.example']);
  });

  it('fails a lookup that takes longer than the timeout, and does not cache the failure', async () => {
    const clock = new VirtualClock();
    const dns = fakeDns({});
    const resolver = new DestinationResolver(dns.resolve, limits, clock);
    const answer = resolver.resolve('hang.example', [4]);
    clock.advance(500);
    expect(await answer).toEqual(
      err({ systemCode: 'ETIMEOUT', message: "cannot resolve 'hang.example': no answer in 500 ms" }),
    );
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
});
