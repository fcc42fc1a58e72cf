// The compile process is not kept by an idle server: it ends compile.idle_exit_s after its last compile
// (boot's, then an upload's), so an idle server holds no compiler in memory; the next upload starts a new
// one and activates as before.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { buildStampedRoute } from '../registry/fixtures.ts';
import { admin, type RegistryServer, startRegistryServer } from './registry-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-compile-idle-'));
let server: RegistryServer | undefined;

afterAll(async () => {
  if (server) expect(await server.process.stop()).toBe(0);
});

/** The server's child processes (the compile processes are its only ones). */
function children(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1')
    .trim()
    .split(/\s+/)
    .filter((p) => p !== '')
    .map(Number);
}

describe('compile process idle exit', () => {
  it('ends the compile process when idle and starts a new one for the next upload', async () => {
    const route = await buildStampedRoute();
    server = await startRegistryServer(
      { data_dir: join(dir, 'data'), tenants: [{ name: 'acme' }], compile: { idle_exit_s: 0.5 } },
      dir,
    );
    const { pid } = server.process;
    const url = server.adminUrl;
    const first = await admin(url, 'POST', '/v1/tenants/acme/versions?activate=1', route.stamp(1));
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    await vi.waitFor(() => expect(children(pid)).toEqual([]), { timeout: 20_000, interval: 100 });

    const second = await admin(url, 'POST', '/v1/tenants/acme/versions?activate=1', route.stamp(2));
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    expect(second.body).toMatchObject({ version: 2, activated: true });
    await vi.waitFor(() => expect(children(pid)).toEqual([]), { timeout: 20_000, interval: 100 });
  }, 120_000);
});
