// Issue 11, robust replies: requests a peer sends over raw UDP that today get no answer at all. A Via naming
// TCP (or TLS) on a request that came over UDP is answered over UDP to its source; a request whose CSeq
// cannot be read, but whose Via can, is answered 400.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGuest } from '../../src/builder/index.ts';
import { type ServerProcess, startServerProcess } from './harness.ts';
import { requestText, statuses, type UdpPeer, udpPeer, until } from './raw-peer.ts';

const out = mkdtempSync(join(tmpdir(), 'kemi-e2e-robust-'));

describe('robust replies (issue 11)', () => {
  let server: ServerProcess;
  let peer: UdpPeer;

  beforeAll(async () => {
    const built = await buildGuest('guest-examples/assemblyscript/hello', { out: join(out, 'hello.wasm') });
    if (!built.ok) throw new Error(built.error.message);
    server = await startServerProcess(['--listen', 'udp:127.0.0.1:0', '--module', built.value.out]);
    peer = await udpPeer();
  }, 120_000);

  afterAll(async () => {
    await peer?.close();
    expect(await server?.stop()).toBe(0);
  });

  /** Sends `text` over UDP and waits for one reply (or 2 s). */
  async function ask(text: string): Promise<string[]> {
    peer.received.length = 0;
    await peer.send(text, server.ports.udp!);
    await until(() => peer.received.length > 0, 2000);
    return [...peer.received];
  }

  it.each(['TCP', 'TLS'])(
    'answers over UDP, to its source, a UDP request whose Via names %s',
    async (proto) => {
      // The sent-by port (absent: 5060 / 5061) names a stream listener, not the datagram's source port.
      const via = `SIP/2.0/${proto} 127.0.0.1;branch=z9hG4bK-via-${proto}`;
      const got = await ask(
        requestText({
          method: 'OPTIONS',
          uri: `sip:127.0.0.1:${server.ports.udp}`,
          via,
          callId: `via-${proto}`,
        }),
      );
      expect(statuses(got)).toEqual([200]);
      expect(got[0]).toContain(`Via: ${via}`);
    },
  );

  it.each([
    ['unreadable', 'x OPTIONS'],
    ['empty', ''],
  ])('answers 400 to a request whose CSeq is %s, matching it by Via branch and method', async (_, cseq) => {
    const via = `SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bK-cseq-${cseq.length}`;
    const got = await ask(
      requestText({
        method: 'OPTIONS',
        uri: `sip:127.0.0.1:${server.ports.udp}`,
        via,
        callId: `cseq-${cseq.length}`,
        cseq,
      }),
    );
    expect(statuses(got)).toEqual([400]);
    expect(got[0]).toMatch(/^SIP\/2\.0 400 (Bad|Missing) CSeq\r\n/);
    expect(got[0]).toContain(`Via: ${via}\r\n`);
    expect(got[0]).toContain('\r\nCSeq: 0 OPTIONS\r\n');
  });

  it('still answers nothing to an ACK whose CSeq is unreadable', async () => {
    const via = `SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bK-ack`;
    const got = await ask(
      requestText({ method: 'ACK', uri: 'sip:127.0.0.1', via, callId: 'ack', cseq: 'x ACK' }),
    );
    expect(got).toEqual([]);
  });
});
