// The message trace without sockets: records in order (a received message before what it caused), the
// tenant of a later send taken from its Call-ID, a Call-ID two tenants used attributed to neither,
// credentials redacted, the ring bounded, and nothing recorded while off.
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { parseMessage, type SipRequest } from '../../src/sip/index.ts';
import {
  MessageTrace,
  redactedText,
  type TraceExport,
  type TraceRecord,
  TraceRing,
} from '../../src/trace/index.ts';
import type { Source } from '../../src/transport/index.ts';

const source: Source = {
  proto: 'udp',
  remote: { address: '192.0.2.1', port: 5070 },
  local: { address: '127.0.0.1', port: 5060 },
};
const upstream = { address: '192.0.2.9', port: 5080 };

function invite(callId: string, extra = ''): Buffer {
  return Buffer.from(
    `INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5070;branch=z9hG4bK-${callId}\r\n` +
      `From: <sip:alice@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\nCall-ID: ${callId}\r\n` +
      `CSeq: 1 INVITE\r\nMax-Forwards: 70\r\n${extra}Content-Length: 4\r\n\r\nv=0\n`,
    'latin1',
  );
}

function ok200(callId: string): Buffer {
  return Buffer.from(
    `SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.1:5070;branch=z9hG4bK-${callId}\r\n` +
      `From: <sip:alice@example.com>;tag=1\r\nTo: <sip:bob@example.com>;tag=2\r\nCall-ID: ${callId}\r\n` +
      `CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n`,
    'latin1',
  );
}

function parsed(bytes: Buffer): SipRequest {
  const result = parseMessage(bytes, { datagram: true });
  if (!result.ok) throw new Error(result.error.detail);
  return result.value as SipRequest;
}

function setup(level: pino.Level | 'silent', scope: 'all' | 'none' = 'all', ringSize = 10, collector = true) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const log = pino({ level }, sink);
  const ring = new TraceRing(ringSize);
  const exported: TraceRecord[] = [];
  const sinkExport: TraceExport = { capture: (record) => exported.push(record) };
  const trace = new MessageTrace({
    log,
    scope: scope === 'all' ? { all: true } : { all: false, tenants: new Set() },
    ring,
    export: collector ? sinkExport : undefined,
    redactBodies: false,
  });
  return { trace, ring, exported, lines };
}

/** One received message routed by `tenant`, which sends `sends` meanwhile. */
function route(trace: MessageTrace, bytes: Buffer, tenant: string | undefined, sends: Buffer[]) {
  trace.received(bytes, source, parsed(bytes));
  if (tenant !== undefined) trace.attribute(tenant, 3);
  for (const s of sends) trace.sent(s, 'udp', source.local, upstream);
  trace.close();
}

describe('MessageTrace', () => {
  it('keeps a received message before what was sent while it was routed, and attributes both', () => {
    const { trace, ring, exported } = setup('silent');
    // Sent before the router names the tenant: still after the received one, still the tenant's.
    trace.received(invite('c1'), source, parsed(invite('c1')));
    trace.sent(invite('c1'), 'udp', source.local, upstream);
    trace.attribute('acme', 3);
    trace.close();
    expect(exported.map((r) => [r.direction, r.what, r.tenant, r.version])).toEqual([
      ['in', 'INVITE', 'acme', 3],
      ['out', 'INVITE', 'acme', 3],
    ]);
    expect(ring.call('acme', 'c1').map((r) => r.direction)).toEqual(['in', 'out']);
    expect(ring.call('beta', 'c1')).toEqual([]);
  });

  it('attributes a later send (a retransmission, a reply) by its Call-ID', () => {
    const { trace, ring } = setup('silent');
    route(trace, invite('c2'), 'acme', []);
    trace.sent(ok200('c2'), 'udp', source.local, source.remote);
    expect(ring.call('acme', 'c2').map((r) => [r.direction, r.what, r.cseq])).toEqual([
      ['in', 'INVITE', '1 INVITE'],
      ['out', '200', '1 INVITE'],
    ]);
  });

  it('attributes to neither tenant a Call-ID both used', () => {
    const { trace, ring, exported } = setup('silent');
    route(trace, invite('shared'), 'acme', []);
    route(trace, invite('shared'), 'beta', []);
    trace.sent(ok200('shared'), 'udp', source.local, source.remote);
    expect(exported.at(-1)?.tenant).toBeUndefined();
    expect(ring.call('acme', 'shared')).toHaveLength(1);
    expect(ring.call('beta', 'shared')).toHaveLength(1);
  });

  it('writes one debug line per message with its addresses, and the text at trace', () => {
    const debug = setup('debug', 'none');
    route(debug.trace, invite('c3'), 'acme', [invite('c3')]);
    expect(debug.lines.map((l) => [l.dir, l.what, l.callId, l.tenant, l.remote, l.text])).toEqual([
      ['in', 'INVITE', 'c3', 'acme', 'udp:192.0.2.1:5070', undefined],
      ['out', 'INVITE', 'c3', 'acme', 'udp:192.0.2.9:5080', undefined],
    ]);
    expect(debug.lines[0]).toMatchObject({ cseq: '1 INVITE', branch: 'z9hG4bK-c3', version: 3 });
    // Out of scope: neither kept nor exported.
    expect(debug.ring.call('acme', 'c3')).toEqual([]);
    expect(debug.exported).toEqual([]);

    const full = setup('trace', 'none');
    route(full.trace, invite('c4', 'Authorization: Digest username="a", response="secret"\r\n'), 'acme', []);
    expect(full.lines[0].text).toContain('Authorization: <redacted>');
    expect(full.lines[0].text).not.toContain('secret');
  });

  it('is off, and records nothing, at info with no scope and no collector', () => {
    const { trace, lines, exported } = setup('info', 'none', 10, false);
    expect(trace.on).toBe(false);
    trace.sent(invite('c5'), 'udp', source.local, upstream);
    expect(lines).toEqual([]);
    expect(exported).toEqual([]);
  });

  it('turns on when the level is lowered to debug', () => {
    const log = pino({ level: 'info' });
    const t = new MessageTrace({
      log,
      scope: { all: false, tenants: new Set() },
      ring: new TraceRing(1),
      redactBodies: false,
    });
    expect(t.on).toBe(false);
    log.level = 'debug';
    expect(t.on).toBe(true);
  });

  it('bounds the ring per tenant and forgets the Call-IDs that left it', () => {
    const { trace, ring } = setup('silent', 'all', 3);
    for (const id of ['a', 'b', 'c', 'd']) route(trace, invite(id), 'acme', []);
    expect(ring.call('acme', 'a')).toEqual([]);
    expect(ring.call('acme', 'd')).toHaveLength(1);
  });
});

describe('capture (KSR siptrace)', () => {
  it('keeps the message being routed out of scope; with "t" the rest of its transaction, not the next one', () => {
    const { trace, exported } = setup('silent', 'none');
    expect(trace.on).toBe(true); // a collector: scripts may capture
    trace.received(invite('c6'), source, parsed(invite('c6')));
    trace.attribute('acme', 1);
    expect(trace.capture('beta', 'm')).toBe(false); // another tenant's message
    expect(trace.capture('acme', 't')).toBe(true);
    trace.sent(invite('c6'), 'udp', source.local, upstream);
    trace.close();
    trace.sent(ok200('c6'), 'udp', source.local, source.remote);
    route(trace, invite('c7'), 'acme', []); // not captured: no script asked
    const bye = Buffer.from(
      invite('c6')
        .toString('latin1')
        .replace(/INVITE/g, 'BYE')
        .replace('CSeq: 1', 'CSeq: 2'),
      'latin1',
    );
    route(trace, bye, 'acme', []); // the next transaction of the call
    expect(exported.map((r) => `${r.direction} ${r.what} ${r.callId}`)).toEqual([
      'in INVITE c6',
      'out INVITE c6',
      'out 200 c6',
    ]);
    expect(trace.capture('acme', 'm')).toBe(false); // nothing being routed
  });
});

describe('redactedText', () => {
  it('replaces both credential headers, folded lines included, and the body on request', () => {
    const bytes = Buffer.from(
      'REGISTER sip:a SIP/2.0\r\nProxy-Authorization: Digest username="u",\r\n response="r1"\r\n' +
        'authorization : Digest response="r2"\r\nCall-ID: x\r\n\r\nbody!',
      'latin1',
    );
    const text = redactedText(bytes, false);
    expect(text).not.toMatch(/r1|r2/);
    expect(text).toContain('Proxy-Authorization: <redacted>\r\nauthorization: <redacted>\r\nCall-ID: x');
    expect(text.endsWith('body!')).toBe(true);
    expect(redactedText(bytes, true)).toContain('<body of 5 bytes redacted>');
  });
});
