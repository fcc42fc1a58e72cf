// Issue 11, reply steering: a SIP peer that cannot spoof its address writes a Via that names a third party
// (maddr, a forged received/rport, or over TCP a sent-by to dial when its connection is gone) and sends one
// request through a relaying tenant. The third party must get nothing; the replies (100, 408 and its
// timer-G retransmissions, stateless 404s) go back to the request's own source.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGuest } from '../../src/builder/index.ts';
import { type ServerProcess, startServerProcess } from './harness.ts';
import { requestText, sleep, statuses, tcpVictim, type UdpPeer, udpPeer, until } from './raw-peer.ts';

const out = mkdtempSync(join(tmpdir(), 'kemi-e2e-steer-'));
/** A loopback address other than the attacker's: the third party lives there. */
const THIRD = '127.0.0.2';

describe('reply steering (issue 11)', () => {
  let server: ServerProcess;
  let sink: UdpPeer;
  let attacker: UdpPeer;
  let victim: UdpPeer;

  beforeAll(async () => {
    const built = await buildGuest('guest-examples/assemblyscript/proxy', { out: join(out, 'proxy.wasm') });
    if (!built.ok) throw new Error(built.error.message);
    // PRIMARY swallows every request: the INVITE times out and is answered 408, retransmitted by timer G.
    sink = await udpPeer();
    const config = join(out, 'steer.toml');
    writeFileSync(
      config,
      [
        'listen = ["udp:127.0.0.1:0", "tcp:127.0.0.1:0"]',
        `module = "${built.value.out}"`,
        '[tm]',
        'retr_timer1 = 100',
        'retr_timer2 = 400',
        'fr_timer = 600',
        'fr_inv_timer = 600',
        '[defines]',
        `PRIMARY = "sip:127.0.0.1:${sink.port}"`,
      ].join('\n'),
    );
    server = await startServerProcess(['--config', config]);
    attacker = await udpPeer();
    victim = await udpPeer(THIRD);
  }, 120_000);

  afterAll(async () => {
    await attacker?.close();
    await victim?.close();
    await sink?.close();
    expect(await server?.stop()).toBe(0);
  });

  const invite = (via: string, callId: string) =>
    requestText({ method: 'INVITE', uri: 'sip:bob@example.invalid', via, callId });

  /** Sends `text` from the attacker; resolves once the 408 and two retransmissions of it came back. */
  async function attack(text: string): Promise<number[]> {
    attacker.received.length = 0;
    victim.received.length = 0;
    await attacker.send(text, server.ports.udp!);
    await until(() => statuses(attacker.received).filter((s) => s === 408).length >= 3, 5000);
    await sleep(300);
    return statuses(attacker.received);
  }

  it('a Via maddr naming a third party: the 100, the 408 and its retransmissions go to the source', async () => {
    const got = await attack(
      invite(`SIP/2.0/UDP ${THIRD}:${victim.port};rport;maddr=${THIRD};branch=z9hG4bK-maddr1`, 'maddr1'),
    );
    expect(victim.received).toEqual([]);
    expect(got[0]).toBe(100);
    expect(got.filter((s) => s === 408).length).toBeGreaterThanOrEqual(3);
  }, 10_000);

  it('a forged received/rport naming a third party: overwritten, the replies go to the source', async () => {
    const got = await attack(
      invite(
        `SIP/2.0/UDP 127.0.0.1:${attacker.port};received=${THIRD};rport=${victim.port};branch=z9hG4bK-forged1`,
        'forged1',
      ),
    );
    expect(victim.received).toEqual([]);
    expect(got[0]).toBe(100);
    expect(got.filter((s) => s === 408).length).toBeGreaterThanOrEqual(3);
  }, 10_000);

  it('a stateless reply (404 in dialog) follows neither maddr nor a forged received', async () => {
    attacker.received.length = 0;
    victim.received.length = 0;
    const vias = [
      `SIP/2.0/UDP ${THIRD}:${victim.port};rport;maddr=${THIRD};branch=z9hG4bK-sl1`,
      `SIP/2.0/UDP 127.0.0.1:${attacker.port};received=${THIRD};rport=${victim.port};branch=z9hG4bK-sl2`,
    ];
    for (const [i, via] of vias.entries()) {
      const text = requestText({
        method: 'OPTIONS',
        uri: 'sip:bob@127.0.0.1',
        via,
        callId: `sl${i}`,
        toTag: 'x',
      });
      await attacker.send(text, server.ports.udp!);
    }
    // Only the answers to these two requests: a retransmitted 408 of the test before may still arrive.
    const answers = () => attacker.received.filter((t) => /^Call-ID: sl[01]\r?$/m.test(t));
    await until(() => answers().length >= 2, 3000);
    await sleep(200);
    expect(victim.received).toEqual([]);
    expect(statuses(answers())).toEqual([404, 404]);
  });

  it('over TCP, a reply whose connection closed dials no new address (the Via names a listener)', async () => {
    const listener = await tcpVictim();
    try {
      const socket = connect(server.ports.tcp!, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.on('error', () => {});
      socket.end(invite(`SIP/2.0/TCP 127.0.0.1:${listener.port};branch=z9hG4bK-tcp1`, 'tcp1'));
      socket.destroy();
      // fr_timer 600 ms, then the 408: give it time to try.
      await sleep(1500);
      expect(listener.connections).toBe(0);
      expect(listener.bytes).toBe('');
    } finally {
      await listener.close();
    }
  }, 10_000);
});
