// The admin CLI against a real server process: deploy (with progress), versions, activate, rollback,
// status, metrics of the message path, tenant selection by domain, and one-line errors that name the fix.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../fixtures/sipp.ts';
import { buildStampedRoute } from '../registry/fixtures.ts';
import {
  admin,
  OPERATOR_TOKEN,
  optionsOnce,
  type RegistryServer,
  runCli,
  stampIn,
  startRegistryServer,
} from './registry-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-cli-'));
const ACME_TOKEN = 'e2e-acme-token-0123456789';
let server: RegistryServer;
let files: string[];
let env: Record<string, string>;

beforeAll(async () => {
  const route = await buildStampedRoute();
  files = [1, 2, 3].map((n) => {
    const file = join(dir, `v${n}.wasm`);
    writeFileSync(file, route.stamp(n * 11));
    return file;
  });
  server = await startRegistryServer(
    {
      data_dir: join(dir, 'data'),
      tenants: [
        { name: 'acme', match: { domains: ['acme.example'] }, token: ACME_TOKEN, retain: 5 },
        { name: 'other', match: { domains: ['other.example'] } },
      ],
      unmatched: { reply: 403 },
    },
    dir,
  );
  env = { KEMI_WASM_SERVER: server.adminUrl, KEMI_WASM_TOKEN: ACME_TOKEN, KEMI_WASM_TENANT: 'acme' };
}, 120_000);

afterAll(async () => {
  expect(await server?.process.stop()).toBe(0);
});

const sipPort = () => server.process.ports.udp!;
const acmeStamp = async () => stampIn(await optionsOnce(sipPort(), `sip:x@acme.example`));

describe('kemi-wasm deploy, versions, activate, rollback, status', () => {
  it('deploy uploads and activates, showing each step', async () => {
    const run = await runCli(['deploy', files[0]], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    for (const step of ['read', 'upload', 'validate', 'rewrite', 'compile', 'store', 'swap']) {
      expect(run.stdout).toMatch(new RegExp(`^  ${step} `, 'm'));
    }
    expect(run.stdout).toMatch(/^deployed acme v1: active \(/m);
    expect(await acmeStamp()).toBe(11);
  });

  it('the next message after a deploy runs on the new version', async () => {
    expect((await runCli(['deploy', files[1]], env)).code).toBe(0);
    expect(await acmeStamp()).toBe(22);
  });

  it('deploy --no-activate stores without activating', async () => {
    const run = await runCli(['deploy', files[2], '--no-activate'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/stored acme v3: activate it with kemi-wasm activate 3 --tenant acme/);
    expect(await acmeStamp()).toBe(22);
  });

  it('versions lists retained versions with the active one marked', async () => {
    const run = await runCli(['versions'], env);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0], run.stdout).toMatch(/^ {2}VERSION +STATE +LOADED +SIZE +SHA256 +CREATED +BY$/);
    expect(lines.slice(1).map((l) => l.slice(0, 3))).toEqual(['  3', '* 2', '  1']);
    expect(lines[2]).toMatch(/ready +loaded, 0 pins .* tenant:acme:?/);
  });

  it('activate and rollback switch versions', async () => {
    const act = await runCli(['activate', '3'], env);
    expect(act.code).toBe(0);
    expect(act.stdout).toMatch(/^acme: v2 -> v3 active \(load .*, commit .*, swap .*\)$/m);
    expect(await acmeStamp()).toBe(33);
    const back = await runCli(['rollback'], env);
    expect(back.stdout).toMatch(/^acme: v3 -> v2 active/m);
    expect(await acmeStamp()).toBe(22);
  });

  it('status shows the active version and in-flight counts for every visible tenant', async () => {
    const mine = await runCli(['status'], { ...env, KEMI_WASM_TENANT: '' }); // empty: the flag decides
    expect(mine.code).toBe(0);
    const operator = await runCli(['status', '--json'], {
      KEMI_WASM_SERVER: server.adminUrl,
      KEMI_WASM_TOKEN: OPERATOR_TOKEN,
    });
    const body = JSON.parse(operator.stdout) as { tenants: { tenant: string; active?: number }[] };
    expect(body.tenants.map((t) => [t.tenant, t.active ?? null])).toEqual([
      ['acme', 2],
      ['other', null],
    ]);
    const table = await runCli(['status', '--tenant', 'acme'], env);
    expect(table.stdout).toMatch(/^acme +2 +active +0 +\d+ +fast +closed 0\/20$/m);
  });

  it('errors are one line naming the fix, with exit code 1', async () => {
    const badToken = await runCli(['versions'], { ...env, KEMI_WASM_TOKEN: 'wrong-token-0123456789' });
    expect(badToken.code).toBe(1);
    expect(badToken.stderr).toBe(
      'kemi-wasm versions: the bearer token is not valid for this server (give --token or set KEMI_WASM_TOKEN)\n',
    );
    const otherTenant = await runCli(['versions', '--tenant', 'other'], env);
    expect(otherTenant.stderr).toBe("kemi-wasm versions: this token is for tenant 'acme' only\n");
    const notWasm = await runCli(['deploy', server.configPath], env);
    expect(notWasm.code).toBe(1);
    expect(notWasm.stderr).toMatch(/^kemi-wasm deploy: .+\n$/);
    const missing = await runCli(['deploy', join(dir, 'nope.wasm')], env);
    expect(missing.stderr).toMatch(
      /^kemi-wasm deploy: cannot read .*nope\.wasm \(ENOENT\): build it with kemi-wasm build\n$/,
    );
    const down = await runCli(['status'], {
      ...env,
      KEMI_WASM_SERVER: `http://127.0.0.1:${await freePort()}`,
    });
    expect(down.stderr).toMatch(
      /^kemi-wasm status: cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\).*give --server or KEMI_WASM_SERVER\n$/,
    );
    const badVersion = await runCli(['activate', 'latest'], env);
    expect(badVersion.stderr).toBe(
      "kemi-wasm activate: 'latest' is not a version number: see kemi-wasm versions\n",
    );
    const unknown = await runCli(['activate', '99'], env);
    expect(unknown.stderr).toBe("kemi-wasm activate: tenant 'acme' has no retained version 99\n");
  });
});

describe('the server around the registry', () => {
  it('refuses requests no tenant matches with the configured status, and a versionless tenant with 503', async () => {
    expect(await optionsOnce(sipPort(), 'sip:x@nowhere.example')).toMatch(/^SIP\/2\.0 403 Forbidden\r\n/);
    expect(await optionsOnce(sipPort(), 'sip:x@other.example')).toMatch(
      /^SIP\/2\.0 503 Service Unavailable\r\n/,
    );
  });

  it('exposes the message path and transport counters as metrics', async () => {
    const res = await fetch(`${server.adminUrl}/metrics`, {
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
    });
    const text = await res.text();
    expect(Number(/^kemi_sip_requests_total (\d+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(7);
    expect(Number(/^kemi_unmatched_requests_total (\d+)$/m.exec(text)?.[1])).toBe(1);
    expect(Number(/^kemi_no_version_requests_total (\d+)$/m.exec(text)?.[1])).toBe(1);
    expect(
      Number(/^kemi_transport_messages_received_total\{proto="udp"\} (\d+)$/m.exec(text)?.[1]),
    ).toBeGreaterThanOrEqual(7);
    expect(text).toMatch(/^kemi_tenant_active_version\{tenant="acme"\} 2$/m);
  });

  it('health is ok once every tenant has a version', async () => {
    expect((await fetch(`${server.adminUrl}/health`)).status).toBe(503);
    const up = await admin(
      server.adminUrl,
      'POST',
      '/v1/tenants/other/versions?activate=1',
      (await buildStampedRoute()).stamp(5),
    );
    expect(up.status).toBe(201);
    expect((await fetch(`${server.adminUrl}/health`)).status).toBe(200);
  });
});
