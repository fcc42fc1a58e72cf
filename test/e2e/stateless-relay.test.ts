// Issue 11, stateless response relay: a response that matches no transaction and whose top Via names the
// server was popped and sent wherever the next Via said, over UDP or a new TCP connection, body included: an
// SSRF primitive (a forged 200 could write "SET ..." into a Redis on loopback). Only responses whose top
// branch this process minted, signed for the hop the next Via names, may go on; never over a new
// connection. Forged ones are dropped and counted.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGuest } from '../../src/builder/index.ts';
import { type ServerProcess, startServerProcess } from './harness.ts';
import {
  requestText,
  responseText,
  sleep,
  statuses,
  tcpVictim,
  type UdpPeer,
  udpPeer,
  until,
} from './raw-peer.ts';

const out = mkdtempSync(join(tmpdir(), 'kemi-e2e-slrelay-'));
const PAYLOAD = 'SET pwned 1\r\n';

/** A 200 with our Via on top (any branch) and the third party's Via below. */
function forged200(serverPort: number, branch: string, next: string): string {
  return [
    'SIP/2.0 200 OK',
    `Via: SIP/2.0/UDP 127.0.0.1:${serverPort};branch=${branch}`,
    `Via: ${next}`,
    'From: <sip:alice@127.0.0.1>;tag=a1',
    'To: <sip:bob@127.0.0.1>;tag=b1',
    'Call-ID: forged-200',
    'CSeq: 1 INVITE',
    `Content-Length: ${PAYLOAD.length}`,
    '',
    PAYLOAD,
  ].join('\r\n');
}

let wasm: string;
beforeAll(async () => {
  const built = await buildGuest('guest-examples/assemblyscript/proxy', { out: join(out, 'proxy.wasm') });
  if (!built.ok) throw new Error(built.error.message);
  wasm = built.value.out;
}, 120_000);

describe('stateless response relay (issue 11)', () => {
  let server: ServerProcess;
  let attacker: UdpPeer;

  beforeAll(async () => {
    server = await startServerProcess([
      '--listen',
      'udp:127.0.0.1:0',
      '--listen',
      'tcp:127.0.0.1:0',
      '--module',
      wasm,
    ]);
    attacker = await udpPeer();
  }, 120_000);

  afterAll(async () => {
    await attacker?.close();
    expect(await server?.stop()).toBe(0);
  });

  // Branches an attacker can write: its own, and ones shaped like this server's (it sees those in the
  // requests the server forwards to it).
  const branches = ['z9hG4bK-forged', 'z9hG4bK0123abcd.1', 'z9hG4bK0123abcd.1.u0123456789abcdef'];

  it('a forged 200 whose next Via names a TCP listener: no connection is opened, nothing written', async () => {
    const listener = await tcpVictim();
    try {
      for (const branch of branches) {
        const next = `SIP/2.0/TCP 127.0.0.1:${listener.port};branch=z9hG4bK-victim`;
        await attacker.send(forged200(server.ports.udp!, branch, next), server.ports.udp!);
      }
      await sleep(700);
      expect(listener.connections).toBe(0);
      expect(listener.bytes).toBe('');
    } finally {
      await listener.close();
    }
  });

  it('a forged 200 whose next Via names a UDP listener (received/rport too): nothing is sent', async () => {
    const victim = await udpPeer('127.0.0.2');
    try {
      for (const branch of branches) {
        for (const next of [
          `SIP/2.0/UDP 127.0.0.2:${victim.port};branch=z9hG4bK-victim`,
          `SIP/2.0/UDP 127.0.0.1:9;received=127.0.0.2;rport=${victim.port};branch=z9hG4bK-victim`,
        ]) {
          await attacker.send(forged200(server.ports.udp!, branch, next), server.ports.udp!);
        }
      }
      await sleep(700);
      expect(victim.received).toEqual([]);
      expect(attacker.received).toEqual([]);
    } finally {
      await victim.close();
    }
  });

  it('counts and logs what it refused', () => {
    const refused = server.lines.filter((l) => String(l.msg).startsWith('stateless response not forwarded'));
    expect(refused.length).toBeGreaterThanOrEqual(3 * branches.length);
  });
});

describe('a 2xx that outlives its transaction still reaches the caller (16.11)', () => {
  let server: ServerProcess;
  let callee: UdpPeer;

  beforeAll(async () => {
    callee = await udpPeer();
    const config = join(out, 'late-2xx.toml');
    // wt_timer 1 s: the INVITE transaction (Accepted, timer L) and its branch end 1 s after the 200.
    writeFileSync(
      config,
      [
        'listen = ["udp:127.0.0.1:0", "tcp:127.0.0.1:0"]',
        `module = "${wasm}"`,
        'log_level = "debug"',
        '[tm]',
        'wt_timer = 1000',
        '[defines]',
        `PRIMARY = "sip:127.0.0.1:${callee.port}"`,
      ].join('\n'),
    );
    server = await startServerProcess(['--config', config]);
  });

  afterAll(async () => {
    await callee?.close();
    expect(await server?.stop()).toBe(0);
  });

  const forwardedStatelessly = (callId: string) =>
    server.lines.filter((l) => l.msg === 'response forwarded statelessly' && l.callId === callId).length;

  /** The callee answers the INVITE it got 200, then again once the transaction ended. */
  async function answerTwice(): Promise<void> {
    await until(() => callee.received.some((t) => t.startsWith('INVITE ')), 3000);
    const invite = callee.received.find((t) => t.startsWith('INVITE '))!;
    callee.received.length = 0;
    await callee.send(responseText(invite, 200), server.ports.udp!);
    await sleep(2500);
    await callee.send(responseText(invite, 200), server.ports.udp!);
  }

  it('over UDP, to the source the INVITE came from', async () => {
    const caller = await udpPeer();
    try {
      const via = `SIP/2.0/UDP 127.0.0.1:${caller.port};rport;branch=z9hG4bK-late-udp`;
      await caller.send(
        requestText({ method: 'INVITE', uri: 'sip:bob@example.invalid', via, callId: 'late-udp' }),
        server.ports.udp!,
      );
      await answerTwice();
      await until(() => statuses(caller.received).filter((s) => s === 200).length >= 2, 2000);
      expect(statuses(caller.received)).toEqual([100, 200, 200]);
      // The log line comes through the server's stdout, maybe after the datagram.
      await until(() => forwardedStatelessly('late-udp') > 0, 1000);
      expect(forwardedStatelessly('late-udp')).toBe(1);
    } finally {
      await caller.close();
    }
  }, 15_000);

  it("over TCP, on the INVITE's own connection", async () => {
    const socket = connect(server.ports.tcp!, '127.0.0.1');
    let got = '';
    socket.on('data', (d) => {
      got += d.toString('latin1');
    });
    try {
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      const via = `SIP/2.0/TCP 127.0.0.1:${socket.localPort};branch=z9hG4bK-late-tcp`;
      socket.write(
        requestText({ method: 'INVITE', uri: 'sip:bob@example.invalid', via, callId: 'late-tcp' }),
      );
      await answerTwice();
      await until(() => (got.match(/SIP\/2\.0 200 /g) ?? []).length >= 2, 2000);
      expect(got.match(/^SIP\/2\.0 \d{3}/gm)).toEqual(['SIP/2.0 100', 'SIP/2.0 200', 'SIP/2.0 200']);
      // The log line comes through the server's stdout, maybe after the datagram.
      await until(() => forwardedStatelessly('late-tcp') > 0, 1000);
      expect(forwardedStatelessly('late-tcp')).toBe(1);
    } finally {
      socket.destroy();
    }
  }, 15_000);
});
