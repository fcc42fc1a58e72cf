import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collectedLog } from '../../fixtures/collected-log.ts';
import type { Resolve } from '../../src/transport/resolve.ts';
import type { SendResult } from '../../src/transport/send-result.ts';
import {
  bindRawUdp,
  type Harness,
  ipv6LoopbackAvailable,
  LOOPBACKS,
  type RawUdpPeer,
  sendAndWait,
  sipRequest,
  startHarness,
  until,
} from './loopback.ts';

let harness: Harness | undefined;
let peer: RawUdpPeer | undefined;
afterEach(async () => {
  await harness?.transport.close();
  await peer?.close();
  harness = undefined;
  peer = undefined;
});

describe('IPv6 loopback', () => {
  it('is available on this machine (the IPv6 suites need ::1)', async () => {
    expect(await ipv6LoopbackAvailable(), 'cannot bind ::1: IPv6 loopback is missing on this host').toBe(
      true,
    );
  });
});

for (const lo of LOOPBACKS) {
  describe(`UDP over ${lo.family}`, () => {
    beforeAll(async () => {
      if (lo.family === 'IPv6')
        expect(await ipv6LoopbackAvailable(), 'IPv6 loopback ::1 unavailable').toBe(true);
    });

    it('hands over each datagram whole with its source', async () => {
      harness = await startHarness([`udp:${lo.bracketed}:0`]);
      peer = await bindRawUdp(lo.host);
      const local = harness.listener('udp');
      expect(local.port).toBeGreaterThan(0);
      const request = `${sipRequest('OPTIONS', 'udp-1')}trailing octets the parser discards`;
      await peer.send(request, local.port);

      const { bytes, source } = await harness.message(0);
      expect(bytes.toString('latin1')).toBe(request);
      expect(source).toEqual({
        proto: 'udp',
        remote: { address: lo.host, port: peer.port },
        local,
      });
      expect(source.connectionId).toBeUndefined();
      expect(harness.transport.counters.udp).toMatchObject({ received: 1, bytesReceived: request.length });
    });

    it('ignores and counts empty datagrams and CRLF keep-alives', async () => {
      harness = await startHarness([`udp:${lo.bracketed}:0`]);
      peer = await bindRawUdp(lo.host);
      const { port } = harness.listener('udp');
      await peer.send('', port);
      await peer.send('\r\n\r\n', port);
      await peer.send('\r\n', port);
      await peer.send(sipRequest('OPTIONS', 'after-keepalives'), port);

      const { bytes } = await harness.message(0);
      expect(bytes.toString('latin1')).toContain('after-keepalives');
      expect(harness.received).toHaveLength(1);
      expect(harness.transport.counters.udp.keepalives).toBe(2);
      expect(harness.transport.counters.dropped).toBe(1);
    });

    it('drops and counts datagrams over maxMessageBytes', async () => {
      harness = await startHarness([`udp:${lo.bracketed}:0`], {
        limits: { maxMessageBytes: 500, maxHeaderBytes: 500 },
      });
      peer = await bindRawUdp(lo.host);
      const { port } = harness.listener('udp');
      await peer.send(sipRequest('MESSAGE', 'big', 'x'.repeat(600)), port);
      await peer.send(sipRequest('MESSAGE', 'small', 'x'), port);
      const { bytes } = await harness.message(0);
      expect(bytes.toString('latin1')).toContain('small');
      expect(harness.transport.counters.dropped).toBe(1);
    });

    it('sends from the listen address and port, so replies leave where requests arrived', async () => {
      harness = await startHarness([`udp:${lo.bracketed}:0`]);
      peer = await bindRawUdp(lo.host);
      const local = harness.listener('udp');
      const reply = Buffer.from('SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n');

      const result = await sendAndWait(
        harness.transport,
        { proto: 'udp', address: lo.host, port: peer.port, local },
        reply,
      );
      expect(result).toEqual({
        ok: true,
        value: { proto: 'udp', local, remote: { address: lo.host, port: peer.port } },
      });
      await until(() => peer?.received.length === 1, 'the peer to receive the reply');
      expect(peer.received[0]).toEqual(reply);
      expect(harness.transport.counters.udp).toMatchObject({
        sent: 1,
        bytesSent: reply.length,
        sendErrors: 0,
      });
    });

    it('reports a datagram too large for UDP as message-too-large, naming the target', async () => {
      harness = await startHarness([`udp:${lo.bracketed}:0`]);
      peer = await bindRawUdp(lo.host);
      const result = await sendAndWait(
        harness.transport,
        { proto: 'udp', address: lo.host, port: peer.port },
        Buffer.alloc(70_000, 0x41),
      );
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error).toMatchObject({
          code: 'message-too-large',
          systemCode: 'EMSGSIZE',
          target: `udp:${lo.bracketed}:${peer.port}`,
        });
        expect(result.error.message).toContain(`udp:${lo.bracketed}:${peer.port}`);
      }
      expect(harness.transport.counters.udp.sendErrors).toBe(1);
    });

    it('counts and logs the sends nobody waits for, a failure naming its target', async () => {
      const { log, lines } = collectedLog();
      harness = await startHarness([`udp:${lo.bracketed}:0`], { logger: log });
      peer = await bindRawUdp(lo.host);
      const target = { proto: 'udp', address: lo.host, port: peer.port } as const;
      harness.transport.send(target, Buffer.alloc(70_000, 0x41));
      harness.transport.send(target, Buffer.from('small'));
      const udp = harness.transport.counters.udp;
      await until(() => udp.sent + udp.sendErrors === 2, 'both sends to finish');
      expect(udp).toMatchObject({ sent: 1, bytesSent: 5, sendErrors: 1 });
      await until(() => peer?.received.length === 1, 'the small datagram');
      expect(lines).toContainEqual(
        expect.objectContaining({
          msg: 'udp send failed',
          target: `udp:${lo.bracketed}:${peer.port}`,
          code: 'EMSGSIZE',
        }),
      );
    });

    it('tells `done` of a send only after send returned, also of one that threw inside', async () => {
      harness = await startHarness([`udp:${lo.bracketed}:0`]);
      peer = await bindRawUdp(lo.host);
      const target = { proto: 'udp', address: lo.host, port: peer.port } as const;
      const heard: SendResult[] = [];
      harness.transport.send(target, Buffer.from('one'), (r) => heard.push(r));
      expect(heard).toEqual([]);
      // The same path as a socket closed under the send: the throw becomes a failure, heard later.
      harness.transport.wireTap = {
        sent: () => {
          throw new Error('the tap broke');
        },
      };
      harness.transport.send(target, Buffer.from('two'), (r) => heard.push(r));
      expect(heard).toEqual([]);
      await until(() => heard.length === 2, 'both results');
      // Heard in any order: the failure needs no answer from the socket.
      expect(heard.filter((r) => r.ok)).toHaveLength(1);
      expect(heard.find((r) => !r.ok)).toMatchObject({
        ok: false,
        error: { code: 'network', target: `udp:${lo.bracketed}:${peer.port}` },
      });
      expect(harness.transport.counters.udp).toMatchObject({ sent: 1, sendErrors: 1 });
    });
  });
}

describe('UDP send to an address spelled otherwise', () => {
  it('names the target as the caller wrote it (an IPv4-mapped IPv6 address)', async () => {
    harness = await startHarness(['udp:127.0.0.1:0']);
    peer = await bindRawUdp('127.0.0.1');
    const result = await sendAndWait(
      harness.transport,
      { proto: 'udp', address: '::ffff:127.0.0.1', port: peer.port },
      Buffer.alloc(70_000, 0x41),
    );
    expect(!result.ok && result.error.target).toBe(`udp:[::ffff:127.0.0.1]:${peer.port}`);
    const sent = await sendAndWait(
      harness.transport,
      { proto: 'udp', address: '::ffff:127.0.0.1', port: peer.port },
      Buffer.from('x'),
    );
    expect(sent.ok && sent.value.remote).toEqual({ address: '127.0.0.1', port: peer.port });
  });
});

describe('UDP send target errors', () => {
  it('reports an unresolvable host name as a value', async () => {
    const resolve: Resolve = async (host) => ({
      ok: false,
      error: { systemCode: 'ENOTFOUND', message: `cannot resolve '${host}': ENOTFOUND` },
    });
    harness = await startHarness(['udp:127.0.0.1:0'], { resolve });
    const result = await sendAndWait(
      harness.transport,
      { proto: 'udp', address: 'nowhere.invalid', port: 5060 },
      Buffer.from('x'),
    );
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'unresolvable',
        systemCode: 'ENOTFOUND',
        target: 'udp:nowhere.invalid:5060',
        message: "send to udp:nowhere.invalid:5060: cannot resolve 'nowhere.invalid': ENOTFOUND",
      },
    });
  });

  it('resolves a host name to an address of a family it has a listener for', async () => {
    harness = await startHarness(['udp:127.0.0.1:0']);
    peer = await bindRawUdp('127.0.0.1');
    const result = await sendAndWait(
      harness.transport,
      { proto: 'udp', address: 'localhost', port: peer.port },
      Buffer.from('hi'),
    );
    expect(result.ok && result.value.remote).toEqual({ address: '127.0.0.1', port: peer.port });
    await until(() => peer?.received.length === 1, 'the datagram sent to localhost');
  });

  it('reports no-listener for a family or protocol it does not listen on', async () => {
    harness = await startHarness(['udp:127.0.0.1:0']);
    const v6 = await sendAndWait(
      harness.transport,
      { proto: 'udp', address: '::1', port: 5060 },
      Buffer.from('x'),
    );
    expect(!v6.ok && v6.error.code).toBe('no-listener');
    const tcp = await sendAndWait(
      harness.transport,
      { proto: 'tcp', address: '127.0.0.1', port: 5060 },
      Buffer.from('x'),
    );
    expect(!tcp.ok && tcp.error.code).toBe('no-listener');
    const from = await sendAndWait(
      harness.transport,
      { proto: 'udp', address: '127.0.0.1', port: 5060, local: { address: '127.0.0.1', port: 1 } },
      Buffer.from('x'),
    );
    expect(!from.ok && from.error.message).toContain('from udp:127.0.0.1:1: no udp listener');
  });

  it.each([0, 65536, 1.5])('reports port %s as an invalid target', async (port) => {
    harness = await startHarness(['udp:127.0.0.1:0']);
    const result = await sendAndWait(
      harness.transport,
      { proto: 'udp', address: '127.0.0.1', port },
      Buffer.from('x'),
    );
    expect(!result.ok && result.error.code).toBe('invalid-target');
  });
});

describe('a throwing onMessage', () => {
  it('is logged and counted; the transport goes on receiving', async () => {
    let calls = 0;
    harness = await startHarness(['udp:127.0.0.1:0'], {
      onMessage: () => {
        calls++;
        if (calls === 1) throw new Error('bug in the caller');
      },
    });
    peer = await bindRawUdp('127.0.0.1');
    const { port } = harness.listener('udp');
    await peer.send(sipRequest('OPTIONS', 'a'), port);
    await until(() => calls === 1, 'the first message');
    await peer.send(sipRequest('OPTIONS', 'b'), port);
    await until(() => calls === 2, 'the second message');
    expect(harness.transport.counters.handlerErrors).toBe(1);
  });
});
