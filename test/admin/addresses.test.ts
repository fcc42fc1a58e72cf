// The address table routes over real HTTP: add, list (by group), import all-or-nothing, remove by id, the
// JSON refusals (invalid, duplicate, cap, unknown row), a tenant token confined to its own table, and the
// permissions and pike metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminServer } from '../../src/admin/index.ts';
import type { PermissionsHost } from '../../src/kemi/index.ts';
import { AddressStore, PikeStore, parseIp } from '../../src/state/index.ts';
import { ACME, OPERATOR, startTestAdmin, type TestAdmin } from './test-admin.ts';

let server: TestAdmin;
let admin: AdminServer;
let store: AddressStore;
const permissions: PermissionsHost = { store: undefined as unknown as AddressStore, denied: {} };
const pike = new PikeStore({ samplingTimeUnit: 2, reqsDensityPerUnit: 2, removeLatency: 10, maxEntries: 10 });

beforeAll(async () => {
  const addresses = AddressStore.open({ dir: undefined, maxPerTenant: 4 });
  if (!addresses.ok) throw new Error(addresses.error);
  store = addresses.value;
  Object.assign(permissions, { store });
  server = await startTestAdmin({
    addresses: store,
    sources: { permissions: () => permissions, pike: () => pike },
  });
  admin = server.admin;
}, 60_000);

afterAll(async () => {
  await server?.close();
  store?.close();
});

async function call(method: string, path: string, token = OPERATOR, body?: unknown) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${admin.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = res.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : {};
  return { status: res.status, json: json as Record<string, unknown>, text };
}

describe('admin address routes', () => {
  it('adds, lists, imports and removes rows of one tenant', async () => {
    const added = await call('POST', '/v1/tenants/acme/addresses', ACME, {
      group: 1,
      address: '192.0.2.9/24',
      tag: 'office',
    });
    expect(added.status, added.text).toBe(201);
    expect(added.json.address).toEqual({ id: 1, group: 1, address: '192.0.2.0/24', port: 0, tag: 'office' });

    const imported = await call('POST', '/v1/tenants/acme/addresses/import', ACME, {
      addresses: [
        { group: 2, address: '2001:db8::1', port: 5060 },
        { group: 2, address: 'gw.example.com' },
      ],
    });
    expect(imported.status, imported.text).toBe(201);
    expect(imported.json.added).toBe(2);
    expect(store.index('acme').match(2, parseIp('2001:db8::1')!, 5060)).toBeDefined();

    const group2 = await call('GET', '/v1/tenants/acme/addresses?group=2', ACME);
    expect((group2.json.addresses as { address: string }[]).map((a) => a.address)).toEqual([
      '2001:db8::1',
      'gw.example.com',
    ]);

    const removed = await call('DELETE', '/v1/tenants/acme/addresses/2', ACME);
    expect(removed.json).toEqual({ tenant: 'acme', removed: 2 });
    expect(store.index('acme').match(2, parseIp('2001:db8::1')!, 5060)).toBeUndefined();
    const all = await call('GET', '/v1/tenants/acme/addresses', ACME);
    expect((all.json.addresses as unknown[]).length).toBe(2);
  });

  it('refuses bad rows, duplicates, rows past the cap (a whole import) and unknown ids', async () => {
    const bad = await call('POST', '/v1/tenants/beta/addresses', OPERATOR, {
      group: 1,
      address: '10.0.0.0/0',
    });
    expect([bad.status, bad.json.error]).toEqual([400, 'invalid']);
    const shape = await call('POST', '/v1/tenants/beta/addresses', OPERATOR, { address: '10.0.0.1' });
    expect([shape.status, shape.json.error]).toEqual([400, 'bad-request']);
    expect(
      (await call('POST', '/v1/tenants/beta/addresses', OPERATOR, { group: 1, address: '10.0.0.1' })).status,
    ).toBe(201);
    const dup = await call('POST', '/v1/tenants/beta/addresses/import', OPERATOR, {
      addresses: [
        { group: 1, address: '10.0.0.2' },
        { group: 1, address: '10.0.0.1' },
      ],
    });
    expect([dup.status, dup.json.error]).toEqual([409, 'duplicate']);
    expect(dup.json.reason).toMatch(/^row 2: /);
    const full = await call('POST', '/v1/tenants/beta/addresses/import', OPERATOR, {
      addresses: ['10.0.1.1', '10.0.1.2', '10.0.1.3', '10.0.1.4'].map((address) => ({ group: 1, address })),
    });
    expect([full.status, full.json.error]).toEqual([409, 'full']);
    expect(store.list('beta').map((r) => r.address)).toEqual(['10.0.0.1']);
    const unknown = await call('DELETE', '/v1/tenants/beta/addresses/999', OPERATOR);
    expect([unknown.status, unknown.json.error]).toEqual([404, 'unknown-address']);
  });

  it("confines a tenant token to its own table: another tenant's rows are out of reach", async () => {
    const betaRow = store.list('beta')[0];
    for (const [method, path, body] of [
      ['GET', '/v1/tenants/beta/addresses', undefined],
      ['POST', '/v1/tenants/beta/addresses', { group: 1, address: '198.51.100.1' }],
      ['POST', '/v1/tenants/beta/addresses/import', { addresses: [{ group: 1, address: '198.51.100.1' }] }],
      ['DELETE', `/v1/tenants/beta/addresses/${betaRow.id}`, undefined],
    ] as const) {
      const r = await call(method, path, ACME, body);
      expect([r.status, r.json.error], `${method} ${path}`).toEqual([403, 'forbidden']);
    }
    // Its own route with another tenant's row id removes nothing.
    const cross = await call('DELETE', `/v1/tenants/acme/addresses/${betaRow.id}`, ACME);
    expect(cross.status).toBe(404);
    expect(store.list('beta')).toHaveLength(1);
  });

  it('exports the address rows, the denials and the pike counts per tenant', async () => {
    permissions.denied.acme = { 'allow-source-address': 3 };
    const ip = parseIp('203.0.113.1')!;
    for (let i = 0; i < 4; i++) pike.table('beta').check(ip);
    const text = (await call('GET', '/metrics')).text;
    expect(text).toMatch(/^kemi_permission_addresses\{tenant="acme"\} 2$/m);
    expect(text).toMatch(
      /^kemi_permission_denied_total\{tenant="acme",function="allow-source-address"\} 3$/m,
    );
    expect(text).toMatch(/^kemi_pike_detections_total\{tenant="beta"\} 1$/m);
    expect(text).toMatch(/^kemi_pike_blocked_total\{tenant="beta"\} 2$/m);
    expect(text).toMatch(/^kemi_pike_addresses\{tenant="beta"\} 1$/m);
  });
});
