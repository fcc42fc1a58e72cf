// Timers beyond lifetime (issue 11, "Timers beyond lifetime"), against a real `kemi-wasm serve`: a tenant
// route asks t-set-fr for 2^31-1 ms (about 24.8 days) and relays an INVITE to a callee that never answers.
// At max_inv_lifetime (2 s here) the caller gets 408, the branch stops retransmitting and, once the 408 is
// ACKed, the transaction leaves the table (the tm gauges go back to 0), unpinning its version. Loopback only,
// every process stopped by PID.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Guest } from '../../fixtures/guest.ts';
import { closeSockets, finalTo, next, udpSocket } from './raw-sip.ts';
import { admin, OPERATOR_TOKEN, type RegistryServer, startRegistryServer } from './registry-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-timer-lifetime-'));
const HUGE = 2 ** 31 - 1;
let server: RegistryServer;
let proxyPort: number;

/** t-set-fr(2^31-1, 2^31-1), then t-relay to the Request-URI. */
function longTimersRoute(): Guest {
  const g = new Guest();
  const setFr = g.call('tm', 't-set-fr', [HUGE, HUGE]);
  const relay = g.call('tm', 't-relay', []);
  return g.route('request-route', `(drop ${setFr}) (drop ${relay})`);
}

async function gauge(name: string): Promise<number> {
  const res = await fetch(`${server.adminUrl}/metrics`, {
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
  });
  const line = (await res.text()).split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? Number.NaN : Number(line.slice(name.length + 1));
}

function invite(port: number, callId: string, uri: string): string {
  return [
    `INVITE ${uri} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${port};rport;branch=z9hG4bK-${callId}`,
    'Max-Forwards: 70',
    'From: <sip:caller@127.0.0.1>;tag=c1',
    'To: <sip:bob@127.0.0.1>',
    `Call-ID: ${callId}`,
    'CSeq: 1 INVITE',
    `Contact: <sip:caller@127.0.0.1:${port}>`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

function ackFor(final: string, port: number, callId: string, uri: string): string {
  const to = /\r\nTo: *([^\r\n]*)/i.exec(final)![1];
  return [
    `ACK ${uri} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${port};rport;branch=z9hG4bK-${callId}`,
    'Max-Forwards: 70',
    'From: <sip:caller@127.0.0.1>;tag=c1',
    `To: ${to}`,
    `Call-ID: ${callId}`,
    'CSeq: 1 ACK',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

beforeAll(async () => {
  const wasm = join(dir, 'long-timers.wasm');
  writeFileSync(wasm, await longTimersRoute().component());
  server = await startRegistryServer(
    {
      listen: ['udp:127.0.0.1:0'],
      tm: { retr_timer1: 100, t4: 500, max_inv_lifetime: 2000 },
      tenants: [{ name: 'slow', module: wasm, relay_allow: { cidrs: ['127.0.0.1/32'] } }],
    },
    dir,
  );
  proxyPort = server.process.ports.udp!;
}, 60_000);

afterAll(async () => {
  closeSockets();
  if (server) expect(await server.process.stop()).toBe(0);
});

describe('a route asking t-set-fr for 24.8 days, its callee silent', () => {
  it('gets 408 at max_inv_lifetime; the branch stops and the transaction ends, unpinning its version', async () => {
    const caller = await udpSocket();
    const callee = await udpSocket();
    let invites = 0;
    callee.on('message', (msg) => {
      if (msg.toString('latin1').startsWith('INVITE ')) invites++;
    });
    const callId = 'lifetime-1';
    const uri = `sip:bob@127.0.0.1:${callee.port}`;
    const final = next(caller, finalTo(callId), 5000);
    caller.send(invite(caller.port, callId, uri), proxyPort, '127.0.0.1');
    const answer = await final;
    expect(answer?.split('\r\n')[0]).toBe('SIP/2.0 408 Request Timeout');
    caller.send(ackFor(answer!, caller.port, callId, uri), proxyPort, '127.0.0.1');
    const atLifetime = invites;
    // The 408's ACK absorbed, timer I (T4 = 500 ms) ends the server side; nothing else may hold it.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await gauge('kemi_tm_server_transactions')).toBe(0);
    expect(await gauge('kemi_tm_client_transactions')).toBe(0);
    expect(invites).toBe(atLifetime);
    const status = await admin(server.adminUrl, 'GET', '/v1/tenants/slow');
    expect(status.body.loaded).toEqual([expect.objectContaining({ version: 1, pins: 0 })]);
    expect(
      server.process.lines.some((l) =>
        String(l.msg).startsWith('t-set-fr: timeouts above the configured maxima'),
      ),
    ).toBe(true);
  }, 20_000);
});
