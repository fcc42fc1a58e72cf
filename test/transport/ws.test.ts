// WebSocket listeners (RFC 7118) with real `ws` clients on loopback: the sip subprotocol, one message per
// frame, replies over the client's own connection, refusals and oversized frames counted.
import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestCa, type TestCa } from '../../fixtures/tls-certs.ts';
import { TlsContexts } from '../../src/transport/tls-contexts.ts';
import { type Harness, sendAndWait, sipRequest, startHarness, until } from './loopback.ts';

let ca: TestCa;
let tls: TlsContexts;
beforeAll(() => {
  ca = createTestCa();
  const server = ca.issue('server', { dns: ['localhost'], ips: ['127.0.0.1'] });
  const loaded = TlsContexts.load({
    certificates: [server],
    ca: [ca.caFile],
    systemCa: false,
    verifyClient: false,
    verifyServer: true,
  });
  if (!loaded.ok) throw new Error(loaded.error);
  tls = loaded.value;
});
afterAll(() => ca.remove());

const harnesses: Harness[] = [];
const clients: WebSocket[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.terminate();
  await Promise.all(harnesses.splice(0).map((h) => h.transport.close()));
});

async function start(listen: string[], limits = {}): Promise<Harness> {
  const h = await startHarness(listen, { tls, limits });
  harnesses.push(h);
  return h;
}

/** A client with the sip subprotocol (or `protocols`); resolves once open, with what it reads. */
async function client(url: string, protocols: string[] = ['sip'], autoPong = true) {
  const ws = new WebSocket(url, protocols, { ca: ca.caPem, autoPong });
  clients.push(ws);
  const frames: string[] = [];
  ws.on('message', (data) => frames.push(data.toString()));
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames, closed };
}

const bytes = (text: string) => Buffer.from(text, 'latin1');

describe('WebSocket transport', () => {
  for (const proto of ['ws', 'wss'] as const) {
    it(`${proto}: takes one SIP message per frame and answers over the client's connection`, async () => {
      const h = await start([`${proto}:127.0.0.1:0`, 'udp:127.0.0.1:0']);
      const port = h.listener(proto).port;
      const c = await client(`${proto}://127.0.0.1:${port}`);
      expect(c.ws.protocol).toBe('sip');
      // No Content-Length: a frame is a whole message, as a datagram is.
      c.ws.send('OPTIONS sip:bob@example.com SIP/2.0\r\nCall-ID: ws-1\r\nCSeq: 1 OPTIONS\r\n\r\n');
      const got = await h.message(0);
      expect(got.source.proto).toBe(proto);
      expect(got.bytes.toString('latin1')).toContain('Call-ID: ws-1');
      const reply = await sendAndWait(
        h.transport,
        { connectionId: got.source.connectionId! },
        bytes('SIP/2.0 200 OK\r\n\r\n'),
      );
      expect(reply.ok && reply.value.proto).toBe(proto);
      await until(() => c.frames.length === 1, 'the reply frame');
      expect(c.frames[0]).toBe('SIP/2.0 200 OK\r\n\r\n');
      // A request to the client's address goes over its connection (transport=ws names ws and wss alike).
      const { address, port: clientPort } = got.source.remote;
      const again = await sendAndWait(
        h.transport,
        { proto: 'ws', address, port: clientPort },
        bytes(sipRequest('OPTIONS', 'back')),
      );
      expect(again.ok && again.value.connectionId).toBe(got.source.connectionId);
      await until(() => c.frames.length === 2, 'the request frame');
      expect(h.transport.counters[proto].received).toBe(1);
      expect(h.transport.counters[proto].sent).toBe(2);
    });
  }

  it('never dials a WebSocket peer: no connection, a clear send failure', async () => {
    const h = await start(['ws:127.0.0.1:0']);
    const sent = await sendAndWait(h.transport, { proto: 'ws', address: '127.0.0.1', port: 9 }, bytes('x'));
    expect(sent.ok).toBe(false);
    if (!sent.ok) {
      expect(sent.error.code).toBe('connection-closed');
      expect(sent.error.message).toMatch(/websocket peers are reached only over their own connection/);
    }
  });

  it('refuses an upgrade without the sip subprotocol with HTTP 400, and plain HTTP with 426, counted', async () => {
    const h = await start(['ws:127.0.0.1:0']);
    const port = h.listener('ws').port;
    const refused = await client(`ws://127.0.0.1:${port}`, ['chat']).catch((e: Error) => e);
    expect(String(refused)).toMatch(/Unexpected server response: 400/);
    const plain = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/' }, (res) => {
        let body = '';
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(plain.status).toBe(426);
    expect(plain.body).toMatch(/subprotocol "sip"/);
    expect(h.transport.counters.wsUpgradesRefused).toBe(2);
    expect(h.received).toHaveLength(0);
  });

  it('closes a connection sending a frame over maxMessageBytes with 1009, counted, and goes on', async () => {
    const h = await start(['ws:127.0.0.1:0'], { maxMessageBytes: 2000, maxHeaderBytes: 1000 });
    const port = h.listener('ws').port;
    const big = await client(`ws://127.0.0.1:${port}`);
    big.ws.send('x'.repeat(2001));
    expect(await big.closed).toBe(1009);
    expect(h.transport.counters.wsOversizedFrames).toBe(1);
    const next = await client(`ws://127.0.0.1:${port}`);
    next.ws.send(sipRequest('OPTIONS', 'after'));
    expect((await h.message(0)).bytes.toString('latin1')).toContain('Call-ID: after');
  });

  it('keeps a silent client that answers pings, closes one that does not', async () => {
    const h = await start(['ws:127.0.0.1:0'], { idleTimeoutMs: 2000 });
    const url = `ws://127.0.0.1:${h.listener('ws').port}`;
    const quiet = await client(url);
    const deaf = await client(url, ['sip'], false);
    await deaf.closed;
    expect(h.transport.counters.idleTimeouts).toBe(1);
    expect(quiet.ws.readyState).toBe(WebSocket.OPEN);
    quiet.ws.send(sipRequest('OPTIONS', 'still-here'));
    expect((await h.message(0)).bytes.toString('latin1')).toContain('Call-ID: still-here');
  });

  for (const proto of ['ws', 'wss'] as const) {
    it(`${proto}: applies the per-IP connection budget (wss: before the TLS handshake)`, async () => {
      const h = await start([`${proto}:127.0.0.1:0`], { maxConnectionsPerIp: 1 });
      const port = h.listener(proto).port;
      await client(`${proto}://127.0.0.1:${port}`);
      const second = await client(`${proto}://127.0.0.1:${port}`).catch((e: Error) => e);
      expect(second).toBeInstanceOf(Error);
      expect(h.transport.counters.connectionsRejectedPerIp).toBe(1);
      expect(h.transport.counters.tlsHandshakeFailures).toBe(0);
    });
  }
});
