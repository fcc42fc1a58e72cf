// Issue 11, table growth: a tenant flooding INVITEs to a destination that never answers filled the
// transaction table without bound (every INVITE a transaction for timer B and H, ~60 s). Against a real
// `kemi-wasm serve` with two tenants (matched by domain), the flooding tenant reaches
// tm.max_transactions_per_tenant and gets 503 with Retry-After for every INVITE past it, statelessly (nothing
// is relayed), while the other tenant's call still goes through and is answered by its callee.
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Guest } from '../../fixtures/guest.ts';
import { type ServerProcess, startServerProcess } from './harness.ts';
import { requestText, responseText, sleep, statuses, type UdpPeer, udpPeer, until } from './raw-peer.ts';

const CAP = 40;
const FLOOD = 70;
const RETRY_AFTER = 9;

/** The route: $du = `dst`, then t-relay; sl-reply-error when it fails. */
async function relayTo(dst: string): Promise<Uint8Array> {
  const g = new Guest();
  const relay = g.call('tm', 't-relay', []);
  const replyError = g.call('sl', 'sl-reply-error', []);
  g.route(
    'request-route',
    `(drop ${g.call('core', 'setdsturi', [dst])})
     (if (i32.lt_s ${relay} (i32.const 0)) (then (drop ${replyError})))`,
  );
  return g.component();
}

/** A callee that answers every INVITE 200 (and ignores everything else). */
async function answeringCallee(): Promise<Socket & { port: number; invites: number }> {
  const socket = createSocket('udp4');
  const callee = Object.assign(socket, { port: 0, invites: 0 });
  socket.on('message', (msg, rinfo) => {
    const text = msg.toString('latin1');
    if (!text.startsWith('INVITE ')) return;
    callee.invites++;
    socket.send(Buffer.from(responseText(text, 200), 'latin1'), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  callee.port = socket.address().port;
  return callee;
}

const invite = (domain: string, callId: string, port: number) =>
  requestText({
    method: 'INVITE',
    uri: `sip:bob@${domain}`,
    via: `SIP/2.0/UDP 127.0.0.1:${port};rport;branch=z9hG4bK-${callId}`,
    callId,
  });

describe('transaction caps (issue 11)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-caps-'));
  let server: ServerProcess;
  let blackHole: UdpPeer;
  let callee: Awaited<ReturnType<typeof answeringCallee>>;
  let attacker: UdpPeer;
  let caller: UdpPeer;

  beforeAll(async () => {
    blackHole = await udpPeer();
    callee = await answeringCallee();
    attacker = await udpPeer();
    caller = await udpPeer();
    const flood = join(dir, 'flood.wasm');
    const calm = join(dir, 'calm.wasm');
    writeFileSync(flood, await relayTo(`sip:127.0.0.1:${blackHole.port}`));
    writeFileSync(calm, await relayTo(`sip:127.0.0.1:${callee.port}`));
    const config = join(dir, 'caps.yaml');
    const relayAllow = { cidrs: ['127.0.0.0/8'] };
    writeFileSync(
      config,
      JSON.stringify({
        listen: ['udp:127.0.0.1:0'],
        log_level: 'info',
        tm: { max_transactions_per_tenant: CAP, max_transactions: 1000, retry_after_s: RETRY_AFTER },
        tenants: [
          { name: 'flood', match: { domains: ['flood.example'] }, module: flood, relay_allow: relayAllow },
          { name: 'calm', match: { domains: ['calm.example'] }, module: calm, relay_allow: relayAllow },
        ],
      }),
    );
    server = await startServerProcess(['--config', config]);
  }, 120_000);

  afterAll(async () => {
    await attacker?.close();
    await caller?.close();
    await blackHole?.close();
    callee?.close();
    expect(await server?.stop()).toBe(0);
  });

  it('a tenant flooding a black hole gets 503 + Retry-After past its cap; the other tenant still calls', async () => {
    for (let i = 0; i < FLOOD; i++)
      await attacker.send(invite('flood.example', `flood${i}`, attacker.port), server.ports.udp!);
    await until(() => attacker.received.length >= FLOOD, 10_000);
    await sleep(300);
    const got = statuses(attacker.received);
    // One answer per INVITE: 100 Trying for the first CAP (relayed, then silence), 503 for the rest.
    expect(got.filter((s) => s === 100)).toHaveLength(CAP);
    expect(got.filter((s) => s === 503)).toHaveLength(FLOOD - CAP);
    const refusals = attacker.received.filter((t) => t.startsWith('SIP/2.0 503'));
    for (const r of refusals) expect(r).toMatch(new RegExp(`\r\nRetry-After: ${RETRY_AFTER}\r\n`));
    // Nothing past the cap was relayed: the black hole saw CAP distinct calls (with their retransmissions).
    const relayed = new Set(blackHole.received.map((t) => /\r\nCall-ID: (\S+)/i.exec(t)?.[1]));
    expect(relayed.size).toBe(CAP);

    // The calm tenant's call goes through, answered by its callee, while the flood's transactions live.
    await caller.send(invite('calm.example', 'calm1', caller.port), server.ports.udp!);
    await until(() => statuses(caller.received).includes(200), 5000);
    expect(statuses(caller.received)).toEqual([100, 200]);
    expect(callee.invites).toBe(1);

    // Logged, rate-limited per tenant: not one line per refusal.
    const lines = server.lines.filter((l) => String(l.msg).startsWith('no transaction for INVITE'));
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.length).toBeLessThanOrEqual(10);
    expect(lines[0]).toMatchObject({ tenant: 'flood', cap: 'tenant', limit: CAP });
  }, 30_000);
});
