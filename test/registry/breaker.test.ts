// The registry as the router's ScriptGuard: the circuit breaker (N failures of the active version within a
// window roll the tenant back to its last good version, marked `breaker` in the activation history; with
// none left, the tenant is fail-closed until an operator activates a version), no flapping between bad
// versions (across restarts too), and the version fail-open runs on, kept loaded.

import { createSecretKey, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CircuitBreaker, type SharedFailures } from '../../src/registry/circuit-breaker.ts';
import {
  DialogPins,
  ModuleCompiler,
  RegistrySelector,
  TenantMatcher,
  type TenantSpec,
} from '../../src/registry/index.ts';
import type { ManagedScript } from '../../src/registry/managed-script.ts';
import { DEFAULT_FAILURE_POLICY, type FailurePolicy } from '../../src/router/failure-policy.ts';
import { fixedScript } from '../../src/router/script.ts';
import { parseMessage, type SipRequest } from '../../src/sip/index.ts';
import { buildStampedRoute, type StampedRoute } from './fixtures.ts';
import { type Opened, openRegistry, spec } from './helpers/setup.ts';

let compiler: ModuleCompiler;
let route: StampedRoute;
const opened: Opened[] = [];

beforeAll(async () => {
  compiler = new ModuleCompiler();
  compiler.warm();
  route = await buildStampedRoute();
}, 60_000);
afterAll(() => compiler.close());
afterEach(async () => {
  for (const o of opened.splice(0)) await o.close();
});

const BREAKER = { failures: 3, windowMs: 60_000 };
const CLOSED: FailurePolicy = { mode: 'fail-closed', reply: { status: 503, reason: 'Tenant Suspended' } };
const OPEN: FailurePolicy = { mode: 'fail-open', reply: { status: 500, reason: 'Server Internal Error' } };

async function open(over: Partial<TenantSpec> = {}, dir?: string) {
  const o = await openRegistry(
    compiler,
    [spec('acme', { breaker: BREAKER, failurePolicy: CLOSED, ...over })],
    dir,
  );
  opened.push(o);
  return o;
}

/** Uploads stamped versions (activated), in order. */
async function deploy(o: Opened, ...stamps: number[]) {
  for (const stamp of stamps) {
    const r = await o.registry.upload('acme', route.stamp(stamp), { by: 'operator', activate: true });
    if (!r.ok) throw new Error(r.error.message);
  }
}

/** What the router does for each failed invocation of the active version. */
function fail(o: Opened, times: number, cause: 'trap' | 'fuel' = 'trap') {
  for (let i = 0; i < times; i++) o.registry.failed(o.registry.active('acme')!, cause);
}

// Generous: the rollback loads the last good version again, slow on a loaded machine (2 s once was not enough).
async function until(test: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && !test()) await new Promise((r) => setTimeout(r, 10));
  if (!test()) throw new Error(`timed out waiting for ${what}`);
}

const activeVersion = (o: Opened) => o.registry.active('acme')?.version;

describe('the circuit breaker', () => {
  it('rolls back to the last good version after N failures in the window, marked breaker in the history', async () => {
    const o = await open();
    await deploy(o, 1, 2);
    fail(o, 2);
    expect(activeVersion(o)).toBe(2);
    expect(o.registry.status('acme')?.breaker).toMatchObject({ state: 'closed', recent: 2, failures: 3 });
    fail(o, 1, 'fuel');
    expect(o.registry.status('acme')?.breaker.state).toBe('tripping');
    await until(() => activeVersion(o) === 1, 'the rollback');
    const status = o.registry.status('acme')!;
    expect(status).toMatchObject({ active: 1, activatedBy: 'breaker', activationKind: 'breaker' });
    expect(status.breaker).toMatchObject({
      state: 'closed',
      recent: 0,
      tripped: [expect.objectContaining({ tenant: 'acme', version: 2, cause: 'fuel' })],
    });
    expect(o.registry.activations('acme')?.map((a) => [a.version, a.kind, a.by])).toEqual([
      [1, 'breaker', 'breaker'],
      [2, 'activate', 'operator'],
      [1, 'activate', 'operator'],
    ]);
    expect(o.events.filter((e) => e.kind === 'breaker')).toEqual([
      { kind: 'breaker', tenant: 'acme', version: 2, outcome: 'rollback', to: 1 },
    ]);
  });

  it('failures spread wider than the window do not trip it', () => {
    const b = new CircuitBreaker({ failures: 3, windowMs: 1000 });
    // Three within 1 s: 0, 600, 1200 span 1200 ms; 600, 1200, 1500 span 900 ms.
    expect([b.record(0), b.record(600), b.record(1200), b.record(1500)]).toEqual([false, false, false, true]);
    expect(b.recent(1500)).toBe(3);
    b.reset();
    expect([b.recent(1500), b.record(1800)]).toEqual([0, false]);
  });

  it("counts a replaced version's failures on its own breaker, which revokes it and leaves the active one be", async () => {
    const o = await open({ dialogGraceMs: 60_000 });
    await deploy(o, 1, 2);
    const old = o.registry.active('acme')!;
    await deploy(o, 3);
    // A transaction of the old version still runs (it keeps it loaded).
    old.pin();
    expect(o.registry.dialogScript('acme', 2)).toBe(old);
    o.registry.failed(old, 'trap');
    o.registry.failed(old, 'trap');
    expect(o.registry.dialogScript('acme', 2)).toBe(old);
    expect(o.registry.status('acme')).toMatchObject({ inactiveFailures: 2, breaker: { recent: 0 } });
    o.registry.failed(old, 'trap');
    expect(activeVersion(o)).toBe(3);
    expect(o.registry.dialogScript('acme', 2)).toBe('revoked');
    for (let i = 0; i < 5; i++) o.registry.failed(old, 'trap');
    const status = o.registry.status('acme')!;
    expect(status).toMatchObject({ active: 3, inactiveFailures: 8 });
    expect(status.breaker).toMatchObject({
      state: 'closed',
      recent: 0,
      tripped: [expect.objectContaining({ version: 2, cause: 'trap' })],
    });
    expect(status.loaded.find((l) => l.version === 2)).toMatchObject({ revoked: true, pins: 1 });
    expect(o.events.filter((e) => e.kind === 'breaker')).toEqual([
      { kind: 'breaker', tenant: 'acme', version: 2, outcome: 'revoked' },
    ]);
    // Its transaction ends: no grace is left, it unloads.
    old.unpin();
    expect(o.registry.dialogScript('acme', 2)).toBeUndefined();
    expect(o.registry.status('acme')?.loaded.map((l) => l.version)).not.toContain(2);
  });

  it('gives the version it rolled back from no dialog grace', async () => {
    const o = await open({ dialogGraceMs: 60_000 });
    await deploy(o, 1, 2);
    const bad = o.registry.active('acme')!;
    bad.pin();
    fail(o, 3);
    await until(() => activeVersion(o) === 1, 'the rollback');
    expect(o.registry.dialogScript('acme', 2)).toBe('revoked');
    expect(o.registry.dialogScript('acme', 1)).toMatchObject({ version: 1 });
    bad.unpin();
    expect(o.registry.dialogScript('acme', 2)).toBeUndefined();
  });

  it('with no good version left, the tenant is fail-closed until an operator activates a version', async () => {
    const o = await open();
    await deploy(o, 1);
    fail(o, 3);
    const script = o.registry.active('acme')!;
    expect(script.version).toBe(1);
    expect(script.blocked).toEqual(CLOSED.reply);
    expect(o.registry.status('acme')?.breaker.state).toBe('open');
    // The selector answers the tenant's requests with the fail-closed reply, without running the script.
    const refused: number[] = [];
    const selector = new RegistrySelector({
      registry: o.registry,
      matcher: new TenantMatcher([spec('acme')], []),
      unmatched: { reply: 404 },
      dialogTenants: new Set(),
      pins: new DialogPins(createSecretKey(randomBytes(32))),
      isOwnUri: () => true,
      refuse: (_r, _s, status) => refused.push(status),
    });
    const source = {
      proto: 'udp' as const,
      remote: { address: '10.0.0.1', port: 5060 },
      local: { address: '127.0.0.1', port: 5060 },
    };
    expect(selector.select(options(), source)).toBeUndefined();
    expect([refused, selector.counters.failClosed, script.runner.stats.invocations]).toEqual([[503], 1, 0]);
    // More failures change nothing; the operator activating the version again clears the breaker.
    fail(o, 5);
    const again = await o.registry.activate('acme', 1, 'operator:alice');
    expect(again).toMatchObject({ ok: true, value: { from: 1, to: 1, changed: true } });
    expect(script.blocked).toBeUndefined();
    expect(o.registry.status('acme')?.breaker).toMatchObject({ state: 'closed', recent: 0, tripped: [] });
    expect(selector.select(options(), source)).toBe(script);
    expect(o.events.filter((e) => e.kind === 'breaker').map((e) => 'outcome' in e && e.outcome)).toEqual([
      'fail-closed',
      'cleared',
    ]);
  });

  it('never flaps between bad versions: each trip marks one, kept across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kemi-breaker-'));
    const first = await open({}, join(dir, 'data'));
    await deploy(first, 1, 2);
    await first.registry.activate('acme', 1, 'operator');
    await first.registry.activate('acme', 2, 'operator'); // history: 1, 2, 1, 2
    fail(first, 3);
    await until(() => activeVersion(first) === 1, 'the rollback to v1');
    await first.close();
    opened.splice(opened.indexOf(first), 1);

    const second = await open({}, join(dir, 'data'));
    expect(activeVersion(second)).toBe(1);
    fail(second, 3);
    // v2 is earlier in the history, but the breaker tripped on it: no rollback there.
    expect(activeVersion(second)).toBe(1);
    expect(second.registry.active('acme')?.blocked).toEqual(CLOSED.reply);
    expect(second.registry.status('acme')?.breaker.tripped.map((t) => t.version)).toEqual([1, 2]);
  });

  it('an operator may activate a version it tripped on; it may be rolled back to again after that', async () => {
    const o = await open();
    await deploy(o, 1, 2);
    fail(o, 3);
    await until(() => activeVersion(o) === 1, 'the rollback');
    await deploy(o, 3);
    expect(await o.registry.activate('acme', 2, 'operator')).toMatchObject({ ok: true, value: { to: 2 } });
    expect(o.registry.status('acme')?.breaker.tripped).toEqual([]);
    fail(o, 3);
    await until(() => activeVersion(o) === 3, 'the rollback to v3');
  });

  it('trips on the failures of two registries (two nodes) counted together by their shared count', async () => {
    // The cluster's count as the registries see it (src/cluster/shared-breaker.ts keeps it in Redis).
    let failures = 0;
    const shared: SharedFailures = {
      report: async (_tenant, _version, settings) => ++failures >= settings.failures,
    };
    const a = await openRegistry(
      compiler,
      [spec('acme', { breaker: BREAKER, failurePolicy: CLOSED })],
      undefined,
      undefined,
      { sharedFailures: shared },
    );
    const b = await openRegistry(
      compiler,
      [spec('acme', { breaker: BREAKER, failurePolicy: CLOSED })],
      undefined,
      undefined,
      { sharedFailures: shared },
    );
    opened.push(a, b);
    await deploy(a, 1, 2);
    await deploy(b, 1, 2);
    fail(a, 1);
    fail(b, 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect([activeVersion(a), activeVersion(b)]).toEqual([2, 2]);
    // The third failure, on node b: the shared count reaches 3; b trips (a follows the cluster's
    // activation in a cluster, not here).
    fail(b, 1);
    await until(() => activeVersion(b) === 1, 'the rollback of b');
    expect(b.registry.status('acme')).toMatchObject({ active: 1, activationKind: 'breaker' });
    expect(activeVersion(a)).toBe(2);
  });

  it('is off when the tenant has no breaker', async () => {
    const o = await open({ breaker: undefined });
    await deploy(o, 1, 2);
    fail(o, 100);
    expect(activeVersion(o)).toBe(2);
    expect(o.registry.status('acme')?.breaker.state).toBe('off');
  });
});

describe('the fail-open version', () => {
  it('is the last good version, kept loaded while another is active, and follows activations', async () => {
    const o = await open({ failurePolicy: OPEN });
    await deploy(o, 1);
    const first = o.registry.active('acme')!;
    expect(o.registry.fallback(first)).toBeUndefined();
    await deploy(o, 2);
    // The replaced version is kept as it is, never unloaded and compiled again.
    const v1 = o.registry.fallback(o.registry.active('acme')!) as ManagedScript;
    expect(v1).toBe(first);
    expect(v1.version).toBe(1);
    expect(o.registry.policy(v1)).toBe(OPEN);
    expect(o.registry.status('acme')?.loaded.map((l) => [l.version, l.active, l.standby])).toEqual([
      [2, true, false],
      [1, false, true],
    ]);
    // Never itself: a failing fail-open version has nothing to fall back on.
    expect(o.registry.fallback(v1)).toBeUndefined();
    await deploy(o, 3);
    await until(() => o.registry.status('acme')?.fallback === 2, 'v2 as the fail-open version');
    await until(() => o.registry.status('acme')?.loaded.length === 2, 'v1 unloaded');
    // The breaker rolls back to it.
    fail(o, 3);
    await until(() => activeVersion(o) === 2, 'the rollback to v2');
    await until(() => o.registry.status('acme')?.fallback === 1, 'v1 as the fail-open version again');
  });

  it('fail-closed tenants keep no extra version loaded', async () => {
    const o = await open();
    await deploy(o, 1, 2);
    expect(o.registry.status('acme')).toMatchObject({ fallback: undefined, loaded: [{ version: 2 }] });
  });
});

describe('the failure policy', () => {
  it("is the tenant's; a script of a tenant the registry does not serve gets the default fail-closed", async () => {
    const o = await open();
    await deploy(o, 1);
    const script = o.registry.active('acme')!;
    expect(o.registry.policy(script)).toBe(CLOSED);
    const stranger = fixedScript('nobody', 1, script.runner, script.log);
    expect(o.registry.policy(stranger)).toBe(DEFAULT_FAILURE_POLICY);
    expect(o.registry.fallback(stranger)).toBeUndefined();
  });
});

function options(): SipRequest {
  const text = [
    'OPTIONS sip:acme.example SIP/2.0',
    'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1',
    'From: <sip:a@example.org>;tag=f1',
    'To: <sip:b@example.org>',
    'Call-ID: c1',
    'CSeq: 1 OPTIONS',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const parsed = parseMessage(text, { datagram: true });
  if (!parsed.ok) throw new Error(parsed.error.detail);
  return parsed.value as SipRequest;
}
