// Subscriber provisioning over the admin API on loopback: add, list, password change, removal, import,
// the quota, tenant tokens confined to their tenant, and no password in any answer or log line.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminServer } from '../../src/admin/index.ts';
import { computeHa1 } from '../../src/sip/digest.ts';
import { SubscriberStore } from '../../src/state/index.ts';
import { ACME, OPERATOR, startTestAdmin, type TestAdmin } from './test-admin.ts';

const PASSWORD = 'never-logged-p4ssw0rd';

let server: TestAdmin;
let admin: AdminServer;
let store: SubscriberStore;
const logged: string[] = [];

beforeAll(async () => {
  const s = SubscriberStore.open({ dir: undefined, maxSubscribers: 4, storePasswords: false });
  if (!s.ok) throw new Error(s.error);
  store = s.value;
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logged.push(String(chunk));
      done();
    },
  });
  server = await startTestAdmin({ subscribers: store, log: pino({ level: 'debug' }, sink) });
  admin = server.admin;
}, 60_000);

afterAll(async () => {
  await server?.close();
  store?.close();
});

async function call(method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${admin.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text) as Record<string, unknown> };
}

describe('subscriber routes', () => {
  it('adds a subscriber and lists it without digests or password', async () => {
    const added = await call('POST', '/v1/tenants/acme/subscribers', OPERATOR, {
      username: 'alice',
      domain: 'Example.org',
      password: PASSWORD,
    });
    expect(added.status).toBe(201);
    expect(added.json).toEqual({
      tenant: 'acme',
      table: 'subscriber',
      username: 'alice',
      domain: 'example.org',
    });
    const listed = await call('GET', '/v1/tenants/acme/subscribers', ACME);
    expect(listed.status).toBe(200);
    expect(listed.json.total).toBe(1);
    expect(listed.text).not.toMatch(/ha1|password/i);
    expect(store.find('acme', 'subscriber', 'alice', 'example.org', 'example.org')?.ha1).toBe(
      computeHa1('MD5', 'alice', 'example.org', PASSWORD),
    );
  });

  it("confines a tenant token to its tenant's subscribers", async () => {
    const refused = await call('POST', '/v1/tenants/beta/subscribers', ACME, {
      username: 'eve',
      domain: 'example.org',
      password: 'x',
    });
    expect(refused.status).toBe(403);
    expect((await call('GET', '/v1/tenants/beta/subscribers', ACME)).status).toBe(403);
    expect(store.count('beta')).toBe(0);
    expect((await call('GET', '/v1/tenants/beta/subscribers', OPERATOR)).json.total).toBe(0);
  });

  it('refuses a duplicate (409), a bad body (400) and a subscriber past the quota (409)', async () => {
    const body = { username: 'dup', domain: 'example.org', password: 'x' };
    expect((await call('POST', '/v1/tenants/acme/subscribers', ACME, body)).status).toBe(201);
    const again = await call('POST', '/v1/tenants/acme/subscribers', ACME, body);
    expect(again.status).toBe(409);
    expect(again.json.error).toBe('subscriber-exists');
    const bad = await call('POST', '/v1/tenants/acme/subscribers', ACME, {
      username: 'a b',
      domain: 'x',
      password: 'p',
    });
    expect(bad.status).toBe(400);
    const missing = await call('POST', '/v1/tenants/acme/subscribers', ACME, { username: 'a' });
    expect(missing.status).toBe(400);
    const list = ['q1', 'q2', 'q3'].map((username) => ({ username, domain: 'example.org', password: 'p' }));
    const imported = await call('POST', '/v1/tenants/acme/subscribers/import', ACME, { subscribers: list });
    expect(imported.status).toBe(409);
    expect(imported.json.error).toBe('subscriber-quota');
    expect(store.count('acme')).toBe(2);
  });

  it('imports, changes a password and removes', async () => {
    const imported = await call('POST', '/v1/tenants/acme/subscribers/import', ACME, {
      subscribers: [
        { username: 'bob', domain: 'example.org', password: 'p' },
        { username: 'alice', domain: 'example.org', password: 'new' },
      ],
      replace: true,
    });
    expect(imported.json).toMatchObject({ added: 1, updated: 1 });
    const changed = await call('PUT', '/v1/tenants/acme/subscribers/example.org/bob', ACME, {
      password: PASSWORD,
    });
    expect(changed.status).toBe(200);
    expect(store.find('acme', 'subscriber', 'bob', 'example.org', 'x')?.ha1Sha256).toBe(
      computeHa1('SHA-256', 'bob', 'example.org', PASSWORD),
    );
    expect((await call('DELETE', '/v1/tenants/acme/subscribers/example.org/bob', ACME)).status).toBe(200);
    const gone = await call('DELETE', '/v1/tenants/acme/subscribers/example.org/bob', ACME);
    expect(gone.status).toBe(404);
    expect(
      (await call('PUT', '/v1/tenants/acme/subscribers/example.org/bob', ACME, { password: 'x' })).status,
    ).toBe(404);
  });

  it('writes no password into the log', () => {
    expect(logged.join('')).toContain('subscriber added');
    expect(logged.join('')).not.toContain(PASSWORD);
  });
});
