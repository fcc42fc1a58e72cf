// The recent-trace read of the admin API on loopback: a call's messages in order with credentials
// redacted, a tenant token confined to its own tenant, the operator reading any, bad queries refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminServer } from '../../src/admin/index.ts';
import { silentLogger } from '../../src/logger.ts';
import { parseMessage } from '../../src/sip/index.ts';
import { MessageTrace, TraceRing } from '../../src/trace/index.ts';
import { ACME, OPERATOR, startTestAdmin, type TestAdmin } from './test-admin.ts';

let server: TestAdmin;
let admin: AdminServer;

const local = { address: '127.0.0.1', port: 5060 };
const remote = { address: '192.0.2.1', port: 5070 };

function register(callId: string): Buffer {
  return Buffer.from(
    `REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5070;branch=z9hG4bK-1\r\n` +
      `From: <sip:alice@example.com>;tag=1\r\nTo: <sip:alice@example.com>\r\nCall-ID: ${callId}\r\n` +
      `CSeq: 2 REGISTER\r\nAuthorization: Digest username="alice", response="0123abcd"\r\nContent-Length: 0\r\n\r\n`,
    'latin1',
  );
}

beforeAll(async () => {
  const ring = new TraceRing(50);
  const trace = new MessageTrace({ log: silentLogger, scope: { all: true }, ring, redactBodies: false });
  for (const [tenant, callId] of [
    ['acme', 'call-a'],
    ['beta', 'call-b'],
  ]) {
    const bytes = register(callId);
    const parsed = parseMessage(bytes, { datagram: true });
    trace.received(bytes, { proto: 'udp', local, remote }, parsed.ok ? parsed.value : undefined);
    trace.attribute(tenant, 1);
    trace.sent(
      Buffer.from(
        `SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.1:5070;branch=z9hG4bK-1\r\nFrom: <sip:alice@example.com>;tag=1\r\nTo: <sip:alice@example.com>;tag=2\r\nCall-ID: ${callId}\r\nCSeq: 2 REGISTER\r\nContent-Length: 0\r\n\r\n`,
      ),
      'udp',
      local,
      remote,
    );
    trace.close();
  }
  server = await startTestAdmin({ trace: { ring, redactBodies: false } });
  admin = server.admin;
}, 60_000);

afterAll(async () => {
  await server?.close();
});

async function get(path: string, token: string) {
  const res = await fetch(`${admin.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

type Messages = {
  messages: { direction: string; firstLine: string; text: string; remote: string; time: string }[];
};

describe('GET /v1/tenants/:tenant/trace', () => {
  it("gives a call's messages in order, credentials redacted", async () => {
    const { status, json } = await get('/v1/tenants/acme/trace?call_id=call-a', ACME);
    expect(status).toBe(200);
    const { messages } = json as unknown as Messages;
    expect(messages.map((m) => [m.direction, m.firstLine, m.remote])).toEqual([
      ['in', 'REGISTER sip:example.com SIP/2.0', 'udp:192.0.2.1:5070'],
      ['out', 'SIP/2.0 200 OK', 'udp:192.0.2.1:5070'],
    ]);
    expect(messages[0].text).toContain('Authorization: <redacted>');
    expect(messages[0].text).not.toContain('0123abcd');
    expect(Date.parse(messages[0].time)).toBeGreaterThan(0);
  });

  it("refuses a tenant token another tenant's trace, and lets the operator read it", async () => {
    expect((await get('/v1/tenants/beta/trace?call_id=call-b', ACME)).status).toBe(403);
    // A Call-ID of another tenant is not in this tenant's ring.
    expect(
      ((await get('/v1/tenants/acme/trace?call_id=call-b', ACME)).json as unknown as Messages).messages,
    ).toEqual([]);
    const operator = await get('/v1/tenants/beta/trace?call_id=call-b', OPERATOR);
    expect((operator.json as unknown as Messages).messages).toHaveLength(2);
  });

  it('refuses a missing Call-ID', async () => {
    expect((await get('/v1/tenants/acme/trace', ACME)).status).toBe(400);
  });
});
