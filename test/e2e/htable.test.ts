// htable isolation at the server: one process, two tenants (by request domain) declaring a table of the
// same name, the same route deployed to both over the admin API. Each tenant counts its own callers; a new
// version of one tenant keeps its items; the other tenant never sees them.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildStampedRoute, HTABLE_ROUTE } from '../registry/fixtures.ts';
import { admin, optionsOnce, type RegistryServer, startRegistryServer } from './registry-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-htable-'));
let server: RegistryServer | undefined;

afterAll(async () => {
  if (server) expect(await server.process.stop()).toBe(0);
});

describe('htable at the server', () => {
  it('two tenants, one table name: each reads only its own items, across a new version', async () => {
    const route = await buildStampedRoute(HTABLE_ROUTE);
    const htables = { calls: { max_items: 100, autoexpire: 300 } };
    server = await startRegistryServer(
      {
        tenants: [
          { name: 'alpha', match: { domains: ['alpha.example'] }, htables },
          { name: 'beta', match: { domains: ['beta.example'] }, htables },
        ],
      },
      dir,
    );
    const { adminUrl: url } = server;
    const deploy = async (tenant: string, stamp: number) => {
      const r = await admin(url, 'POST', `/v1/tenants/${tenant}/versions?activate=1`, route.stamp(stamp));
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    };
    await deploy('alpha', 1);
    await deploy('beta', 1);
    const port = server.process.ports.udp!;
    const ask = async (user: string, domain: string) => {
      const reply = await optionsOnce(port, `sip:${user}@${domain}`);
      expect(reply, `no reply for ${user}@${domain}`).toMatch(/^SIP\/2\.0 200 OK\r\n/);
      return ['X-Count', 'X-Last', 'X-Build'].map(
        (name) => new RegExp(`^${name}: (.*)\r$`, 'm').exec(reply!)?.[1],
      );
    };

    expect(await ask('alice', 'alpha.example')).toEqual(['1', 'null', '00000001']);
    expect(await ask('alice', 'alpha.example')).toEqual(['2', 'alice', '00000001']);
    expect(await ask('alice', 'beta.example')).toEqual(['1', 'null', '00000001']);
    expect(await ask('bob', 'beta.example')).toEqual(['1', 'alice', '00000001']);

    await deploy('alpha', 2);
    expect(await ask('alice', 'alpha.example')).toEqual(['3', 'alice', '00000002']);
    expect(await ask('bob', 'alpha.example')).toEqual(['1', 'alice', '00000002']);
    expect(await ask('carol', 'beta.example')).toEqual(['1', 'bob', '00000001']);

    // The route also writes to a table neither tenant declared: logged for each tenant, naming it.
    const undeclared = server.process.lines.filter((l) => String(l.msg).startsWith("htable 'other'"));
    expect(new Set(undeclared.map((l) => l.tenant))).toEqual(new Set(['alpha', 'beta']));
  }, 120_000);
});
