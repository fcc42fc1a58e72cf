// Issue 11, reply amplification: one INVITE over UDP that gets a final error made the server retransmit
// that response on timer G until timer H, to a source address nobody verified (it may be spoofed: the
// packets then hit a third party). Against a real `kemi-wasm serve` relaying to a destination that never
// answers (408 on fr_timer), the attacker sees the 408 at most 1 + tm.max_reply_retransmissions times (the
// default, 4); the transaction still lives until timer H, so a retransmitted INVITE is answered once more and
// the ACK is absorbed, neither reaching the route or the destination.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Guest } from '../../fixtures/guest.ts';
import { type ServerProcess, startServerProcess } from './harness.ts';
import { requestText, sleep, statuses, type UdpPeer, udpPeer, until } from './raw-peer.ts';

const T1 = 100;
const T2 = 400;
const FR = 600;
/** Timer H: 64*T1 after the 408. */
const H = 64 * T1;
/** The default of tm.max_reply_retransmissions. */
const MAX_RETRANSMISSIONS = 4;

describe('final-response retransmissions to an unverified UDP source (issue 11)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-retrans-'));
  let server: ServerProcess;
  let blackHole: UdpPeer;
  let attacker: UdpPeer;

  beforeAll(async () => {
    blackHole = await udpPeer();
    attacker = await udpPeer();
    const g = new Guest();
    const relay = g.call('tm', 't-relay', []);
    const replyError = g.call('sl', 'sl-reply-error', []);
    g.route(
      'request-route',
      `(drop ${g.call('core', 'setdsturi', [`sip:127.0.0.1:${blackHole.port}`])})
       (if (i32.lt_s ${relay} (i32.const 0)) (then (drop ${replyError})))`,
    );
    const wasm = join(dir, 'relay.wasm');
    writeFileSync(wasm, await g.component());
    const config = join(dir, 'retrans.toml');
    writeFileSync(
      config,
      [
        'listen = ["udp:127.0.0.1:0"]',
        `module = "${wasm}"`,
        '[tm]',
        `retr_timer1 = ${T1}`,
        `retr_timer2 = ${T2}`,
        `fr_timer = ${FR}`,
        `fr_inv_timer = ${FR}`,
      ].join('\n'),
    );
    server = await startServerProcess(['--config', config]);
  }, 120_000);

  afterAll(async () => {
    await attacker?.close();
    await blackHole?.close();
    expect(await server?.stop()).toBe(0);
  });

  it('one INVITE answered 408: the 408 is sent at most 1 + 4 times until timer H', async () => {
    const invite = requestText({
      method: 'INVITE',
      uri: 'sip:bob@127.0.0.1',
      via: `SIP/2.0/UDP 127.0.0.1:${attacker.port};branch=z9hG4bK-amp1`,
      callId: 'amp1',
    });
    await attacker.send(invite, server.ports.udp!);
    await until(() => statuses(attacker.received).includes(408), 5000);
    const first408 = Date.now();
    // Without the cap timer G goes on until timer H: 1 + 17 sends of the 408 with these timers (10 by H/2).
    await sleep(H / 2);
    const final = () => statuses(attacker.received).filter((s) => s === 408).length;
    expect(statuses(attacker.received)[0]).toBe(100);
    expect(final()).toBe(1 + MAX_RETRANSMISSIONS);

    // Still Completed (timer H has not fired): a retransmitted INVITE gets the 408 once, not the route.
    const relayed = blackHole.received.length;
    await attacker.send(invite, server.ports.udp!);
    await until(() => final() === 2 + MAX_RETRANSMISSIONS, 2000);
    expect(final()).toBe(2 + MAX_RETRANSMISSIONS);
    // The ACK is absorbed by the transaction: the 408 stops for good.
    const ack = requestText({
      method: 'ACK',
      uri: 'sip:bob@127.0.0.1',
      via: `SIP/2.0/UDP 127.0.0.1:${attacker.port};branch=z9hG4bK-amp1`,
      callId: 'amp1',
      toTag: /\r\nTo: [^\r\n]*;tag=([^;\r\n]+)/.exec(attacker.received.at(-1)!)![1],
    });
    await attacker.send(ack, server.ports.udp!);
    await sleep(Math.max(0, first408 + H + 500 - Date.now()));
    expect(final()).toBe(2 + MAX_RETRANSMISSIONS);
    // Neither reached the route: the black hole got nothing after the 408 (its branch had timed out).
    expect(blackHole.received.length).toBe(relayed);
  }, 20_000);
});
