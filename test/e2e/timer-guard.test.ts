// Timer callbacks of a real server run under the same guard as message delivery: a callback that throws is
// logged and counted, and the server goes on serving. An exception that escapes every guard ends the
// server by its documented policy (docs/sandbox.md): logged at fatal, an orderly stop, exit code 70.
// The faults are injected by a preload (helpers/inject-faults.ts): no input is known to make a timer throw.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildStampedRoute } from '../registry/fixtures.ts';
import { admin, OPERATOR_TOKEN, type RegistryServer, startRegistryServer } from './registry-server.ts';

const preload = fileURLToPath(new URL('./helpers/inject-faults.ts', import.meta.url));
const servers: RegistryServer[] = [];

afterAll(async () => {
  for (const s of servers) await s.process.stop();
});

/** A server with the faults preloaded; the variable is set only while it starts. */
async function startFaulty(): Promise<RegistryServer> {
  const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-timer-guard-'));
  const saved = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = `${saved ?? ''} --import=${preload}`.trim();
  try {
    const server = await startRegistryServer(
      { data_dir: join(dir, 'data'), tenants: [{ name: 'acme', dialog_grace_s: 0.3 }] },
      dir,
    );
    servers.push(server);
    return server;
  } finally {
    if (saved === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForLine(server: RegistryServer, test: (l: Record<string, unknown>) => boolean) {
  for (let i = 0; i < 100 && !server.process.lines.some(test); i++) await sleep(50);
  return server.process.lines.find(test);
}

describe('timer callbacks', () => {
  it('a throwing timer callback (dialog grace end) is logged and counted, and the server goes on', async () => {
    const route = await buildStampedRoute();
    const server = await startFaulty();
    const url = server.adminUrl;
    for (const stamp of [1, 2]) {
      const r = await admin(url, 'POST', '/v1/tenants/acme/versions?activate=1', route.stamp(stamp));
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    // v1's grace ends 0.3 s after v2's activation; its unload throws in the timer callback.
    const caught = await waitForLine(server, (l) => l.what === 'dialog-grace');
    expect(caught).toMatchObject({
      level: 'error',
      msg: 'callback threw: caught, the server goes on',
      err: { message: 'injected fault: markUnloaded' },
    });

    const r = await admin(url, 'POST', '/v1/tenants/acme/versions?activate=1', route.stamp(3));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const metrics = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
    expect(await metrics.text()).toMatch(/kemi_callback_errors_total\{what="dialog-grace"\} 1/);
    expect(await server.process.stop(), JSON.stringify(server.process.lines.slice(-5))).toBe(0);
  }, 60_000);

  it('an exception that escapes every guard is logged at fatal and stops the server with exit code 70', async () => {
    const server = await startFaulty();
    process.kill(server.process.pid, 'SIGUSR2');
    const fatal = await waitForLine(server, (l) => l.level === 'fatal');
    expect(fatal).toMatchObject({
      msg: 'uncaught exception (a bug): stopping, exit 70',
      origin: 'uncaughtException',
      err: { message: 'injected fault: an unguarded callback' },
    });
    // It stops by itself: a SIGTERM now would race with its exit.
    for (let i = 0; i < 200 && alive(server.process.pid); i++) await sleep(50);
    expect(await server.process.stop(), JSON.stringify(server.process.lines.slice(-5))).toBe(70);
  }, 60_000);
});
