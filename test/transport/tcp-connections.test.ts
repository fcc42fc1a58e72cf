import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/transport/limits.ts';
import type { SendResult } from '../../src/transport/send-result.ts';
import {
  closedTcpPort,
  connectRaw,
  type Harness,
  ipv6LoopbackAvailable,
  LOOPBACKS,
  type RawTcpPeer,
  sendAndWait,
  sipRequest,
  startHarness,
  unansweredTcpPort,
  until,
} from './loopback.ts';

const harnesses: Harness[] = [];
const peers: RawTcpPeer[] = [];
afterEach(async () => {
  for (const p of peers.splice(0)) p.socket.destroy();
  await Promise.all(harnesses.splice(0).map((h) => h.transport.close()));
});

async function start(...args: Parameters<typeof startHarness>): Promise<Harness> {
  const h = await startHarness(...args);
  harnesses.push(h);
  return h;
}
async function raw(host: string, port: number, from?: string): Promise<RawTcpPeer> {
  const p = await connectRaw(host, port, from);
  peers.push(p);
  return p;
}
const bytes = (text: string) => Buffer.from(text, 'latin1');

for (const lo of LOOPBACKS) {
  describe(`TCP connections over ${lo.family}`, () => {
    beforeAll(async () => {
      if (lo.family === 'IPv6')
        expect(await ipv6LoopbackAvailable(), 'IPv6 loopback ::1 unavailable').toBe(true);
    });

    it('sends a reply to the source address over the connection the request came in on', async () => {
      const server = await start([`tcp:${lo.bracketed}:0`]);
      const client = await raw(lo.host, server.listener('tcp').port);
      client.socket.write(sipRequest('INVITE', 'reuse'));
      const { source } = await server.message(0);

      const reply = 'SIP/2.0 180 Ringing\r\nContent-Length: 0\r\n\r\n';
      const byAddress = await sendAndWait(
        server.transport,
        { proto: 'tcp', address: source.remote.address, port: source.remote.port },
        bytes(reply),
      );
      expect(byAddress).toEqual({
        ok: true,
        value: {
          proto: 'tcp',
          local: source.local,
          remote: source.remote,
          connectionId: source.connectionId,
        },
      });
      const byId = await sendAndWait(
        server.transport,
        { connectionId: source.connectionId ?? -1 },
        bytes(reply),
      );
      expect(byId.ok && byId.value.connectionId).toBe(source.connectionId);
      await client.waitFor(reply + reply);
      expect(server.transport.counters).toMatchObject({ connectionsAccepted: 1, connectionsOpened: 0 });
      expect(server.transport.connectionCount).toBe(1);
    });

    it('opens one outgoing connection, shared by concurrent sends, and receives replies on it', async () => {
      const a = await start([`tcp:${lo.bracketed}:0`]);
      const b = await start([`tcp:${lo.bracketed}:0`]);
      const target = { proto: 'tcp' as const, address: lo.host, port: b.listener('tcp').port };
      const results = await Promise.all(
        ['c1', 'c2', 'c3'].map((id) => sendAndWait(a.transport, target, bytes(sipRequest('OPTIONS', id)))),
      );
      const ids = new Set(results.map((r) => r.ok && r.value.connectionId));
      expect(ids.size).toBe(1);
      const [connectionId] = ids;
      expect(connectionId).toBeTypeOf('number');
      expect(a.transport.counters.connectionsOpened).toBe(1);
      expect(a.transport.connection(connectionId as number)).toMatchObject({
        direction: 'outbound',
        remote: { address: lo.host, port: target.port },
      });

      const { source } = await b.message(2);
      expect(b.received.map((r) => r.source.connectionId)).toEqual([
        source.connectionId,
        source.connectionId,
        source.connectionId,
      ]);
      await sendAndWait(
        b.transport,
        { connectionId: source.connectionId ?? -1 },
        bytes('SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n'),
      );
      const reply = await a.message(0);
      expect(reply.source).toMatchObject({
        proto: 'tcp',
        connectionId,
        remote: { address: lo.host, port: target.port },
      });
      expect(reply.source.local.address).toBe(lo.host);
    });

    it('reports a refused connect as connection-refused, naming the target', async () => {
      const a = await start([`tcp:${lo.bracketed}:0`]);
      const port = await closedTcpPort(lo.host);
      const result = await sendAndWait(
        a.transport,
        { proto: 'tcp', address: lo.host, port },
        bytes(sipRequest('OPTIONS', 'x')),
      );
      expect(result).toEqual({
        ok: false,
        error: {
          code: 'connection-refused',
          systemCode: 'ECONNREFUSED',
          target: `tcp:${lo.bracketed}:${port}`,
          message: `connect to tcp:${lo.bracketed}:${port} failed: ECONNREFUSED`,
        },
      });
      expect(a.transport.counters.tcp.sendErrors).toBe(1);
      expect(a.transport.connectionCount).toBe(0);
    });
  });
}

describe('TCP connection lifetime', () => {
  it('falls back from a closed connection id to the address, opening a new connection', async () => {
    const a = await start(['tcp:127.0.0.1:0']);
    const b = await start(['tcp:127.0.0.1:0']);
    const target = { proto: 'tcp' as const, address: '127.0.0.1', port: b.listener('tcp').port };
    const first = await sendAndWait(a.transport, target, bytes(sipRequest('OPTIONS', 'one')));
    if (!first.ok) throw new Error(first.error.message);
    const { source } = await b.message(0);
    // b drops the connection; a's sends by id fail, by id+address reconnect.
    expect(await b.transport.closeConnection(source.connectionId ?? -1)).toBe(true);
    expect(await b.transport.closeConnection(source.connectionId ?? -1)).toBe(false);
    await until(() => a.transport.connectionCount === 0, 'a to see the connection close');

    const byId = await sendAndWait(a.transport, { connectionId: first.value.connectionId ?? -1 }, bytes('x'));
    expect(!byId.ok && byId.error).toMatchObject({
      code: 'connection-closed',
      target: `connection ${first.value.connectionId}`,
    });
    const fallback = await sendAndWait(
      a.transport,
      { ...target, connectionId: first.value.connectionId },
      bytes(sipRequest('OPTIONS', 'two')),
    );
    expect(fallback.ok).toBe(true);
    expect(fallback.ok && fallback.value.connectionId).not.toBe(first.value.connectionId);
    expect(a.transport.counters.connectionsOpened).toBe(2);
    await b.message(1);
  });

  it('with noConnect (set-reply-no-connect) reuses an open connection and never opens one', async () => {
    const a = await start(['tcp:127.0.0.1:0']);
    const b = await start(['tcp:127.0.0.1:0']);
    const target = { proto: 'tcp' as const, address: '127.0.0.1', port: b.listener('tcp').port };
    const refused = await sendAndWait(
      a.transport,
      { ...target, noConnect: true },
      bytes(sipRequest('OPTIONS', 'x')),
    );
    expect(!refused.ok && refused.error).toMatchObject({ code: 'connection-closed' });
    expect(a.transport.counters.connectionsOpened).toBe(0);

    const first = await sendAndWait(a.transport, target, bytes(sipRequest('OPTIONS', 'one')));
    if (!first.ok) throw new Error(first.error.message);
    const reused = await sendAndWait(
      a.transport,
      { ...target, noConnect: true },
      bytes(sipRequest('OPTIONS', 'two')),
    );
    expect(reused.ok && reused.value.connectionId).toBe(first.value.connectionId);
    expect(a.transport.counters.connectionsOpened).toBe(1);
    await b.message(1);
  });

  it('reports a connect that gets no answer as connect-timeout', async () => {
    const a = await start(['tcp:127.0.0.1:0'], { limits: { connectTimeoutMs: 200 } });
    const silentPeer = await unansweredTcpPort();
    try {
      const result = await sendAndWait(
        a.transport,
        { proto: 'tcp', address: '127.0.0.1', port: silentPeer.port },
        bytes('x'),
      );
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error).toMatchObject({
          code: 'connect-timeout',
          target: `tcp:127.0.0.1:${silentPeer.port}`,
        });
        expect(result.error.message).toContain('connectTimeoutMs (200)');
      }
      expect(a.transport.connectionCount).toBe(0);
    } finally {
      await silentPeer.release();
    }
  });

  it('closes a connection idle for idleTimeoutMs', async () => {
    const server = await start(['tcp:127.0.0.1:0'], { limits: { idleTimeoutMs: 100 } });
    const client = await raw('127.0.0.1', server.listener('tcp').port);
    await until(() => server.transport.connectionCount === 1, 'the connection to be accepted');
    await client.closed;
    expect(server.transport.counters.idleTimeouts).toBe(1);
    await until(() => server.transport.connectionCount === 0, 'the table to drop the connection');
    expect(server.transport.counters.connectionsClosed).toBe(1);
  });

  it('rejects inbound connections over maxInboundConnections, and still opens outbound ones', async () => {
    const server = await start(['tcp:127.0.0.1:0'], { limits: { maxInboundConnections: 2 } });
    const peer = await start(['tcp:127.0.0.1:0']);
    const { port } = server.listener('tcp');
    const first = await raw('127.0.0.1', port);
    const second = await raw('127.0.0.1', port, '127.0.0.2');
    await until(() => server.transport.connectionCount === 2, 'two connections');
    const third = await raw('127.0.0.1', port, '127.0.0.3');
    await third.closed;
    expect(server.transport.counters).toMatchObject({ connectionsRejected: 1, connectionsRejectedPerIp: 0 });
    expect(first.isClosed() || second.isClosed()).toBe(false);

    // The inbound budget is full; the outbound one is apart, so a relay still gets its connection.
    const out = await sendAndWait(
      server.transport,
      { proto: 'tcp', address: '127.0.0.1', port: peer.listener('tcp').port },
      bytes(sipRequest('OPTIONS', 'outbound-while-inbound-full')),
    );
    expect(out.ok).toBe(true);
    await peer.message(0);
    expect(server.transport.counters.connectionsOpened).toBe(1);
  });

  it('refuses outbound connects over maxOutboundConnections and counts them', async () => {
    const server = await start(['tcp:127.0.0.1:0'], { limits: { maxOutboundConnections: 1 } });
    const peer = await start(['tcp:127.0.0.1:0']);
    const first = await sendAndWait(
      server.transport,
      { proto: 'tcp', address: '127.0.0.1', port: peer.listener('tcp').port },
      bytes(sipRequest('OPTIONS', 'first')),
    );
    expect(first.ok).toBe(true);
    const out = await sendAndWait(
      server.transport,
      { proto: 'tcp', address: '127.0.0.1', port: await closedTcpPort('127.0.0.1') },
      bytes('x'),
    );
    expect(!out.ok && out.error.code).toBe('too-many-connections');
    expect(!out.ok && out.error.message).toContain('maxOutboundConnections (1)');
    expect(server.transport.counters.outboundRefused).toBe(1);
    // Inbound connections do not use the outbound budget.
    const inbound = await raw('127.0.0.1', server.listener('tcp').port);
    inbound.socket.write(sipRequest('OPTIONS', 'inbound'));
    await server.message(0);
  });

  it('rejects inbound connections over maxConnectionsPerIp; another source still connects', async () => {
    const server = await start(['tcp:127.0.0.1:0'], { limits: { maxConnectionsPerIp: 1 } });
    const { port } = server.listener('tcp');
    await raw('127.0.0.1', port);
    await until(() => server.transport.connectionCount === 1, 'one connection');
    const second = await raw('127.0.0.1', port);
    await second.closed;
    expect(server.transport.counters).toMatchObject({ connectionsRejected: 1, connectionsRejectedPerIp: 1 });
    expect(server.transport.connectionCount).toBe(1);
    const other = await raw('127.0.0.1', port, '127.0.0.2');
    other.socket.write(sipRequest('OPTIONS', 'other-source'));
    expect((await server.message(0)).source.remote.address).toBe('127.0.0.2');
  });

  it('limits inbound connections per IP by default', async () => {
    const { maxConnectionsPerIp } = DEFAULT_LIMITS;
    expect(maxConnectionsPerIp).toBeGreaterThan(0);
    const server = await start(['tcp:127.0.0.1:0']);
    const { port } = server.listener('tcp');
    for (let i = 0; i < maxConnectionsPerIp; i++) await raw('127.0.0.1', port);
    await until(() => server.transport.connectionCount === maxConnectionsPerIp, 'the cap to fill');
    const over = await raw('127.0.0.1', port);
    await over.closed;
    expect(server.transport.counters.connectionsRejectedPerIp).toBe(1);
  });

  it('closes a connection whose message is not complete within messageTimeoutMs, a drip notwithstanding', async () => {
    const server = await start(['tcp:127.0.0.1:0'], { limits: { messageTimeoutMs: 300 } });
    const client = await raw('127.0.0.1', server.listener('tcp').port);
    const opened = Date.now();
    const head = sipRequest('OPTIONS', 'drip');
    // One byte every 50 ms: each resets the idle timeout, none may extend the completion timeout.
    let sent = 0;
    const drip = setInterval(() => {
      if (!client.isClosed() && sent < head.length - 1) client.socket.write(head[sent++]);
    }, 50);
    try {
      await client.closed;
    } finally {
      clearInterval(drip);
    }
    const elapsed = Date.now() - opened;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2000);
    expect(server.transport.counters).toMatchObject({ messageTimeouts: 1, idleTimeouts: 0 });
    expect(server.received).toHaveLength(0);
  });

  it('keeps a connection whose messages complete in time, and does not time CRLF keep-alives', async () => {
    const server = await start(['tcp:127.0.0.1:0'], { limits: { messageTimeoutMs: 200 } });
    const client = await raw('127.0.0.1', server.listener('tcp').port);
    const pause = () => new Promise((r) => setTimeout(r, 120));
    const message = sipRequest('OPTIONS', 'split', 'body');
    for (const id of [0, 1, 2]) {
      // A message in two parts 120 ms apart, then a lone CRLF (a keep-alive some clients send) left pending.
      client.socket.write(message.slice(0, 30));
      await pause();
      client.socket.write(`${message.slice(30)}\r\n`);
      await server.message(id);
      await pause();
    }
    expect(client.isClosed()).toBe(false);
    expect(server.transport.counters.messageTimeouts).toBe(0);
  });

  it('fails a send when the peer leaves maxPendingWriteBytes unread', async () => {
    const server = await start(['tcp:127.0.0.1:0'], { limits: { maxPendingWriteBytes: 262_144 } });
    const client = await raw('127.0.0.1', server.listener('tcp').port);
    client.socket.pause();
    client.socket.write(sipRequest('OPTIONS', 'slow-reader'));
    const { source } = await server.message(0);
    const chunk = Buffer.alloc(65_536, 0x61);
    // The kernel's socket buffers absorb the first sends; the bound applies to what Node must queue beyond.
    let failure: SendResult | undefined;
    for (let i = 0; i < 2000 && !failure; i++) {
      void sendAndWait(server.transport, { connectionId: source.connectionId ?? -1 }, chunk).then((r) => {
        if (!r.ok) failure ??= r;
      });
      await new Promise((r) => setImmediate(r));
    }
    const result = failure ?? { ok: true };
    expect(!result.ok && result.error.code).toBe('write-buffer-full');
  });
});

describe('Transport.close', () => {
  it('cancels a pending connect, whose send then reports transport-closed', async () => {
    const a = await start(['tcp:127.0.0.1:0'], { limits: { connectTimeoutMs: 60_000 } });
    const silentPeer = await unansweredTcpPort();
    try {
      const pending = sendAndWait(
        a.transport,
        { proto: 'tcp', address: '127.0.0.1', port: silentPeer.port },
        bytes('x'),
      );
      await new Promise((r) => setTimeout(r, 50)); // let the connect start
      await a.transport.close();
      const result = await pending;
      expect(!result.ok && result.error.code).toBe('transport-closed');
    } finally {
      await silentPeer.release();
    }
  });

  it('closes listeners and connections, fails later sends, and is idempotent', async () => {
    const server = await start(['tcp:127.0.0.1:0', 'udp:127.0.0.1:0']);
    const { port } = server.listener('tcp');
    const client = await raw('127.0.0.1', port);
    client.socket.write(sipRequest('OPTIONS', 'before-close'));
    const { source } = await server.message(0);

    await Promise.all([server.transport.close(), server.transport.close()]);
    await client.closed;
    expect(server.transport.connectionCount).toBe(0);
    await expect(connectRaw('127.0.0.1', port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const after = await sendAndWait(
      server.transport,
      { connectionId: source.connectionId ?? -1 },
      bytes('x'),
    );
    expect(!after.ok && after.error.code).toBe('transport-closed');
    const udp = await sendAndWait(
      server.transport,
      { proto: 'udp', address: '127.0.0.1', port: 9 },
      bytes('x'),
    );
    expect(!udp.ok && udp.error.code).toBe('transport-closed');
  });
});
