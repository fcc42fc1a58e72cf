// The admin page's handlers over real HTTP on loopback: log-in cookie, tenant scope, CSRF and origin checks
// on every form, upload with its validation result, activate and rollback; and that the page's cookie
// never stands in for the API's bearer token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminServer, startAdmin } from '../../src/admin/index.ts';
import { silentLogger } from '../../src/logger.ts';
import { ModuleCompiler } from '../../src/registry/index.ts';
import { TraceRing, traceRecord } from '../../src/trace/index.ts';
import { buildStampedRoute, type StampedRoute } from '../registry/fixtures.ts';
import { type Opened, openRegistry, spec } from '../registry/helpers/setup.ts';

const OPERATOR = 'operator-token-0123456789';
const ACME = 'acme-token-0123456789abc';

let compiler: ModuleCompiler;
let route: StampedRoute;
let opened: Opened;
let admin: AdminServer;

const LOCAL = { address: '127.0.0.1', port: 5060 };
const REMOTE = { address: '192.0.2.1', port: 5070 };
const ATTACK = '<script>alert(1)</script>';

/** A request whose headers carry markup and credentials, as any peer may send them. */
function message(callId: string): Buffer {
  return Buffer.from(
    `MESSAGE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5070;branch=z9hG4bK-${callId}\r\n` +
      `From: "${ATTACK}" <sip:alice@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\nCall-ID: ${callId}\r\n` +
      `CSeq: 1 MESSAGE\r\nSubject: ${ATTACK}\r\nAuthorization: Digest username="alice", response="secret0123"\r\n` +
      `Content-Length: 0\r\n\r\n`,
    'latin1',
  );
}

beforeAll(async () => {
  compiler = new ModuleCompiler();
  compiler.warm();
  route = await buildStampedRoute();
  opened = await openRegistry(compiler, [spec('acme'), spec('beta')]);
  await opened.registry.upload('beta', route.stamp(1), { by: 'test', activate: true });
  const ring = new TraceRing(50);
  for (const [tenant, callId] of [
    ['acme', 'call-a'],
    ['beta', 'call-b'],
  ]) {
    const record = traceRecord('in', 'udp', LOCAL, REMOTE, message(callId));
    record.tenant = tenant;
    record.version = 1;
    ring.push(tenant, record);
  }
  const started = await startAdmin({
    config: {
      listen: '127.0.0.1:0',
      operator_token: OPERATOR,
      operator_token_env: 'UNUSED_TOKEN_VARIABLE',
      max_upload_bytes: 256 * 1024,
      max_json_bytes: 1024,
      max_uploads_in_flight_per_tenant: 2,
      max_uploads_in_flight: 8,
    },
    tenants: [{ name: 'acme', token: ACME }, { name: 'beta' }],
    registry: opened.registry,
    trace: { ring, redactBodies: false },
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

function send(path: string, init: RequestInit & { cookie?: string } = {}) {
  const headers = new Headers(init.headers);
  if (init.cookie) headers.set('cookie', init.cookie);
  return fetch(`${admin.url}${path}`, { ...init, headers, redirect: 'manual' });
}

function form(fields: Record<string, string>): URLSearchParams {
  return new URLSearchParams(fields);
}

/** Logs in with `token`: the cookie to send back and the CSRF field of the page's forms. */
async function logIn(token: string): Promise<{ cookie: string; csrf: string }> {
  const res = await send('/ui/login', { method: 'POST', body: form({ token }) });
  expect(res.status).toBe(303);
  const cookie = res.headers.get('set-cookie')!.split(';')[0];
  const page = await (await send('/ui', { cookie })).text();
  return { cookie, csrf: /name="csrf" value="([^"]+)"/.exec(page)![1] };
}

describe('log-in', () => {
  it('a page without the cookie sends to the log-in form; a wrong token is refused', async () => {
    const res = await send('/ui/tenants/acme');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/ui/login');
    const bad = await send('/ui/login', { method: 'POST', body: form({ token: 'wrong-token-0123456789' }) });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('set-cookie')).toBeNull();
    expect(await bad.text()).toContain('This token is not valid for this server.');
  });

  it('the cookie is HttpOnly, SameSite=Strict and sent to the page only (Path=/ui)', async () => {
    const res = await send('/ui/login', { method: 'POST', body: form({ token: ACME }) });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^kemi_admin=/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\/ui(;|$)/);
  });

  it('pages carry a Content-Security-Policy without inline code and refuse framing', async () => {
    const res = await send('/ui/login');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('log out needs the CSRF field, then clears the cookie', async () => {
    const { cookie, csrf } = await logIn(ACME);
    expect((await send('/ui/logout', { method: 'POST', cookie, body: form({}) })).status).toBe(403);
    const out = await send('/ui/logout', { method: 'POST', cookie, body: form({ csrf }) });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/^kemi_admin=;.*Max-Age=0/);
  });
});

describe('a tenant token', () => {
  it('lists its own tenant only', async () => {
    const { cookie } = await logIn(ACME);
    const page = await (await send('/ui', { cookie })).text();
    expect(page).toContain('href="/ui/tenants/acme"');
    expect(page).not.toContain('/ui/tenants/beta');
    const operator = await logIn(OPERATOR);
    expect(await (await send('/ui', { cookie: operator.cookie })).text()).toContain(
      'href="/ui/tenants/beta"',
    );
  });

  it('cannot see or act on another tenant, even with its own valid CSRF field', async () => {
    const { cookie, csrf } = await logIn(ACME);
    expect((await send('/ui/tenants/beta', { cookie })).status).toBe(403);
    expect((await send('/ui/tenants/beta/counters', { cookie })).status).toBe(403);
    const act = await send('/ui/tenants/beta/rollback', { method: 'POST', cookie, body: form({ csrf }) });
    expect(act.status).toBe(403);
    const upload = new FormData();
    upload.set('csrf', csrf);
    upload.set('wasm', new Blob([route.stamp(9).slice().buffer as ArrayBuffer]), 'x.wasm');
    expect((await send('/ui/tenants/beta/versions', { method: 'POST', cookie, body: upload })).status).toBe(
      403,
    );
    expect(opened.registry.status('beta')?.active).toBe(1);
    expect(opened.registry.versions('beta')?.length).toBe(1);
  });
});

describe('forms', () => {
  it('upload shows the validation result and records who deployed it', async () => {
    const { cookie, csrf } = await logIn(ACME);
    const bad = new FormData();
    bad.set('csrf', csrf);
    bad.set('wasm', new Blob([new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 9])]), 'bad.wasm');
    const refused = await send('/ui/tenants/acme/versions', { method: 'POST', cookie, body: bad });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toMatch(/Upload refused: (malformed|not-component)/);

    for (const n of [1, 2]) {
      const good = new FormData();
      good.set('csrf', csrf);
      good.set('activate', '1');
      good.set('wasm', new Blob([route.stamp(n).slice().buffer as ArrayBuffer]), `v${n}.wasm`);
      const stored = await send('/ui/tenants/acme/versions', { method: 'POST', cookie, body: good });
      const text = await stored.text();
      expect(stored.status, text).toBe(201);
      expect(text).toContain(`Stored v${n}, active: valid component`);
    }
    const versions = opened.registry.versions('acme')!;
    expect(versions.map((v) => [v.version, v.createdBy])).toEqual([
      [2, 'tenant:acme'],
      [1, 'tenant:acme'],
    ]);
  });

  it('activate and rollback switch versions and are recorded with the principal', async () => {
    const { cookie, csrf } = await logIn(ACME);
    const back = await send('/ui/tenants/acme/rollback', { method: 'POST', cookie, body: form({ csrf }) });
    expect(await back.text()).toContain('Rolled back to v1 (was v2)');
    expect(opened.registry.status('acme')?.active).toBe(1);
    const act = await send('/ui/tenants/acme/activate', {
      method: 'POST',
      cookie,
      body: form({ csrf, version: '2' }),
    });
    expect(await act.text()).toContain('Activated v2 (was v1)');
    const status = opened.registry.status('acme')!;
    expect([status.active, status.activatedBy, status.activationKind]).toEqual([
      2,
      'tenant:acme',
      'activate',
    ]);
    const unknown = await send('/ui/tenants/acme/activate', {
      method: 'POST',
      cookie,
      body: form({ csrf, version: '99' }),
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('Activate refused: unknown-version');
  });

  it('a form without the CSRF field, or from another site, changes nothing', async () => {
    const { cookie, csrf } = await logIn(ACME);
    const before = opened.registry.status('acme')!.active;
    const cases: RequestInit[] = [
      { body: form({}) },
      // One character changed (to another: the field ends with 'A' once in 64 log-ins).
      { body: form({ csrf: `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}` }) },
      { body: form({ csrf }), headers: { origin: 'http://evil.example' } },
      { body: form({ csrf }), headers: { 'sec-fetch-site': 'cross-site' } },
      { body: form({ csrf }), headers: { 'sec-fetch-site': 'same-site' } },
    ];
    for (const init of cases) {
      const res = await send('/ui/tenants/acme/rollback', { method: 'POST', cookie, ...init });
      expect(res.status, JSON.stringify(init.headers)).toBe(403);
    }
    // A form from another site is refused before its body is read, even without a log-in.
    const login = await send('/ui/login', {
      method: 'POST',
      body: form({ token: ACME }),
      headers: { origin: 'http://evil.example' },
    });
    expect(login.status).toBe(403);
    expect(opened.registry.status('acme')!.active).toBe(before);
  });

  it("the page's cookie does not authenticate the API (bearer token only)", async () => {
    const { cookie } = await logIn(OPERATOR);
    const before = opened.registry.status('acme')!.active;
    const api = await send('/v1/tenants/acme/rollback', { method: 'POST', cookie });
    expect(api.status).toBe(401);
    const status = await send('/v1/status', { cookie });
    expect(status.status).toBe(401);
    expect(opened.registry.status('acme')!.active).toBe(before);
  });

  it('the live counters fragment shows the tenant rows of the metrics', async () => {
    const { cookie } = await logIn(ACME);
    const text = await (await send('/ui/tenants/acme/counters', { cookie })).text();
    expect(text).toContain('data-metric="kemi_tenant_active_version"');
    expect(text).toContain('data-metric="kemi_uploads_total"');
  });
});

describe('the trace of a Call-ID', () => {
  it("shows the call's messages escaped, with credentials redacted", async () => {
    const { cookie } = await logIn(ACME);
    const res = await send('/ui/tenants/acme/trace?call_id=call-a', { cookie });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toContain('1 messages of <code>call-a</code>');
    expect(text).toContain('MESSAGE sip:bob@example.com SIP/2.0');
    expect(text).toContain('Subject: &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(text).not.toContain(ATTACK);
    expect(text).toContain('Authorization: &lt;redacted&gt;');
    expect(text).not.toContain('secret0123');
  });

  it("a tenant token reads its own tenant's trace only", async () => {
    const { cookie } = await logIn(ACME);
    expect((await send('/ui/tenants/beta/trace?call_id=call-b', { cookie })).status).toBe(403);
    const mine = await (await send('/ui/tenants/acme/trace?call_id=call-b', { cookie })).text();
    expect(mine).toContain('No traced message has the Call-ID');
    expect(mine).not.toContain('MESSAGE sip:bob');
  });

  it('a Call-ID that cannot be one is refused', async () => {
    const { cookie } = await logIn(ACME);
    const res = await send(`/ui/tenants/acme/trace?call_id=${encodeURIComponent('a b')}`, { cookie });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('a Call-ID is 1-256 printable characters');
  });
});
