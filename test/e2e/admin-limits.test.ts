// A tenant token holder against a real server's admin API: bodies far larger than a route takes are refused
// before they are read. Raw sockets stand for the attacker, so that the test sees when the answer comes
// (before the body was sent) and how much of the body the server read.
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, OPERATOR_TOKEN, type RegistryServer, startRegistryServer } from './registry-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-admin-limits-'));
const ACME_TOKEN = 'e2e-acme-token-0123456789';
let server: RegistryServer;

beforeAll(async () => {
  server = await startRegistryServer(
    { data_dir: join(dir, 'data'), tenants: [{ name: 'acme', token: ACME_TOKEN }] },
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
  options: { bodyBytes: number; chunked: boolean; timeoutMs?: number },
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
          `Content-Type: application/json\r\n${length}\r\n\r\n${options.chunked ? '17\r\n' : ''}` +
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
