// The metrics the message path feeds: route failures and failure-policy outcomes per tenant, refused relay
// destinations, the transaction layer's counters and table sizes, and the circuit breaker's events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminMetrics } from '../../src/admin/index.ts';
import { ModuleCompiler } from '../../src/registry/index.ts';
import { createRouterCounters } from '../../src/router/counters.ts';
import { DEFAULT_REGISTRAR, HtableStore, LocationStore } from '../../src/state/index.ts';
import { createTmCounters } from '../../src/tm/index.ts';
import { buildStampedRoute } from '../registry/fixtures.ts';
import { type Opened, openRegistry, spec } from '../registry/helpers/setup.ts';

let compiler: ModuleCompiler;
let opened: Opened;

beforeAll(async () => {
  compiler = new ModuleCompiler();
  const route = await buildStampedRoute();
  opened = await openRegistry(compiler, [spec('acme', { breaker: { failures: 2, windowMs: 60_000 } })]);
  await opened.registry.upload('acme', route.stamp(1), { by: 'test', activate: true });
}, 60_000);

afterAll(async () => {
  await opened?.close();
  await compiler?.close();
});

describe('metrics of the message path', () => {
  it('count failures and policy outcomes per tenant, refused relays, tm counters, breaker events', async () => {
    const core = createRouterCounters();
    core.routeFailures = { acme: { fuel: 3, trap: 1 }, beta: { memory: 2 } };
    core.policyOutcomes = { acme: { reply: 3, fallback: 1 }, beta: { drop: 2 } };
    core.destinationsRefused = { acme: 5 };
    core.transactionsRefused = { acme: { tenant: 30 }, beta: { global: 2 } };
    const tm = createTmCounters();
    tm.serverTransactions = 7;
    tm.failureRoutes = 2;
    const spec = {
      maxItems: 1,
      maxKeyBytes: 8,
      maxValueBytes: 8,
      autoexpire: 0,
      initval: 0,
      nodeLocal: false,
    };
    const htables = new HtableStore({ acme: { calls: spec } });
    const calls = htables.tenant('acme')!.table('calls')!;
    calls.set('a', 'x');
    calls.set('b', 'y'); // the table is full
    calls.set('a', 'far too long');
    const locationStore = LocationStore.open({ dir: undefined });
    if (!locationStore.ok) throw new Error(locationStore.error);
    const binding = {
      q: undefined,
      userAgent: undefined,
      callId: 'c',
      cseq: 1,
      source: 'udp:192.0.2.1:5060',
      updatedAt: Date.now(),
    };
    const put = (contact: string) => ({ ...binding, contact, expiresAt: Date.now() + 60_000 });
    locationStore.value.apply(
      'acme',
      'location',
      'bob@acme.example',
      { remove: [], put: [put('sip:bob@192.0.2.1'), put('sip:bob@192.0.2.2')] },
      { maxContacts: 10, maxBindings: 10 },
    );
    const location = {
      store: locationStore.value,
      settings: () => DEFAULT_REGISTRAR,
      refused: { acme: { 423: 2 } },
    };
    const metrics = new AdminMetrics({
      registry: opened.registry,
      core: () => core,
      tm: () => ({
        counters: tm,
        serverTransactions: 4,
        clientTransactions: 6,
        liveByTenant: { acme: 3, beta: 1 },
      }),
      htables: () => htables,
      location: () => location,
    });
    try {
      // Two failures of the only version: the breaker leaves the tenant fail-closed.
      const script = opened.registry.active('acme')!;
      opened.registry.failed(script, 'trap');
      opened.registry.failed(script, 'trap');
      const text = await metrics.text();
      for (const line of [
        'kemi_route_failures_total{tenant="acme",cause="fuel"} 3',
        'kemi_route_failures_total{tenant="beta",cause="memory"} 2',
        'kemi_failure_policy_total{tenant="acme",outcome="fallback"} 1',
        'kemi_failure_policy_total{tenant="beta",outcome="drop"} 2',
        'kemi_relay_refused_total{tenant="acme"} 5',
        'kemi_tm_server_transactions_total 7',
        'kemi_tm_failure_routes_total 2',
        'kemi_tm_server_transactions 4',
        'kemi_tm_client_transactions 6',
        'kemi_tm_transactions_refused_total{tenant="acme",cap="tenant"} 30',
        'kemi_tm_transactions_refused_total{tenant="beta",cap="global"} 2',
        'kemi_tm_live_transactions{tenant="acme"} 3',
        'kemi_tm_live_transactions{tenant="beta"} 1',
        'kemi_breaker_events_total{tenant="acme",outcome="fail-closed"} 1',
        'kemi_breaker_open{tenant="acme"} 1',
        'kemi_htable_writes_refused_total{tenant="acme",reason="items"} 1',
        'kemi_htable_writes_refused_total{tenant="acme",reason="value-bytes"} 1',
        'kemi_htable_items{tenant="acme"} 1',
        'kemi_location_bindings{tenant="acme"} 2',
        'kemi_registrar_refused_total{tenant="acme",status="423"} 2',
      ]) {
        expect(text.split('\n')).toContain(line);
      }
    } finally {
      metrics.close();
    }
  });
});
