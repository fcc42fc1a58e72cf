// The admin API over real HTTP on loopback: auth (operator and tenant tokens), upload, versions, activate,
// rollback, status, health, metrics, and the JSON error of every refusal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminServer, startAdmin } from '../../src/admin/index.ts';
import { silentLogger } from '../../src/logger.ts';
import { ModuleCompiler } from '../../src/registry/index.ts';
import { buildStampedRoute, type StampedRoute } from '../registry/fixtures.ts';
import { type Opened, openRegistry, spec } from '../registry/helpers/setup.ts';

const OPERATOR = 'operator-token-0123456789';
const ACME = 'acme-token-0123456789abc';
const MAX_UPLOAD = 64 * 1024;
const MAX_JSON = 1024;

let compiler: ModuleCompiler;
let route: StampedRoute;
let opened: Opened;
let admin: AdminServer;

beforeAll(async () => {
  compiler = new ModuleCompiler();
  compiler.warm();
  route = await buildStampedRoute();
  opened = await openRegistry(compiler, [spec('acme'), spec('beta'), spec('empty')]);
  await opened.registry.upload('beta', route.stamp(1), { by: 'test', activate: true });
  const started = await startAdmin({
    config: {
      listen: '127.0.0.1:0',
      operator_token: OPERATOR,
      operator_token_env: 'UNUSED_TOKEN_VARIABLE',
      max_upload_bytes: MAX_UPLOAD,
      max_json_bytes: MAX_JSON,
      max_uploads_in_flight_per_tenant: 2,
      max_uploads_in_flight: 8,
    },
    tenants: [{ name: 'acme', token: ACME }, { name: 'beta' }],
    registry: opened.registry,
    sources: {},
    log: silentLogger,
  });
  if (!started.ok) throw new Error(started.error);
  admin = started.value;
}, 60_000);

afterAll(async () => {
  await admin?.close();
  await opened?.close();
  await compiler?.close();
});

async function call(
  method: string,
  path: string,
  options: {
    token?: string;
    body?: string | Uint8Array;
    type?: string;
    headers?: Record<string, string>;
  } = {},
) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.type) headers['content-type'] = options.type;
  const res = await fetch(`${admin.url}${path}`, { method, headers, body: options.body });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json: json as Record<string, unknown>, text, headers: res.headers };
}

const upload = (tenant: string, bytes: Uint8Array, token = OPERATOR, activate = true) =>
  call('POST', `/v1/tenants/${tenant}/versions${activate ? '?activate=1' : ''}`, {
    token,
    body: bytes,
    type: 'application/wasm',
  });

describe('auth', () => {
  it('refuses requests without a token, with a JSON reason and a WWW-Authenticate challenge', async () => {
    const r = await call('GET', '/v1/status');
    expect(r.status).toBe(401);
    expect(r.json).toEqual({
      error: 'unauthorized',
      reason: expect.stringContaining('missing bearer token'),
    });
    expect(r.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('refuses an unknown token', async () => {
    const r = await call('GET', '/v1/status', { token: 'not-a-valid-token-at-all' });
    expect(r.status).toBe(401);
    expect(r.json.error).toBe('unauthorized');
  });

  it('a tenant token sees only its tenant', async () => {
    const status = await call('GET', '/v1/status', { token: ACME });
    expect((status.json.tenants as { tenant: string }[]).map((t) => t.tenant)).toEqual(['acme']);
    const other = await call('GET', '/v1/tenants/beta/versions', { token: ACME });
    expect(other.status).toBe(403);
    expect(other.json).toEqual({ error: 'forbidden', reason: "this token is for tenant 'acme' only" });
    const up = await upload('beta', route.stamp(5), ACME);
    expect(up.status).toBe(403);
    expect((await call('POST', '/v1/tenants/beta/rollback', { token: ACME })).status).toBe(403);
    expect((await call('GET', '/metrics', { token: ACME })).status).toBe(403);
  });

  it('the operator token sees every tenant', async () => {
    const status = await call('GET', '/v1/status', { token: OPERATOR });
    expect((status.json.tenants as { tenant: string }[]).map((t) => t.tenant)).toEqual([
      'acme',
      'beta',
      'empty',
    ]);
  });
});

describe('upload, versions, activate, rollback', () => {
  it('uploads and activates a version, reporting its metadata and timings', async () => {
    const r = await upload('acme', route.stamp(10), ACME);
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({
      tenant: 'acme',
      version: 1,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      world: 'kemi:ksr/script@0.1.0',
      createdBy: 'tenant:acme',
      activated: true,
      path: 'fast',
      timings: { validateMs: expect.any(Number), swapMs: expect.any(Number), totalMs: expect.any(Number) },
    });
    expect(opened.registry.active('acme')?.version).toBe(1);
  });

  it('records who uploaded, with the user the client names', async () => {
    const r = await call('POST', '/v1/tenants/acme/versions', {
      token: OPERATOR,
      body: route.stamp(11),
      type: 'application/octet-stream',
      headers: { 'x-kemi-user': 'alice' },
    });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ version: 2, activated: false, createdBy: 'operator:alice' });
  });

  it('lists versions newest first with what is active and loaded', async () => {
    const r = await call('GET', '/v1/tenants/acme/versions', { token: ACME });
    expect(r.status).toBe(200);
    const versions = r.json.versions as Record<string, unknown>[];
    expect(versions.map((v) => [v.version, v.active, v.loaded, v.state])).toEqual([
      [2, false, false, 'ready'],
      [1, true, true, 'ready'],
    ]);
  });

  it('activates a retained version and rolls back to the previous one', async () => {
    const act = await call('POST', '/v1/tenants/acme/activate', {
      token: ACME,
      body: JSON.stringify({ version: 2 }),
      type: 'application/json',
    });
    expect(act.status).toBe(200);
    expect(act.json).toMatchObject({ tenant: 'acme', from: 1, to: 2, changed: true });
    const back = await call('POST', '/v1/tenants/acme/rollback', { token: ACME });
    expect(back.status).toBe(200);
    expect(back.json).toMatchObject({ from: 2, to: 1, changed: true });
    expect(opened.registry.active('acme')?.version).toBe(1);
  });

  it('lists the activation history newest first: which version, how, by whom', async () => {
    const r = await call('GET', '/v1/tenants/acme/activations', { token: ACME });
    expect(r.status).toBe(200);
    const rows = (r.json.activations as Record<string, unknown>[]).map((a) => [a.version, a.kind, a.by]);
    expect(rows).toEqual([
      [1, 'rollback', 'tenant:acme'],
      [2, 'activate', 'tenant:acme'],
      [1, 'activate', 'tenant:acme'],
    ]);
    expect((await call('GET', '/v1/tenants/beta/activations', { token: ACME })).status).toBe(403);
  });

  it('status shows the active version and the pins of every loaded version', async () => {
    const old = opened.registry.active('acme')!;
    old.pin();
    try {
      await upload('acme', route.stamp(12), ACME);
      const r = await call('GET', '/v1/tenants/acme', { token: ACME });
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({
        tenant: 'acme',
        active: 3,
        activatedBy: 'tenant:acme',
        activationKind: 'activate',
        failurePolicy: { mode: 'fail-closed', reply: { status: 500, reason: 'Server Internal Error' } },
        breaker: { state: 'closed', failures: 20, windowS: 60, recent: 0, tripped: [] },
      });
      expect((r.json.loaded as Record<string, unknown>[]).map((l) => [l.version, l.active, l.pins])).toEqual([
        [3, true, 0],
        [1, false, 1],
      ]);
    } finally {
      old.unpin();
    }
    const after = await call('GET', '/v1/tenants/acme', { token: ACME });
    expect((after.json.loaded as unknown[]).length).toBe(1);
  });
});

describe('refusals', () => {
  it('refuses an upload larger than the limit before reading it all', async () => {
    const r = await upload('acme', new Uint8Array(MAX_UPLOAD + 1));
    expect(r.status).toBe(413);
    expect(r.json).toEqual({ error: 'too-large', reason: expect.stringContaining(`(${MAX_UPLOAD} bytes)`) });
  });

  it('refuses an oversized upload sent without a Content-Length', async () => {
    const body = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new Uint8Array(MAX_UPLOAD / 2));
        controller.close();
      },
    });
    const res = await fetch(`${admin.url}/v1/tenants/acme/versions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OPERATOR}`, 'content-type': 'application/wasm' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toBe('too-large');
  });

  it('refuses a JSON body larger than max_json_bytes from its Content-Length, and closes the connection', async () => {
    const body = JSON.stringify({ version: 1, pad: 'x'.repeat(MAX_JSON) });
    const r = await call('POST', '/v1/tenants/acme/activate', {
      token: ACME,
      body,
      type: 'application/json',
    });
    expect(r.status).toBe(413);
    expect(r.json).toEqual({ error: 'too-large', reason: expect.stringContaining(`(${MAX_JSON} bytes)`) });
    expect(r.headers.get('connection')).toBe('close');
    const rollback = await call('POST', '/v1/tenants/acme/rollback', {
      token: ACME,
      body,
      type: 'application/json',
    });
    expect(rollback.status).toBe(413);
  });

  it('refuses a chunked JSON body once it grows past max_json_bytes', async () => {
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"version": 1, "pad": "'));
        for (let i = 0; i < 4; i++) controller.enqueue(new Uint8Array(MAX_JSON / 2).fill(0x78));
        controller.close();
      },
    });
    const res = await fetch(`${admin.url}/v1/tenants/acme/activate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ACME}`, 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toBe('too-large');
  });

  it('refuses a core module with the reason the runtime gives', async () => {
    const r = await upload('acme', new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    expect(r.status).toBe(422);
    expect(r.json).toEqual({ error: 'not-component', reason: expect.stringMatching(/component/) });
  });

  it('refuses bytes that are not WebAssembly', async () => {
    const r = await upload('acme', new TextEncoder().encode('#!/bin/sh\necho hi\n'));
    expect(r.status).toBe(422);
    expect(r.json.error).toBe('malformed');
  });

  it('refuses other content types and empty bodies', async () => {
    const typed = await call('POST', '/v1/tenants/acme/versions', {
      token: OPERATOR,
      body: 'x',
      type: 'text/plain',
    });
    expect(typed.status).toBe(415);
    expect(typed.json.error).toBe('unsupported-media-type');
    const empty = await upload('acme', new Uint8Array());
    expect(empty.status).toBe(400);
    expect(empty.json.reason).toMatch(/empty/);
  });

  it('names unknown tenants, versions, and bad bodies', async () => {
    expect((await call('GET', '/v1/tenants/nobody/versions', { token: OPERATOR })).json).toEqual({
      error: 'unknown-tenant',
      reason: "no tenant is named 'nobody'",
    });
    const missing = await call('POST', '/v1/tenants/acme/activate', {
      token: OPERATOR,
      body: '{"version": 99}',
      type: 'application/json',
    });
    expect(missing.status).toBe(404);
    expect(missing.json.error).toBe('unknown-version');
    const bad = await call('POST', '/v1/tenants/acme/activate', {
      token: OPERATOR,
      body: '{"v": 1}',
      type: 'application/json',
    });
    expect(bad.status).toBe(400);
    const notJson = await call('POST', '/v1/tenants/acme/activate', { token: OPERATOR, body: 'x' });
    expect(notJson.status).toBe(400);
    const flag = await call('POST', '/v1/tenants/acme/versions?activate=maybe', {
      token: OPERATOR,
      body: route.stamp(1),
      type: 'application/wasm',
    });
    expect(flag.status).toBe(400);
  });

  it('a rollback with nothing to return to is a conflict', async () => {
    const r = await call('POST', '/v1/tenants/beta/rollback', { token: OPERATOR });
    expect(r.status).toBe(409);
    expect(r.json.error).toBe('no-previous');
  });

  it('unknown routes are JSON 404s', async () => {
    const r = await call('GET', '/v2/nothing', { token: OPERATOR });
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ error: 'not-found', reason: 'no route GET /v2/nothing' });
  });
});

describe('health and metrics', () => {
  it('health needs no token and reports tenants without a version', async () => {
    const r = await call('GET', '/health');
    expect(r.status).toBe(503);
    expect(r.json).toMatchObject({ status: 'degraded', tenantsWithoutVersion: 1, tenantsFailClosed: 0 });
  });

  it('metrics are Prometheus text with the registry figures', async () => {
    const r = await call('GET', '/metrics', { token: OPERATOR });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(r.text).toMatch(/^kemi_tenant_active_version\{tenant="acme"\} 3$/m);
    expect(r.text).toMatch(/^kemi_tenant_active_version\{tenant="beta"\} 1$/m);
    expect(r.text).toMatch(/^kemi_uploads_total\{tenant="acme",result="ok"\} \d+$/m);
    expect(r.text).toMatch(/^kemi_uploads_total\{tenant="acme",result="not-component"\} 1$/m);
    expect(r.text).toMatch(/^kemi_activations_total\{tenant="acme",kind="rollback"\} 1$/m);
    expect(r.text).toMatch(/^kemi_version_pins\{tenant="acme",version="3"\} 0$/m);
    expect(r.text).toMatch(/^kemi_upload_to_active_seconds_count\{tenant="acme"\} \d+$/m);
    expect(r.text).toMatch(/^kemi_process_cpu_seconds_total /m);
    expect(r.text).toMatch(/^kemi_breaker_open\{tenant="acme"\} 0$/m);
    expect(r.text).toMatch(/^kemi_breaker_recent_failures\{tenant="acme"\} 0$/m);
  });
});
