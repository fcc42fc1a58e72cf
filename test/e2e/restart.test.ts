// kill -9 during an upload: whenever the server dies (before, during or after the compile, the file write
// or the commit), the restarted server finds a consistent store (no temp or orphan files, every version
// ready) and serves the last version whose activation committed; an upload that was answered 201 is it.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildStampedRoute } from '../registry/fixtures.ts';
import { admin, optionsOnce, type RegistryServer, stampIn, startRegistryServer } from './registry-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-restart-'));
const dataDir = join(dir, 'data');
const config = { data_dir: dataDir, tenants: [{ name: 'acme', retain: 50 }] };
let server: RegistryServer | undefined;

afterAll(async () => {
  await server?.process.stop();
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

interface VersionRow {
  version: number;
  sha256: string;
  active: boolean;
  state: string;
}

async function versions(s: RegistryServer): Promise<VersionRow[]> {
  const r = await admin(s.adminUrl, 'GET', '/v1/tenants/acme/versions');
  expect(r.status).toBe(200);
  return r.body.versions as VersionRow[];
}

describe('kill -9 during an upload', () => {
  it('restarts into a consistent store serving the last fully activated version', async () => {
    const route = await buildStampedRoute();
    // Stamp -> sha256 of the bytes carrying it, to tell which upload a stored version is.
    const stampOfSha = new Map<string, number>();
    const stamped = (n: number) => {
      const bytes = route.stamp(n);
      stampOfSha.set(sha256(bytes), n);
      return bytes;
    };

    server = await startRegistryServer(config, dir);
    const first = await admin(server.adminUrl, 'POST', '/v1/tenants/acme/versions?activate=1', stamped(1));
    expect(first.status).toBe(201);
    let confirmed = 1; // stamp of the last upload answered 201 (fully activated)

    const delays = [0, 20, 50, 80, 100, 110, 120, 130, 140, 160];
    const outcomes: string[] = [];
    for (const [i, delay] of delays.entries()) {
      const stamp = 100 + i;
      const s: RegistryServer = server;
      const upload = admin(s.adminUrl, 'POST', '/v1/tenants/acme/versions?activate=1', stamped(stamp)).then(
        (r) => r.status,
        () => 'killed' as const,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
      process.kill(s.process.pid, 'SIGKILL');
      expect(await s.process.stop()).toBeNull();
      const answered = await upload;
      if (answered === 201) confirmed = stamp;
      server = undefined;

      server = await startRegistryServer(config, dir);
      const rows = await versions(server);
      // Consistent store: every version is whole and ready, one is active, no stray files.
      expect(rows.every((r) => r.state === 'ready')).toBe(true);
      const active = rows.filter((r) => r.active);
      expect(active).toHaveLength(1);
      const files = readdirSync(join(dataDir, 'modules'));
      expect(files.filter((f) => f.startsWith('.tmp-'))).toEqual([]);
      expect(files.sort()).toEqual([...new Set(rows.map((r) => `${r.sha256}.wasm`))].sort());
      // The active version is the in-flight upload (its commit happened) or the last confirmed one.
      const activeStamp = stampOfSha.get(active[0].sha256);
      if (answered === 201) expect(activeStamp).toBe(stamp);
      else expect([confirmed, stamp]).toContain(activeStamp);
      if (activeStamp === stamp) confirmed = stamp;
      // And it is what the restarted server runs.
      expect(stampIn(await optionsOnce(server.process.ports.udp!))).toBe(activeStamp);
      const swept = server.process.lines.find((l) => l.msg === 'store: removed files of unfinished uploads');
      outcomes.push(
        `${delay} ms: ${answered}, active ${activeStamp === stamp ? 'new' : 'previous'}` +
          (swept ? `, swept ${swept.temp} temp + ${swept.orphans} orphan` : ''),
      );
    }
    // The store keeps working after all that.
    const after = await admin(server.adminUrl, 'POST', '/v1/tenants/acme/versions?activate=1', stamped(999));
    expect(after.status).toBe(201);
    expect(stampIn(await optionsOnce(server.process.ports.udp!))).toBe(999);
    console.log(`kill -9 outcomes: ${outcomes.join('; ')}`);
  }, 180_000);
});
