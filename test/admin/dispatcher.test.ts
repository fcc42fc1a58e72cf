// The dispatcher routes over real HTTP: add (reloading the sets), list with state and load, remove by id,
// reload, the JSON refusals (invalid, duplicate, cap, unknown row), a tenant token confined to its own
// sets, and the dispatcher metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminServer } from '../../src/admin/index.ts';
import { dispatcherSchema } from '../../src/config/dispatcher-schema.ts';
import { Dispatcher } from '../../src/dispatcher/dispatcher.ts';
import { silentLogger } from '../../src/logger.ts';
import { DispatcherStore } from '../../src/state/index.ts';
import { ACME, OPERATOR, startTestAdmin, type TestAdmin } from './test-admin.ts';

let server: TestAdmin;
let admin: AdminServer;
let store: DispatcherStore;
let dispatcher: Dispatcher;

beforeAll(async () => {
  const opened = DispatcherStore.open(undefined);
  if (!opened.ok) throw new Error(opened.error);
  store = opened.value;
  dispatcher = new Dispatcher({
    config: dispatcherSchema.parse({ max_destinations_per_tenant: 3 }),
    tenants: new Map([
      [
        'acme',
        { flags: 2, destinations: [{ set: 1, uri: 'sip:10.0.0.1', flags: 0, priority: 5, attrs: '' }] },
      ],
    ]),
    store,
    log: silentLogger,
  });
  server = await startTestAdmin({ dispatcher, sources: { dispatcher: () => dispatcher } });
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

describe('admin dispatcher routes', () => {
  it('adds a destination and reloads the sets: it is selectable at once, listed with its id', async () => {
    const added = await call('POST', '/v1/tenants/acme/dispatcher', ACME, {
      set: 1,
      uri: 'sip:10.0.0.2:5080',
      attrs: 'duid=b;weight=50',
    });
    expect(added.status).toBe(201);
    const id = (added.json.destination as { id: number }).id;
    expect(dispatcher.tenant('acme').find(1, 'sip:10.0.0.2:5080')?.attrs.duid).toBe('b');
    const listed = await call('GET', '/v1/tenants/acme/dispatcher', ACME);
    expect(listed.json.destinations).toEqual([
      { set: 1, uri: 'sip:10.0.0.1', flags: 0, state: 'AX', priority: 5, attrs: '', load: 0 },
      {
        set: 1,
        uri: 'sip:10.0.0.2:5080',
        flags: 0,
        state: 'AX',
        priority: 0,
        attrs: 'duid=b;weight=50',
        load: 0,
        id,
      },
    ]);
    expect((await call('DELETE', `/v1/tenants/acme/dispatcher/${id}`, ACME)).status).toBe(200);
    expect((await call('DELETE', `/v1/tenants/acme/dispatcher/${id}`, ACME)).status).toBe(404);
    expect(dispatcher.tenant('acme').find(1, 'sip:10.0.0.2:5080')).toBeUndefined();
    const reloaded = await call('POST', '/v1/tenants/acme/dispatcher/reload', ACME);
    expect(reloaded.json).toEqual({ tenant: 'acme', destinations: 1, sets: 1 });
  });

  it('refuses a bad URI (400), a duplicate and past the cap (409)', async () => {
    const bad = await call('POST', '/v1/tenants/acme/dispatcher', OPERATOR, { set: 1, uri: 'tel:+1' });
    expect([bad.status, bad.json.error]).toEqual([400, 'invalid']);
    expect(
      (await call('POST', '/v1/tenants/acme/dispatcher', OPERATOR, { set: 2, uri: 'sip:10.0.0.3' })).status,
    ).toBe(201);
    const dup = await call('POST', '/v1/tenants/acme/dispatcher', OPERATOR, { set: 2, uri: 'sip:10.0.0.3' });
    expect([dup.status, dup.json.error]).toEqual([409, 'duplicate']);
    expect(
      (await call('POST', '/v1/tenants/acme/dispatcher', OPERATOR, { set: 2, uri: 'sip:10.0.0.4' })).status,
    ).toBe(201);
    const full = await call('POST', '/v1/tenants/acme/dispatcher', OPERATOR, { set: 2, uri: 'sip:10.0.0.5' });
    expect([full.status, full.json.error]).toEqual([409, 'full']);
  });

  it('a tenant token reaches only its own sets', async () => {
    expect((await call('GET', '/v1/tenants/beta/dispatcher', ACME)).status).toBe(403);
    expect(
      (await call('POST', '/v1/tenants/beta/dispatcher', ACME, { set: 1, uri: 'sip:10.0.0.9' })).status,
    ).toBe(403);
    expect((await call('GET', '/v1/tenants/beta/dispatcher')).json.destinations).toEqual([]);
  });

  it('exports destination state and events as metrics', async () => {
    dispatcher.tenant('acme').updateState(1, 'sip:10.0.0.1', 1, 'test');
    const text = (await call('GET', '/metrics')).text;
    expect(text).toContain('kemi_dispatcher_destination_up{tenant="acme",set="1",uri="sip:10.0.0.1"} 0');
    expect(text).toContain('kemi_dispatcher_events_total{tenant="acme",event="down"} 1');
    expect(text).toContain('kemi_dispatcher_calls{tenant="acme"} 0');
  });
});
