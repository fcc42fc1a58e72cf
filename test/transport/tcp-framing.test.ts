import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  connectRaw,
  type Harness,
  ipv6LoopbackAvailable,
  LOOPBACKS,
  type RawTcpPeer,
  sendAndWait,
  sipRequest,
  startHarness,
  until,
} from './loopback.ts';

let harness: Harness | undefined;
let peer: RawTcpPeer | undefined;
afterEach(async () => {
  peer?.socket.destroy();
  await harness?.transport.close();
  harness = undefined;
  peer = undefined;
});

const write = (p: RawTcpPeer, data: string) =>
  new Promise<void>((resolve, reject) =>
    p.socket.write(Buffer.from(data, 'latin1'), (err) => (err ? reject(err) : resolve())),
  );

for (const lo of LOOPBACKS) {
  describe(`TCP framing over ${lo.family}`, () => {
    beforeAll(async () => {
      if (lo.family === 'IPv6')
        expect(await ipv6LoopbackAvailable(), 'IPv6 loopback ::1 unavailable').toBe(true);
    });

    it('hands over each framed message with its source and connection id', async () => {
      harness = await startHarness([`tcp:${lo.bracketed}:0`]);
      const local = harness.listener('tcp');
      peer = await connectRaw(lo.host, local.port);
      const request = sipRequest('INVITE', 'tcp-1', 'v=0\r\n');
      await write(peer, request);

      const { bytes, source } = await harness.message(0);
      expect(bytes.toString('latin1')).toBe(request);
      expect(source.proto).toBe('tcp');
      expect(source.remote).toEqual({ address: lo.host, port: peer.socket.localPort });
      expect(source.local).toEqual({ address: lo.host, port: local.port });
      expect(source.connectionId).toBeTypeOf('number');
      expect(harness.transport.connection(source.connectionId ?? -1)).toMatchObject({ direction: 'inbound' });
    });

    it('frames messages written byte by byte and coalesced in one write', async () => {
      harness = await startHarness([`tcp:${lo.bracketed}:0`]);
      peer = await connectRaw(lo.host, harness.listener('tcp').port);
      const slow = sipRequest('MESSAGE', 'slow', 'hello\r\n\r\nworld');
      for (const ch of slow) await write(peer, ch);
      const burst = [sipRequest('OPTIONS', 'b1'), sipRequest('MESSAGE', 'b2', 'xy'), sipRequest('BYE', 'b3')];
      await write(peer, `\r\n${burst.join('')}`);

      await harness.message(3);
      expect(harness.received.map((r) => r.bytes.toString('latin1'))).toEqual([slow, ...burst]);
      expect(harness.transport.counters.tcp.received).toBe(4);
    });

    it('answers a CRLFCRLF ping with a CRLF pong and keeps the connection', async () => {
      harness = await startHarness([`tcp:${lo.bracketed}:0`]);
      peer = await connectRaw(lo.host, harness.listener('tcp').port);
      await write(peer, '\r\n\r\n');
      await peer.waitFor('\r\n');
      expect(peer.text()).toBe('\r\n');
      expect(harness.transport.counters.tcp.keepalives).toBe(1);
      await write(peer, sipRequest('OPTIONS', 'after-ping'));
      const { bytes } = await harness.message(0);
      expect(bytes.toString('latin1')).toContain('after-ping');
    });
  });
}

describe('TCP framing errors', () => {
  it('reports a malformed Content-Length, lets the caller answer 400 on the connection, then closes it', async () => {
    harness = await startHarness(['tcp:127.0.0.1:0'], {}, (h, error, source) => {
      void sendAndWait(
        h.transport,
        { connectionId: source.connectionId ?? -1 },
        Buffer.from(`SIP/2.0 400 ${error.code}\r\n\r\n`),
      );
    });
    peer = await connectRaw('127.0.0.1', harness.listener('tcp').port);
    const peerPort = peer.socket.localPort;
    const good = sipRequest('OPTIONS', 'good');
    const bad = 'INVITE sip:bob@example.com SIP/2.0\r\nCall-ID: bad\r\nContent-Length: twelve\r\n\r\n';
    await write(peer, good + bad);

    await peer.closed;
    expect(peer.text()).toBe('SIP/2.0 400 malformed-content-length\r\n\r\n');
    expect(harness.received.map((r) => r.bytes.toString('latin1'))).toEqual([good]);
    const [{ error, source }] = harness.framingErrors;
    expect(error).toMatchObject({ code: 'malformed-content-length', streamOffset: good.length });
    expect(error.head?.toString('latin1')).toBe(bad);
    expect(source.remote.port).toBe(peerPort);
    expect(harness.transport.counters.framingErrors).toBe(1);
    await until(() => harness?.transport.connectionCount === 0, 'the connection to leave the table');
  });

  it('closes a stream whose message has no Content-Length', async () => {
    harness = await startHarness(['tcp:127.0.0.1:0']);
    peer = await connectRaw('127.0.0.1', harness.listener('tcp').port);
    await write(peer, 'MESSAGE sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\nbody');
    await peer.closed;
    expect(harness.framingErrors.map((f) => f.error.code)).toEqual(['missing-content-length']);
  });

  it('closes a stream whose message exceeds maxMessageBytes', async () => {
    harness = await startHarness(['tcp:127.0.0.1:0'], {
      limits: { maxMessageBytes: 1000, maxHeaderBytes: 500 },
    });
    peer = await connectRaw('127.0.0.1', harness.listener('tcp').port);
    await write(peer, sipRequest('MESSAGE', 'big', 'x'.repeat(1000)));
    await peer.closed;
    expect(harness.framingErrors.map((f) => f.error.code)).toEqual(['message-too-large']);
    expect(harness.received).toHaveLength(0);
  });

  it('closes a stream whose header section exceeds maxHeaderBytes', async () => {
    harness = await startHarness(['tcp:127.0.0.1:0'], {
      limits: { maxMessageBytes: 1000, maxHeaderBytes: 500 },
    });
    peer = await connectRaw('127.0.0.1', harness.listener('tcp').port);
    await write(peer, `MESSAGE sip:a@b SIP/2.0\r\nX-Filler: ${'y'.repeat(600)}`);
    await peer.closed;
    expect(harness.framingErrors.map((f) => f.error.code)).toEqual(['header-too-large']);
  });

  it('contains a throwing onFramingError and still closes the connection', async () => {
    harness = await startHarness(['tcp:127.0.0.1:0'], {
      onFramingError: () => {
        throw new Error('bug in the caller');
      },
    });
    peer = await connectRaw('127.0.0.1', harness.listener('tcp').port);
    await write(peer, 'MESSAGE sip:a@b SIP/2.0\r\nl: x\r\n\r\n');
    await peer.closed;
    expect(harness.transport.counters.handlerErrors).toBe(1);
  });
});
