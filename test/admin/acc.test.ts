// The accounting read of the admin API on loopback: records of a tenant by table, paged and from a time,
// tenant tokens confined to their tenant, and bad queries refused.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminServer } from '../../src/admin/index.ts';
import { type AccRecord, AccStore } from '../../src/state/index.ts';
import { ACME, OPERATOR, startTestAdmin, type TestAdmin } from './test-admin.ts';

let server: TestAdmin;
let admin: AdminServer;
let store: AccStore;

const record = (callId: string, code: string, time: number): AccRecord => ({
  method: 'INVITE',
  fromTag: 'ft',
  toTag: 'tt',
  callId,
  sipCode: code,
  sipReason: code === '200' ? 'OK' : 'Busy Here',
  time,
  extra: { src_user: 'alice' },
});

beforeAll(async () => {
  const s = AccStore.open({ dir: undefined, maxRowsPerTenant: 100 });
  if (!s.ok) throw new Error(s.error);
  store = s.value;
  store.write('acme', 'acc', record('c1', '200', Date.parse('2026-01-01T00:00:00Z')));
  store.write('acme', 'acc', record('c2', '200', Date.parse('2026-01-02T00:00:00Z')));
  store.write('acme', 'missed_calls', record('c3', '486', Date.parse('2026-01-03T00:00:00Z')));
  server = await startTestAdmin({ acc: store, log: pino({ level: 'silent' }) });
  admin = server.admin;
}, 60_000);

afterAll(async () => {
  await server?.close();
  store?.close();
});

async function get(path: string, token: string) {
  const res = await fetch(`${admin.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return {
    status: res.status,
    json: (await res.json()) as { records: { callid: string }[] } & Record<string, unknown>,
  };
}

const ids = (json: { records: { callid: string }[] }) => json.records.map((r) => r.callid);

describe('GET /v1/tenants/:tenant/acc', () => {
  it('lists the acc table by default, missed_calls on request, paged and from a time', async () => {
    const all = await get('/v1/tenants/acme/acc', ACME);
    expect(all.status).toBe(200);
    expect(ids(all.json)).toEqual(['c1', 'c2']);
    expect(all.json.records[0]).toMatchObject({
      method: 'INVITE',
      sip_code: '200',
      time: '2026-01-01T00:00:00.000Z',
      extra: { src_user: 'alice' },
    });
    expect(ids((await get('/v1/tenants/acme/acc?table=missed_calls', ACME)).json)).toEqual(['c3']);
    expect(ids((await get('/v1/tenants/acme/acc?limit=1&offset=1', ACME)).json)).toEqual(['c2']);
    expect(ids((await get('/v1/tenants/acme/acc?since=2026-01-02T00:00:00Z', ACME)).json)).toEqual(['c2']);
  });

  it("confines a tenant token to its tenant's records", async () => {
    expect((await get('/v1/tenants/beta/acc', ACME)).status).toBe(403);
    expect(ids((await get('/v1/tenants/beta/acc', OPERATOR)).json)).toEqual([]);
  });

  it('refuses a bad table name or time', async () => {
    expect((await get('/v1/tenants/acme/acc?table=acc;drop', ACME)).status).toBe(400);
    expect((await get('/v1/tenants/acme/acc?since=yesterday', ACME)).status).toBe(400);
  });
});
