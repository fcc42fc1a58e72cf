// RFC 3263 next hops against a real `kemi-wasm serve` whose resolver is a DNS responder this test runs on
// loopback (fixtures/dns-server.ts): NAPTR -> SRV -> A, failover to a name's next target when the first is
// silent (timer F) or answers 503, a TTL that expires and changes the answer, a name whose DNS points
// outside relay_allow (refused: nothing reaches the address), and a resolver that never answers (a 503
// within the configured bound, logged). The caller is a raw UDP socket sending OPTIONS; the targets are
// SIPp UASs (and a silent socket) on ephemeral loopback ports. Every process is stopped by PID.
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aRecord,
  type DnsResponder,
  naptrRecord,
  srvRecord,
  startDnsResponder,
} from '../../fixtures/dns-server.ts';
import { freePort, scenario } from '../../fixtures/sipp.ts';
import { finished, startSippUas } from '../../fixtures/sipp-uas.ts';
import { expectAll, type ServerProcess } from './harness.ts';
import { closeSockets, finalTo, next, relayRoute, request, startGuestServer, udpSocket } from './raw-sip.ts';

const FR_TIMER = 2000;
const DNS_TIMEOUT = 1500;

let dns: DnsResponder;
let server: ServerProcess;
let proxyPort: number;
let caller: Socket & { port: number };

beforeAll(async () => {
  dns = await startDnsResponder();
  server = await startGuestServer(
    { name: 'acme', relay_allow: { hosts: ['*.dns.test'], cidrs: ['127.0.0.1/32'] } },
    relayRoute(),
    {
      listen: ['udp:127.0.0.1:0', 'tcp:127.0.0.1:0'],
      relay_dns: { servers: [`127.0.0.1:${dns.port}`], query_timeout_ms: 500, timeout_ms: DNS_TIMEOUT },
      tm: { fr_timer: FR_TIMER },
    },
  );
  proxyPort = server.ports.udp!;
  caller = await udpSocket();
}, 60_000);

afterAll(async () => {
  closeSockets();
  await dns?.close();
  if (server) expect(await server.stop()).toBe(0);
});

/** Sends an OPTIONS to `uri` through the proxy; the status line of its final response (or undefined). */
async function options(callId: string, uri: string, wait = 10_000): Promise<string | undefined> {
  const answer = next(caller, finalTo(callId), wait);
  caller.send(request(caller.port, { callId, uri }), proxyPort, '127.0.0.1');
  return (await answer)?.split('\r\n')[0];
}

/** A UDP socket that takes requests and never answers: a target that is down without saying so. */
async function silentTarget(): Promise<{ port: number; received: string[] }> {
  const socket = await udpSocket();
  const received: string[] = [];
  socket.on('message', (m: Buffer) => received.push(m.toString('latin1').split('\r\n')[0]));
  return { port: socket.port, received };
}

describe('RFC 3263 resolution and DNS failover', () => {
  it('NAPTR -> SRV: the first target is silent, the branch fails over to the second after its timeout', async () => {
    const silent = await silentTarget();
    const port = await freePort();
    const uas = await startSippUas(scenario('uas-options.xml'), { transport: 'udp', port, calls: 1 });
    dns.zone.set('timeout.dns.test', [
      naptrRecord('timeout.dns.test', 10, 'SIP+D2U', '_sip._udp.timeout.dns.test'),
    ]);
    dns.zone.set('_sip._udp.timeout.dns.test', [
      srvRecord('_sip._udp.timeout.dns.test', 'host.dns.test', silent.port, 10),
      srvRecord('_sip._udp.timeout.dns.test', 'host.dns.test', port, 20),
    ]);
    dns.zone.set('host.dns.test', [aRecord('host.dns.test', '127.0.0.1')]);
    const started = Date.now();
    expect(await options('dns-timeout-1', 'sip:bob@timeout.dns.test')).toBe('SIP/2.0 200 OK');
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(FR_TIMER);
    expect(took).toBeLessThan(FR_TIMER + 5000);
    expectAll(await finished(uas), 1);
    // The silent target got the request and its retransmissions (timer E), then no more.
    expect(silent.received.length).toBeGreaterThanOrEqual(2);
    expect(new Set(silent.received)).toEqual(new Set(['OPTIONS sip:bob@timeout.dns.test SIP/2.0']));
    // Resolved once for the branch and its failover: one NAPTR, one SRV, one A question.
    const asked = dns.questions.filter((q) => q.includes('timeout.dns.test') || q === 'A host.dns.test');
    expect(asked).toEqual(['NAPTR timeout.dns.test', 'SRV _sip._udp.timeout.dns.test', 'A host.dns.test']);
    expect(server.lines.some((l) => l.msg === 'DNS failover: the next target of the name')).toBe(true);
  }, 30_000);

  it('the first target answers 503: the branch fails over to the second, the caller gets its 200', async () => {
    const [down, up] = [await freePort(), await freePort()];
    const busy = await startSippUas(scenario('uas-options-503.xml'), {
      transport: 'udp',
      port: down,
      calls: 1,
    });
    const uas = await startSippUas(scenario('uas-options.xml'), { transport: 'udp', port: up, calls: 1 });
    dns.zone.set('_sip._udp.busy.dns.test', [
      srvRecord('_sip._udp.busy.dns.test', 'host.dns.test', down, 10),
      srvRecord('_sip._udp.busy.dns.test', 'host.dns.test', up, 20),
    ]);
    expect(await options('dns-503-1', 'sip:bob@busy.dns.test;transport=udp')).toBe('SIP/2.0 200 OK');
    expectAll(await finished(busy), 1);
    expectAll(await finished(uas), 1);
    // A transport given, no port: SRV straight away, no NAPTR.
    expect(dns.questions.filter((q) => q.includes('busy.dns.test'))).toEqual(['SRV _sip._udp.busy.dns.test']);
  }, 30_000);

  it('a TCP target that refuses the connection: the transport error fails over to the next target', async () => {
    const [refused, up] = [await freePort(), await freePort()];
    const uas = await startSippUas(scenario('uas-options.xml'), { transport: 'tcp', port: up, calls: 1 });
    dns.zone.set('_sip._tcp.refused.dns.test', [
      srvRecord('_sip._tcp.refused.dns.test', 'host.dns.test', refused, 10),
      srvRecord('_sip._tcp.refused.dns.test', 'host.dns.test', up, 20),
    ]);
    expect(await options('dns-tcp-1', 'sip:bob@refused.dns.test;transport=tcp')).toBe('SIP/2.0 200 OK');
    expectAll(await finished(uas), 1);
    const line = await logLine((msg) => msg.startsWith('branch 0: ') && msg.includes(`:${refused}`));
    expect(line).toMatchObject({ level: 'warn', callId: 'dns-tcp-1' });
  }, 30_000);

  it('an answer is reused for its TTL, and asked again once it expired', async () => {
    const [first, second] = [await freePort(), await freePort()];
    const one = await startSippUas(scenario('uas-options.xml'), { transport: 'udp', port: first, calls: 2 });
    const two = await startSippUas(scenario('uas-options.xml'), { transport: 'udp', port: second, calls: 1 });
    dns.zone.set('_sip._udp.ttl.dns.test', [
      srvRecord('_sip._udp.ttl.dns.test', 'host.dns.test', first, 10, 2),
    ]);
    const uri = 'sip:bob@ttl.dns.test;transport=udp';
    expect(await options('dns-ttl-1', uri)).toBe('SIP/2.0 200 OK');
    dns.zone.set('_sip._udp.ttl.dns.test', [
      srvRecord('_sip._udp.ttl.dns.test', 'host.dns.test', second, 10, 2),
    ]);
    expect(await options('dns-ttl-2', uri)).toBe('SIP/2.0 200 OK'); // still the cached answer
    expectAll(await finished(one), 2);
    await new Promise((r) => setTimeout(r, 2100));
    expect(await options('dns-ttl-3', uri)).toBe('SIP/2.0 200 OK');
    expectAll(await finished(two), 1);
    expect(dns.questions.filter((q) => q.includes('ttl.dns.test'))).toEqual([
      'SRV _sip._udp.ttl.dns.test',
      'SRV _sip._udp.ttl.dns.test',
    ]);
  }, 30_000);

  it('a name its DNS points outside relay_allow is refused: nothing reaches the address', async () => {
    const inside = await victimAt('127.0.0.2');
    dns.zone.set('evil.dns.test', [aRecord('evil.dns.test', '127.0.0.2')]);
    const reached = next(inside.socket, () => true, 2000);
    const status = await options('dns-evil-1', `sip:bob@evil.dns.test:${inside.port}`);
    expect(status).toMatch(/^SIP\/2\.0 5\d\d /);
    expect(await reached).toBeUndefined();
    const line = server.lines.find((l) =>
      String(l.msg).includes('evil.dns.test resolved to no allowed target'),
    );
    expect(String(line?.msg)).toContain('127.0.0.2 is not in relay_allow');
    // The address itself is refused the same way (403 from t-relay at once).
    expect(await options('dns-evil-2', `sip:bob@127.0.0.2:${inside.port}`)).toBe(
      'SIP/2.0 403 Destination Not Allowed',
    );
    expect(await next(inside.socket, () => true, 500)).toBeUndefined();
    inside.socket.close();
  }, 30_000);

  it('a resolver that never answers: the branch ends 503 within the lookup bound, logged', async () => {
    dns.muted = true;
    try {
      const started = Date.now();
      const status = await options('dns-mute-1', 'sip:bob@mute.dns.test');
      const took = Date.now() - started;
      expect(status).toMatch(/^SIP\/2\.0 5\d\d /);
      expect(took).toBeGreaterThanOrEqual(DNS_TIMEOUT - 100);
      expect(took).toBeLessThan(DNS_TIMEOUT + 3000);
      const line = await logLine((msg) => msg.includes(`'mute.dns.test': no answer in ${DNS_TIMEOUT} ms`));
      expect(line).toMatchObject({ level: 'warn', callId: 'dns-mute-1' });
    } finally {
      dns.muted = false;
    }
  }, 30_000);
});

/** The server's first log line whose message passes `test`, waited for a moment (stdout lags the reply). */
async function logLine(test: (msg: string) => boolean): Promise<Record<string, unknown> | undefined> {
  for (let i = 0; i < 20; i++) {
    const line = server.lines.find((l) => test(String(l.msg)));
    if (line !== undefined) return line;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

/** A UDP socket on `address` (another loopback address), an ephemeral port. */
async function victimAt(address: string): Promise<{ socket: Socket; port: number }> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, address, resolve));
  return { socket, port: socket.address().port };
}
