// A tenant token holder against a real server's admin API: bodies far larger than a route takes are refused
// before they are read. Raw sockets stand for the attacker, so that the test sees when the answer comes
// (before the body was sent) and how much of the body the server read.
import { mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStampedRoute } from '../registry/fixtures.ts';
import { admin, OPERATOR_TOKEN, type RegistryServer, startRegistryServer } from './registry-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-admin-limits-'));
const ACME_TOKEN = 'e2e-acme-token-0123456789';
let server: RegistryServer;

beforeAll(async () => {
  server = await startRegistryServer(
    {
      data_dir: join(dir, 'data'),
      tenants: [
        { name: 'acme', token: ACME_TOKEN, match: { domains: ['acme.example'] } },
        { name: 'beta', match: { domains: ['beta.example'] } },
        { name: 'gamma', match: { domains: ['gamma.example'] } },
      ],
      admin: {
        listen: '127.0.0.1:0',
        operator_token: OPERATOR_TOKEN,
        max_uploads_in_flight_per_tenant: 3,
        max_uploads_in_flight: 4,
      },
    },
    dir,
  );
}, 60_000);

afterAll(async () => {
  if (server) expect(await server.process.stop()).toBe(0);
});

interface RawReply {
  /** The status line and headers, as received. */
  readonly head: string;
  /** Bytes of body the client had written when the answer came. */
  readonly sentBeforeAnswer: number;
}

/**
 * Sends the request head, then up to `bodyBytes` of body in 16 KiB chunks (chunked encoding when
 * `chunked`), stopping as soon as an answer arrives or the server closes. Bounded by `timeoutMs`.
 */
function rawPost(
  path: string,
  options: { bodyBytes: number; chunked: boolean; timeoutMs?: number; type?: string },
): Promise<RawReply> {
  const url = new URL(server.adminUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let sent = 0;
    let head = '';
    let answered = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${options.timeoutMs ?? 5000} ms after ${sent} body bytes`));
    }, options.timeoutMs ?? 5000);
    const finish = () => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ head, sentBeforeAnswer: sent });
    };
    socket.on('data', (d: Buffer) => {
      head += d.toString('latin1');
      if (head.includes('\r\n\r\n')) finish();
    });
    // An error (EPIPE once the server closed) is followed by close, which reports what was read.
    socket.on('error', () => {});
    socket.on('close', () => finish());
    socket.on('connect', () => {
      const length = options.chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${options.bodyBytes}`;
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${ACME_TOKEN}\r\n` +
          `Content-Type: ${options.type ?? 'application/json'}\r\n${length}\r\n\r\n${options.chunked ? '17\r\n' : ''}` +
          `{"version": 1, "pad": "${options.chunked ? '\r\n' : ''}`,
      );
      // 16 KiB a millisecond: paced, so that the server's answer is read before it resets the connection.
      const chunk = Buffer.alloc(16 * 1024, 0x78);
      const frame = options.chunked
        ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')])
        : chunk;
      const pump = () => {
        if (answered || sent >= options.bodyBytes) return;
        sent += chunk.length;
        socket.write(frame);
        setTimeout(pump, 1);
      };
      setTimeout(pump, options.chunked ? 0 : 300);
    });
  });
}

const MIB = 1024 * 1024;

describe('admin JSON body limit', () => {
  it('answers a 32 MiB activate body 413 from its Content-Length, before the body is sent', async () => {
    const reply = await rawPost('/v1/tenants/acme/activate', { bodyBytes: 32 * MIB, chunked: false });
    expect(reply.head).toMatch(/^HTTP\/1\.1 413 /);
    expect(reply.head.toLowerCase()).toContain('connection: close');
    expect(reply.sentBeforeAnswer).toBe(0);
  });

  it('answers a chunked 32 MiB activate body 413 once it passes the limit, not at its end', async () => {
    const reply = await rawPost('/v1/tenants/acme/activate', { bodyBytes: 32 * MIB, chunked: true });
    expect(reply.head).toMatch(/^HTTP\/1\.1 413 /);
    // 16 KiB limit: the answer comes a few chunks after it, far from 32 MiB.
    expect(reply.sentBeforeAnswer).toBeLessThan(MIB);
  });

  it('keeps serving, and counts the refusals', async () => {
    const health = await admin(server.adminUrl, 'GET', '/health');
    expect(health.body.status).toBeDefined();
    const res = await fetch(`${server.adminUrl}/metrics`, {
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
    });
    expect(await res.text()).toMatch(/kemi_admin_refused_total\{reason="too-large",tenant=""\} 2/);
  });
});

/** An upload whose head is sent and whose body never comes: it holds its slot until the socket closes. */
function holdUpload(tenant: string): Promise<Socket> {
  const url = new URL(server.adminUrl);
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(
        `POST /v1/tenants/${tenant}/versions HTTP/1.1\r\nHost: ${url.host}\r\n` +
          `Authorization: Bearer ${OPERATOR_TOKEN}\r\nContent-Type: application/wasm\r\nContent-Length: 100000\r\n\r\n`,
      );
      resolve(socket);
    });
    socket.on('error', () => {});
  });
}

describe('uploads in flight', () => {
  it('answers 429 with a reason and Retry-After beyond the per-tenant and global caps, before the body', async () => {
    const held = await Promise.all([holdUpload('acme'), holdUpload('acme'), holdUpload('acme')]);
    try {
      // Let the server take the three heads.
      await new Promise((r) => setTimeout(r, 300));
      const mine = await rawPost('/v1/tenants/acme/versions', {
        bodyBytes: 32 * MIB,
        chunked: false,
        type: 'application/wasm',
      });
      expect(mine.head).toMatch(/^HTTP\/1\.1 429 /);
      expect(mine.head.toLowerCase()).toContain('retry-after: 2');
      expect(mine.head).toContain('max_uploads_in_flight_per_tenant');
      expect(mine.sentBeforeAnswer).toBe(0);

      held.push(await holdUpload('beta'));
      await new Promise((r) => setTimeout(r, 300));
      const res = await fetch(`${server.adminUrl}/v1/tenants/gamma/versions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/wasm' },
        body: new Uint8Array(1000),
      });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('2');
      expect(await res.json()).toEqual({
        error: 'too-many-uploads',
        reason: expect.stringContaining('admin.max_uploads_in_flight)'),
      });
    } finally {
      for (const socket of held) socket.destroy();
    }
    // The abandoned uploads gave their slots back.
    const route = await buildStampedRoute();
    await new Promise((r) => setTimeout(r, 300));
    const after = await admin(server.adminUrl, 'POST', '/v1/tenants/gamma/versions', route.stamp(7));
    expect(after.status, JSON.stringify(after.body)).toBe(201);
  }, 60_000);

  it("compiles a tenant's upload that arrives during another tenant's burst before the burst's end", async () => {
    const route = await buildStampedRoute();
    const order: string[] = [];
    const upload = (tenant: string, stamp: number, name: string) =>
      admin(server.adminUrl, 'POST', `/v1/tenants/${tenant}/versions`, route.stamp(stamp)).then((r) => {
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        order.push(name);
      });
    const burst = [1, 2, 3].map((n) => upload('acme', 100 + n, `acme${n}`));
    await new Promise((r) => setTimeout(r, 20));
    await Promise.all([...burst, upload('beta', 200, 'beta')]);
    // First come first served would put beta last, behind all three of acme's compiles.
    expect(order.indexOf('beta')).toBeLessThan(3);
    const metrics = await fetch(`${server.adminUrl}/metrics`, {
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
    });
    const text = await metrics.text();
    expect(text).toMatch(/kemi_admin_refused_total\{reason="uploads-busy-tenant",tenant="acme"\} 1/);
    expect(text).toMatch(/kemi_admin_refused_total\{reason="uploads-busy-global",tenant="gamma"\} 1/);
  }, 60_000);
});
