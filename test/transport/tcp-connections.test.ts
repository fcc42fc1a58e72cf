import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SendResult } from '../../src/transport/send-result.ts';
import {
  closedTcpPort,
  connectRaw,
  type Harness,
  ipv6LoopbackAvailable,
  LOOPBACKS,
  type RawTcpPeer,
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
async function raw(host: string, port: number): Promise<RawTcpPeer> {
  const p = await connectRaw(host, port);
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
      const byAddress = await server.transport.send(
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
      const byId = await server.transport.send({ connectionId: source.connectionId ?? -1 }, bytes(reply));
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
        ['c1', 'c2', 'c3'].map((id) => a.transport.send(target, bytes(sipRequest('OPTIONS', id)))),
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
      await b.transport.send(
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
      const result = await a.transport.send(
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
    const first = await a.transport.send(target, bytes(sipRequest('OPTIONS', 'one')));
    if (!first.ok) throw new Error(first.error.message);
    const { source } = await b.message(0);
    // b drops the connection; a's sends by id fail, by id+address reconnect.
    expect(await b.transport.closeConnection(source.connectionId ?? -1)).toBe(true);
    expect(await b.transport.closeConnection(source.connectionId ?? -1)).toBe(false);
    await until(() => a.transport.connectionCount === 0, 'a to see the connection close');

    const byId = await a.transport.send({ connectionId: first.value.connectionId ?? -1 }, bytes('x'));
    expect(!byId.ok && byId.error).toMatchObject({
      code: 'connection-closed',
      target: `connection ${first.value.connectionId}`,
    });
    const fallback = await a.transport.send(
      { ...target, connectionId: first.value.connectionId },
      bytes(sipRequest('OPTIONS', 'two')),
    );
    expect(fallback.ok).toBe(true);
    expect(fallback.ok && fallback.value.connectionId).not.toBe(first.value.connectionId);
    expect(a.transport.counters.connectionsOpened).toBe(2);
    await b.message(1);
  });

  it('reports a connect that gets no answer as connect-timeout', async () => {
    const a = await start(['tcp:127.0.0.1:0'], { limits: { connectTimeoutMs: 200 } });
    const silentPeer = await unansweredTcpPort();
    try {
      const result = await a.transport.send(
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

  it('rejects inbound connections over maxConnections and counts them', async () => {
    const server = await start(['tcp:127.0.0.1:0'], { limits: { maxConnections: 2 } });
    const { port } = server.listener('tcp');
    const first = await raw('127.0.0.1', port);
    const second = await raw('127.0.0.1', port);
    await until(() => server.transport.connectionCount === 2, 'two connections');
    const third = await raw('127.0.0.1', port);
    await third.closed;
    expect(server.transport.counters.connectionsRejected).toBe(1);
    expect(first.isClosed() || second.isClosed()).toBe(false);

    // And refuses to open an outgoing one while full.
    const out = await server.transport.send(
      { proto: 'tcp', address: '127.0.0.1', port: await closedTcpPort('127.0.0.1') },
      bytes('x'),
    );
    expect(!out.ok && out.error.code).toBe('too-many-connections');
  });

  it('rejects inbound connections over maxConnectionsPerIp', async () => {
    const server = await start(['tcp:127.0.0.1:0'], { limits: { maxConnectionsPerIp: 1 } });
    const { port } = server.listener('tcp');
    await raw('127.0.0.1', port);
    await until(() => server.transport.connectionCount === 1, 'one connection');
    const second = await raw('127.0.0.1', port);
    await second.closed;
    expect(server.transport.counters.connectionsRejected).toBe(1);
    expect(server.transport.connectionCount).toBe(1);
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
      void server.transport.send({ connectionId: source.connectionId ?? -1 }, chunk).then((r) => {
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
      const pending = a.transport.send(
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
    const after = await server.transport.send({ connectionId: source.connectionId ?? -1 }, bytes('x'));
    expect(!after.ok && after.error.code).toBe('transport-closed');
    const udp = await server.transport.send({ proto: 'udp', address: '127.0.0.1', port: 9 }, bytes('x'));
    expect(!udp.ok && udp.error.code).toBe('transport-closed');
  });
});
