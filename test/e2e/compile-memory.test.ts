// A tenant token holder uploads a component whose compile needs far more memory outside the JS heap (jco's
// WebAssembly memory, the rewriter's buffers) than an ordinary one. The compile process is bounded in all
// its memory (compile.max_memory_mb): the upload fails with a reason naming the bound, the server goes on
// serving and compiles the next upload.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildStampedRoute, padCoreModules } from '../registry/fixtures.ts';
import { admin, type RegistryServer, startRegistryServer } from './registry-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-compile-memory-'));
let server: RegistryServer | undefined;

afterAll(async () => {
  if (server) expect(await server.process.stop()).toBe(0);
});

// An ordinary compile peaks at about 300 MiB resident; the hostile one (10 MiB more in each of the three
// core modules: 30 MiB, under the 32 MiB upload limit) at about 470 MiB.
const BOUND_MB = 400;

describe('compile memory bound', () => {
  it('fails the compile of an upload that needs more memory than the bound, and keeps serving', async () => {
    const route = await buildStampedRoute();
    server = await startRegistryServer(
      { data_dir: join(dir, 'data'), tenants: [{ name: 'acme' }], compile: { max_memory_mb: BOUND_MB } },
      dir,
    );
    const url = server.adminUrl;
    const hostile = padCoreModules(route.stamp(1), 10 * 1024 * 1024);
    expect(hostile.length).toBeLessThan(32 * 1024 * 1024);
    const refused = await admin(url, 'POST', '/v1/tenants/acme/versions', hostile);
    expect(refused.status, JSON.stringify(refused.body)).toBe(500);
    expect(refused.body).toEqual({
      error: 'crashed',
      reason: expect.stringMatching(
        new RegExp(`above its bound of ${BOUND_MB} MiB.*compile\\.max_memory_mb \\(${BOUND_MB} MiB\\)`),
      ),
    });

    const ok = await admin(url, 'POST', '/v1/tenants/acme/versions?activate=1', route.stamp(2));
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    const health = await admin(url, 'GET', '/health');
    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
  }, 120_000);
});
