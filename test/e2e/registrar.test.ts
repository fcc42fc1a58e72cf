// The registrar example between real SIPp user agents, over UDP, on a server with two tenants (each on its
// own socket, with a data dir): A runs the AssemblyScript example, B the Rust one. Each tenant's
// subscribers are provisioned with `kemi-wasm subscriber add`; a UA registers its own address through one
// tenant (401, then digest credentials), a SIPp callee listens on that address, and calls to the AoR through that
// tenant reach it; the same AoR through the other tenant is not found (404); after a restart of the server
// the binding is still there. Every process is bounded in calls and time and stopped by PID.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runSipp, scenario } from '../../fixtures/sipp.ts';
import { finished, startSippUas } from '../../fixtures/sipp-uas.ts';
import { buildGuest } from '../../src/builder/index.ts';
import { ksrModules } from '../../src/kemi/index.ts';
import { expectAll, type ServerProcess, startServerProcess } from './harness.ts';
import { OPERATOR_TOKEN, runCli } from './registry-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-registrar-'));
const CALLS = 5;
const TOLERANT = ['-default_behaviors', 'all,-abortunexp'];

let server: ServerProcess | undefined;
let config: string;
let ports: { a: number; b: number; ua: number; ub: number };

const sipp = (file: string, port: number, service: string, calls: number, localPort?: number) =>
  runSipp(scenario(file), { transport: 'udp', port, calls, rate: 20, service, localPort, extra: TOLERANT });

/** A REGISTER of `user` (password `${user}-pw`) answering the digest challenge. */
const register = (port: number, user: string, localPort: number) =>
  runSipp(scenario('register.xml'), {
    transport: 'udp',
    port,
    calls: 1,
    service: user,
    localPort,
    extra: [...TOLERANT, '-au', user, '-ap', `${user}-pw`],
  });

/** Adds `user`@127.0.0.1 to `tenant` through the admin API's CLI. */
async function provision(tenant: string, user: string): Promise<void> {
  const admin = server!.lines.find((l) => l.msg === 'admin listening');
  const run = await runCli(['subscriber', 'add', `${user}@127.0.0.1`, '--password', `${user}-pw`], {
    KEMI_WASM_SERVER: String(admin?.url),
    KEMI_WASM_TOKEN: OPERATOR_TOKEN,
    KEMI_WASM_TENANT: tenant,
  });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
}

/** The callee on the address `user` registered (at `uaPort`), for `calls` calls through `tenantPort`. */
async function call(user: string, tenantPort: number, uaPort: number, calls: number): Promise<void> {
  const callee = await startSippUas(scenario('uas-call.xml'), {
    transport: 'udp',
    port: uaPort,
    calls,
    extra: TOLERANT,
  });
  expectAll(await sipp('uac-call.xml', tenantPort, user, calls), calls);
  expectAll(await finished(callee), calls);
}

const callAlice = (calls: number) => call('alice', ports.a, ports.ua, calls);

beforeAll(async () => {
  const routes: string[] = [];
  for (const language of ['assemblyscript', 'rust']) {
    const built = await buildGuest(`guest-examples/${language}/registrar`, {
      out: join(dir, `registrar-${language}.wasm`),
    });
    if (!built.ok) throw new Error(built.error.message);
    routes.push(built.value.out);
  }
  ports = { a: await freePort(), b: await freePort(), ua: await freePort(), ub: await freePort() };
  const socket = (port: number) => `udp:127.0.0.1:${port}`;
  const tenant = (name: string, port: number, route: string) => ({
    name,
    match: { sockets: [socket(port)] },
    route,
    relay_allow: { cidrs: ['127.0.0.1/32'] },
    // Granted every interface but htable (the example needs none): registrar must be among them.
    capabilities: ksrModules.map((m) => m.name).filter((name) => name !== 'htable'),
  });
  config = join(dir, 'kemi.yaml');
  writeFileSync(
    config,
    JSON.stringify({
      listen: [socket(ports.a), socket(ports.b)],
      data_dir: join(dir, 'data'),
      log_level: 'info',
      tenants: [tenant('a', ports.a, routes[0]), tenant('b', ports.b, routes[1])],
      registrar: { min_expires: 10 },
      admin: { listen: '127.0.0.1:0', operator_token: OPERATOR_TOKEN },
    }),
  );
  server = await startServerProcess(['--config', config]);
  await provision('a', 'alice');
  await provision('b', 'bob');
}, 120_000);

afterAll(async () => {
  if (server) expect(await server.stop()).toBe(0);
});

describe('the registrar example over UDP', () => {
  it('a UA registers its own address through tenant A; calls to its AoR through A reach it', async () => {
    expectAll(await register(ports.a, 'alice', ports.ua), 1);
    await callAlice(CALLS);
    const saved = server!.lines.filter((l) => l.msg === 'location store open');
    expect(saved[0]).toMatchObject({ where: join(dir, 'data') });
  }, 60_000);

  it('an AoR nobody registered gets 404', async () => {
    expectAll(await sipp('invite-404.xml', ports.a, 'bob', 2), 2);
  }, 30_000);

  it("tenant B does not find tenant A's registration: 404 for the same AoR", async () => {
    expectAll(await sipp('invite-404.xml', ports.b, 'alice', 2), 2);
  }, 30_000);

  it('the Rust example in tenant B: bob registers through B, calls through B reach him, A does not find him', async () => {
    expectAll(await register(ports.b, 'bob', ports.ub), 1);
    await call('bob', ports.b, ports.ub, CALLS);
    expectAll(await sipp('invite-404.xml', ports.a, 'bob', 2), 2);
  }, 60_000);

  it('the binding survives a restart of the server (location.db in the data dir)', async () => {
    expect(await server!.stop()).toBe(0);
    server = undefined;
    server = await startServerProcess(['--config', config]);
    await callAlice(2);
    expectAll(await sipp('invite-404.xml', ports.b, 'alice', 1), 1);
  }, 90_000);
});
