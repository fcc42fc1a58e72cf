// The HEP client against collectors that misbehave: one that accepts and never reads, one that is not
// there. Captures never wait: the queue stays within its bound, the rest are dropped and counted. And the
// encoder: IPv6 addresses, and a message too large for a HEP packet refused.
import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../fixtures/sipp.ts';
import { silentLogger } from '../../src/logger.ts';
import { encodeHep3, HepClient, type TraceRecord } from '../../src/trace/index.ts';

function record(size: number): TraceRecord {
  return {
    time: Date.now(),
    direction: 'in',
    proto: 'udp',
    local: { address: '127.0.0.1', port: 5060 },
    remote: { address: '127.0.0.1', port: 5070 },
    firstLine: 'OPTIONS sip:a SIP/2.0',
    what: 'OPTIONS',
    callId: 'c',
    cseq: '1 OPTIONS',
    branch: 'z9hG4bK-1',
    bytes: Buffer.alloc(size, 'x'),
    tenant: 'acme',
    version: 1,
    forced: false,
  };
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('HepClient', () => {
  it('bounds what a collector that never reads can hold, and counts the drops', async () => {
    const held: Socket[] = [];
    const server = createServer((conn) => {
      conn.pause(); // never reads: the kernel buffers fill, then the client's socket buffer
      held.push(conn);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const client = new HepClient({
      host: '127.0.0.1',
      port,
      proto: 'tcp',
      captureId: 1,
      tenantTags: {},
      queue: 100,
      log: silentLogger,
    });
    try {
      const text = 'x'.repeat(60_000);
      for (let round = 0; round < 40; round++) {
        for (let i = 0; i < 50; i++) client.capture(record(0), text);
        await settle(10);
      }
      expect(client.pending).toBeLessThanOrEqual(100);
      expect(client.counters.dropped).toBeGreaterThan(0);
      // Written: no more than the socket bound and the kernel buffers took, far fewer than offered.
      expect(client.counters.sent).toBeLessThan(2000);
    } finally {
      client.close();
      for (const c of held) c.destroy();
      server.close();
    }
  });

  it('queues for a collector that is not there, then drops, and counts the failed connects', async () => {
    const client = new HepClient({
      host: '127.0.0.1',
      port: await freePort(),
      proto: 'tcp',
      captureId: 1,
      tenantTags: {},
      queue: 10,
      log: silentLogger,
    });
    try {
      for (let i = 0; i < 25; i++) client.capture(record(0), 'OPTIONS sip:a SIP/2.0\r\n\r\n');
      await settle(300);
      expect(client.pending).toBe(10);
      expect(client.counters.dropped).toBe(15);
      expect(client.counters.errors).toBeGreaterThan(0);
      expect(client.counters.sent).toBe(0);
    } finally {
      client.close();
    }
  });
});

describe('encodeHep3', () => {
  it('carries IPv6 addresses in chunks 5 and 6, and refuses what a 16-bit length cannot say', () => {
    const packet = encodeHep3({
      proto: 'tcp',
      source: { address: '2001:db8::1', port: 5060 },
      destination: { address: '::ffff:192.0.2.7', port: 5070 },
      time: 1_700_000_000_123.456,
      captureId: 9,
      payload: Buffer.from('x'),
    });
    expect(packet).toBeDefined();
    const chunks = new Map<number, Buffer>();
    for (let at = 6; at < packet!.length; ) {
      const length = packet!.readUInt16BE(at + 4);
      chunks.set(packet!.readUInt16BE(at + 2), packet!.subarray(at + 6, at + length));
      at += length;
    }
    expect(chunks.get(1)?.[0]).toBe(10);
    expect(chunks.get(2)?.[0]).toBe(6);
    expect(chunks.get(5)?.toString('hex')).toBe('20010db8000000000000000000000001');
    expect(chunks.get(6)?.toString('hex')).toBe('00000000000000000000ffffc0000207');
    expect(chunks.get(9)?.readUInt32BE(0)).toBe(1_700_000_000);
    expect(chunks.get(10)?.readUInt32BE(0)).toBe(123_456);
    expect(
      encodeHep3({
        proto: 'udp',
        source: { address: '127.0.0.1', port: 1 },
        destination: { address: '127.0.0.1', port: 2 },
        time: 0,
        captureId: 0,
        payload: Buffer.alloc(65_500),
      }),
    ).toBeUndefined();
  });
});
