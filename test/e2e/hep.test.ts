// The HEP export end to end: a real `kemi-wasm serve` relays a SIPp call (caller and callee are SIPp) with
// trace.hep pointing at a collector this test runs, over UDP and over TCP. The collector decodes HEPv3
// itself (the decoder below, written from the chunk layout of the HEP3 spec) and checks that every message
// of the call arrives, whole (Content-Length matches the body), in order, with the addresses, capture id
// and tenant tag the config gives. The recent-trace store of the same server answers the admin API with
// the same call. Every process is stopped by PID; every port is ephemeral.
import { createSocket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Guest } from '../../fixtures/guest.ts';
import { freePort, runSipp, scenario } from '../../fixtures/sipp.ts';
import { finished, startSippUas } from '../../fixtures/sipp-uas.ts';
import { expectAll, type ServerProcess, startServerProcess } from './harness.ts';
import { OPERATOR_TOKEN } from './registry-server.ts';

const TOLERANT = ['-default_behaviors', 'all,-abortunexp'];
const CAPTURE_ID = 2001;

interface Hep {
  family: number;
  protocol: number;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seconds: number;
  micros: number;
  payloadType: number;
  captureId: number;
  node?: string;
  payload: string;
}

/** One HEPv3 packet: "HEP3", total length, then chunks (vendor, type, length with its 6 bytes, value). */
function decodeHep(packet: Buffer): Hep {
  expect(packet.toString('latin1', 0, 4)).toBe('HEP3');
  expect(packet.readUInt16BE(4)).toBe(packet.length);
  const hep: Partial<Hep> = {};
  const ip = (v: Buffer) => (v.length === 4 ? [...v].join('.') : v.toString('hex'));
  for (let at = 6; at < packet.length; ) {
    const vendor = packet.readUInt16BE(at);
    const type = packet.readUInt16BE(at + 2);
    const length = packet.readUInt16BE(at + 4);
    expect(vendor).toBe(0);
    const v = packet.subarray(at + 6, at + length);
    at += length;
    if (type === 1) hep.family = v[0];
    else if (type === 2) hep.protocol = v[0];
    else if (type === 3 || type === 5) hep.src = ip(v);
    else if (type === 4 || type === 6) hep.dst = ip(v);
    else if (type === 7) hep.srcPort = v.readUInt16BE(0);
    else if (type === 8) hep.dstPort = v.readUInt16BE(0);
    else if (type === 9) hep.seconds = v.readUInt32BE(0);
    else if (type === 10) hep.micros = v.readUInt32BE(0);
    else if (type === 11) hep.payloadType = v[0];
    else if (type === 12) hep.captureId = v.readUInt32BE(0);
    else if (type === 19) hep.node = v.toString('utf8');
    else if (type === 15) hep.payload = v.toString('latin1');
  }
  return hep as Hep;
}

/** A collector: every packet decoded, in arrival order. TCP packets are framed by their length field. */
async function collector(proto: 'udp' | 'tcp') {
  const received: Hep[] = [];
  if (proto === 'udp') {
    const socket = createSocket('udp4');
    socket.on('message', (m) => received.push(decodeHep(m)));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return { port: socket.address().port, received, close: () => socket.close() };
  }
  const server: Server = createServer((conn) => {
    let buffered = Buffer.alloc(0);
    conn.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 6 && buffered.length >= buffered.readUInt16BE(4)) {
        const length = buffered.readUInt16BE(4);
        received.push(decodeHep(buffered.subarray(0, length)));
        buffered = buffered.subarray(length);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { port, received, close: () => server.close() };
}

/**
 * Record-routes an initial INVITE to the callee; in-dialog requests follow their Route. With `traceMode`,
 * the INVITE calls KSR.siptrace.sip_trace_mode with it first.
 */
async function proxyRoute(callee: string, traceMode?: string): Promise<Uint8Array> {
  const g = new Guest();
  const relay = `(if (i32.lt_s ${g.call('tm', 't-relay', [])} (i32.const 0)) (then (drop ${g.call('sl', 'sl-reply-error', [])})))`;
  const trace = traceMode === undefined ? '' : `(drop ${g.call('siptrace', 'sip-trace-mode', [traceMode])})`;
  g.route(
    'request-route',
    `(if (i32.gt_s ${g.call('siputils', 'has-totag', [])} (i32.const 0))
       (then (drop ${g.call('rr', 'loose-route', [])}) ${relay} (return)))
     ${trace}
     (drop ${g.call('rr', 'record-route', [])})
     (drop ${g.call('core', 'setdsturi', [callee])})
     ${relay}`,
  );
  return g.component();
}

const servers: ServerProcess[] = [];
const closers: (() => void)[] = [];

afterAll(async () => {
  for (const server of servers) expect(await server.stop()).toBe(0);
  for (const close of closers) close();
});

/** What the proxy received and sent for one call, as "in|out first-line" (the proxy's own 100 included). */
const EXPECTED = [
  'in INVITE',
  'out 100',
  'out INVITE',
  'in 180',
  'out 180',
  'in 200',
  'out 200',
  'in ACK',
  'out ACK',
  'in BYE',
  'out BYE',
  'in 200',
  'out 200',
];

/** A server relaying one SIPp call with `trace` config (its hep added), the collector's packets after it. */
async function tracedCall(hepProto: 'udp' | 'tcp', trace: object, traceMode?: string) {
  const hep = await collector(hepProto);
  closers.push(hep.close);
  const proxyPort = await freePort();
  const calleePort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `kemi-e2e-hep-${hepProto}-`));
  const module = join(dir, 'route.wasm');
  writeFileSync(module, await proxyRoute(`sip:127.0.0.1:${calleePort}`, traceMode));
  const config = join(dir, 'kemi.yaml');
  writeFileSync(
    config,
    JSON.stringify({
      listen: [`udp:127.0.0.1:${proxyPort}`],
      log_level: 'info',
      admin: { listen: '127.0.0.1:0', operator_token: OPERATOR_TOKEN },
      trace: {
        ...trace,
        hep: {
          address: `127.0.0.1:${hep.port}`,
          proto: hepProto,
          capture_id: CAPTURE_ID,
          tenant_tags: { acme: 'acme-node' },
        },
      },
      tenants: [{ name: 'acme', module, relay_allow: { cidrs: ['127.0.0.0/8'] } }],
    }),
  );
  const server = await startServerProcess(['--config', config]);
  servers.push(server);
  const callee = await startSippUas(scenario('uas-call.xml'), {
    transport: 'udp',
    port: calleePort,
    calls: 1,
    extra: TOLERANT,
  });
  expectAll(
    await runSipp(scenario('uac-call.xml'), {
      transport: 'udp',
      port: proxyPort,
      calls: 1,
      service: 'bob',
      extra: TOLERANT,
    }),
    1,
  );
  expectAll(await finished(callee), 1);
  return { hep, server, proxyPort };
}

/** Waits for `count` packets (bounded), then "in|out what" of each distinct one, in arrival order. */
async function arrived(hep: { received: Hep[] }, proxyPort: number, count: number): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  while (hep.received.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  // Let late packets (ones that should not come) arrive too.
  await new Promise((r) => setTimeout(r, 300));
  // A retransmission (SIPp resends after 500 ms on a slow machine) is the same message again: left out.
  const distinct = hep.received.filter(
    (h, i) => hep.received.findIndex((o) => o.payload === h.payload && o.dstPort === h.dstPort) === i,
  );
  return distinct.map((h) => {
    const first = h.payload.slice(0, h.payload.indexOf('\r\n'));
    const what = first.startsWith('SIP/2.0 ') ? first.split(' ')[1] : first.split(' ')[0];
    return `${h.dstPort === proxyPort ? 'in' : 'out'} ${what}`;
  });
}

describe.each(['udp', 'tcp'] as const)('HEP export over %s', (hepProto) => {
  it("sends every message of a SIPp call, whole and in order, and the store answers the call's trace", async () => {
    const { hep, server, proxyPort } = await tracedCall(hepProto, { scope: 'tenants', tenants: ['acme'] });
    expect(await arrived(hep, proxyPort, EXPECTED.length)).toEqual(EXPECTED);
    const callIds = new Set(hep.received.map((h) => /^Call-ID:\s*(.+)$/im.exec(h.payload)?.[1].trim()));
    expect(callIds.size).toBe(1);
    let last = 0;
    for (const h of hep.received) {
      expect(h).toMatchObject({
        family: 2,
        protocol: 17,
        payloadType: 1,
        captureId: CAPTURE_ID,
        node: 'acme-node',
      });
      expect(h.src).toBe('127.0.0.1');
      expect(h.dst).toBe('127.0.0.1');
      expect([h.srcPort, h.dstPort]).toContain(proxyPort);
      // Whole: the body is as long as the message says.
      const [head, body] = [
        h.payload.slice(0, h.payload.indexOf('\r\n\r\n')),
        h.payload.slice(h.payload.indexOf('\r\n\r\n') + 4),
      ];
      expect(Number(/^(?:Content-Length|l):\s*(\d+)/im.exec(head)?.[1])).toBe(body.length);
      const time = h.seconds * 1e6 + h.micros;
      expect(time).toBeGreaterThanOrEqual(last);
      last = time;
    }

    // The recent-trace store holds the same call for the admin API.
    const adminUrl = String(server.lines.find((l) => l.msg === 'admin listening')?.url);
    const callId = [...callIds][0] as string;
    const res = await fetch(`${adminUrl}/v1/tenants/acme/trace?call_id=${encodeURIComponent(callId)}`, {
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
    });
    const json = (await res.json()) as { messages: { direction: string; firstLine: string }[] };
    expect(json.messages).toHaveLength(hep.received.length);
    expect(json.messages[0]).toMatchObject({ direction: 'in' });
    expect(json.messages[0].firstLine).toMatch(/^INVITE sip:bob@/);

    // The per-version metrics saw the same call: INVITE, ACK and BYE routed; 180, 200, 200 received.
    const metrics = await (
      await fetch(`${adminUrl}/metrics`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } })
    ).text();
    const value = (series: string) =>
      Number(
        metrics
          .split('\n')
          .find((l) => l.startsWith(`${series} `))
          ?.split(' ')[1],
      );
    expect(value('kemi_script_requests_total{tenant="acme",version="1"}')).toBe(3);
    expect(value('kemi_script_replies_total{tenant="acme",version="1",source="received",class="2xx"}')).toBe(
      2,
    );
    expect(value('kemi_script_route_seconds_count{tenant="acme",version="1",route="request-route"}')).toBe(3);
    expect(
      value('kemi_script_route_seconds_bucket{tenant="acme",version="1",route="request-route",le="+Inf"}'),
    ).toBe(3);
    expect(value('kemi_script_fuel_total{tenant="acme",version="1"}')).toBeGreaterThan(0);
    expect(value('kemi_hep_captures_total{outcome="sent"}')).toBe(hep.received.length);
  }, 90_000);
});

describe('KSR.siptrace with the trace scope off', () => {
  it('sip_trace_mode("t") on the INVITE captures its transaction (and its ACK), not the BYE', async () => {
    const { hep, proxyPort } = await tracedCall('udp', { scope: 'none' }, 't');
    expect(await arrived(hep, proxyPort, 9)).toEqual(EXPECTED.slice(0, 9));
  }, 90_000);

  it('sip_trace_mode("m") captures the INVITE as received only', async () => {
    const { hep, proxyPort } = await tracedCall('udp', { scope: 'none' }, 'm');
    expect(await arrived(hep, proxyPort, 1)).toEqual(['in INVITE']);
  }, 90_000);

  it('captures nothing without a script asking', async () => {
    const { hep, proxyPort } = await tracedCall('udp', { scope: 'none' });
    expect(await arrived(hep, proxyPort, 0)).toEqual([]);
  }, 90_000);
});
