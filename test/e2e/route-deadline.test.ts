// CPU under the fuel budget (issue 11): a route that chases pointers through cache-missing memory used 36 M
// of its 50 M fuel units in 0.4-0.6 s per request and returned, so it never failed, the breaker never saw
// it, and a neighbour tenant's p99 rose to 380-510 ms. The deadline is now enforced inside guest code, at the
// fuel checkpoints: the chase ends at its deadline with cause 'deadline', is answered by the failure policy,
// counts toward the circuit breaker, and the neighbour stays responsive. One real server, each tenant on its
// own UDP socket:
//   good    the hello route, probed with OPTIONS throughout.
//   flood   the hostile route (guest-examples/hostile), fail-closed with 503; a flood of pointer chases.
//   trip    hello as v1, the hostile route as v2, fail-closed, breaker at 5 failures: the chases roll it back.
// Both hostile tenants get a fuel budget far above what the chase uses, so only the deadline can stop it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../fixtures/sipp.ts';
import { buildGuest } from '../../src/builder/index.ts';
import {
  admin,
  OPERATOR_TOKEN,
  optionsOnce,
  type RegistryServer,
  startRegistryServer,
} from './registry-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-deadline-'));
const SCRIPT_FAILED = { status: 503, reason: 'Script Failed' };
const DEADLINE_MS = 20;
// Generous bounds for a loaded 2-core machine. A chase ends at its deadline plus at most one fuel slice;
// around the route, its fresh instance and the memory it faulted in cost more (each failure discards the
// instance). At a load average of 9-12 (other test runs) chases were answered in a median of 36-71 ms and at
// most 180-290 ms; before the fix the route returned after 0.4-2.5 s, with a 200. The neighbour's p99 during
// the flood stays under the bound test/e2e/sandbox.test.ts sets (it was 380-510 ms in the issue, seconds
// here before the fix): 122 ms at a chase every 250 ms on that loaded machine, 180-320 ms at one every 50-100
// ms. See the figures this file prints.
const ATTACK_ANSWERED_MS = 350;
const NEIGHBOUR_P99_MS = 150;
/** Chases sent during the flood, one every FLOOD_GAP_MS (each holds the event loop until its deadline). */
const FLOOD = 30;
const FLOOD_GAP_MS = 250;

let server: RegistryServer;
let ports: Record<'good' | 'flood' | 'trip', number>;
let hostile: Uint8Array;

async function metric(name: string, labels: string): Promise<number> {
  const res = await fetch(`${server.adminUrl}/metrics`, {
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
  });
  const line = (await res.text()).split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function tenantStatus(tenant: string): Promise<Record<string, unknown>> {
  return (await admin(server.adminUrl, 'GET', `/v1/tenants/${tenant}`)).body;
}

/** One pointer chase sent to `tenant`: the first line of the answer and how long it took. */
async function chase(tenant: 'flood' | 'trip'): Promise<{ status: string | undefined; ms: number }> {
  const started = performance.now();
  const reply = await optionsOnce(ports[tenant], `sip:pointer-chase@127.0.0.1:${ports[tenant]}`, 5000);
  return { status: reply?.split('\r\n')[0], ms: performance.now() - started };
}

function quantiles(ms: number[]): { n: number; median: number; p99: number; max: number } {
  const sorted = ms.toSorted((a, b) => a - b);
  const q = (f: number) => sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))];
  return { n: sorted.length, median: q(0.5), p99: q(0.99), max: q(1) };
}

beforeAll(async () => {
  const built = {
    hostile: await buildGuest('guest-examples/hostile/assemblyscript', { out: join(dir, 'hostile.wasm') }),
    hello: await buildGuest('guest-examples/assemblyscript/hello', { out: join(dir, 'hello.wasm') }),
  };
  if (!built.hostile.ok) throw new Error(built.hostile.error.message);
  if (!built.hello.ok) throw new Error(built.hello.error.message);
  hostile = built.hostile.value.component;
  ports = { good: await freePort(), flood: await freePort(), trip: await freePort() };
  const socket = (tenant: keyof typeof ports) => `udp:127.0.0.1:${ports[tenant]}`;
  const limits = { fuel: 2_000_000_000, deadline_ms: DEADLINE_MS };
  server = await startRegistryServer(
    {
      listen: Object.keys(ports).map((t) => socket(t as keyof typeof ports)),
      tenants: [
        { name: 'good', match: { sockets: [socket('good')] }, route: built.hello.value.out },
        {
          name: 'flood',
          match: { sockets: [socket('flood')] },
          route: built.hostile.value.out,
          failure_policy: { mode: 'fail-closed', reply: SCRIPT_FAILED },
          circuit_breaker: { failures: 10_000, window_s: 60 },
          limits,
        },
        {
          name: 'trip',
          match: { sockets: [socket('trip')] },
          route: built.hello.value.out,
          failure_policy: { mode: 'fail-closed', reply: SCRIPT_FAILED },
          circuit_breaker: { failures: 5, window_s: 60 },
          limits,
        },
      ],
    },
    dir,
  );
}, 90_000);

afterAll(async () => {
  if (server) expect(await server.process.stop()).toBe(0);
});

describe('a pointer-chasing route under its fuel budget', () => {
  it('is ended at its deadline, answered by the failure policy, and counted with cause deadline', async () => {
    // The first chase is the route's cold invocation (a longer deadline while V8 compiles); then warm ones.
    const first = await chase('flood');
    expect(first.status).toBe('SIP/2.0 503 Script Failed');
    for (let i = 0; i < 3; i++) {
      const { status, ms } = await chase('flood');
      expect(status).toBe('SIP/2.0 503 Script Failed');
      expect(ms).toBeLessThan(ATTACK_ANSWERED_MS);
    }
    expect(await metric('kemi_route_failures_total', 'tenant="flood",cause="deadline"')).toBe(4);
    const line = server.process.lines.find(
      (l) => l.tenant === 'flood' && String(l.msg).startsWith('route failed'),
    );
    expect(line).toMatchObject({ cause: 'deadline', outcome: 'reply' });
    expect(String(line?.msg)).toContain(`ran past its budget of`);
  }, 60_000);

  it('keeps the neighbour responsive while chases arrive back to back', async () => {
    let flooding = true;
    const probes = (async () => {
      const times: number[] = [];
      while (flooding) {
        const started = performance.now();
        const reply = await optionsOnce(ports.good, `sip:probe@127.0.0.1:${ports.good}`, 3000);
        expect(reply?.startsWith('SIP/2.0 404')).toBe(true);
        times.push(performance.now() - started);
        await new Promise((r) => setTimeout(r, 10));
      }
      return times;
    })();
    const sent: Promise<{ status: string | undefined; ms: number }>[] = [];
    for (let i = 0; i < FLOOD; i++) {
      sent.push(chase('flood'));
      await new Promise((r) => setTimeout(r, FLOOD_GAP_MS));
    }
    const answers = await Promise.all(sent);
    flooding = false;
    const neighbour = quantiles(await probes);
    const attacks = quantiles(answers.map((a) => a.ms));
    const figures = (f: typeof neighbour) =>
      `n ${f.n}, median ${f.median.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms, max ${f.max.toFixed(1)} ms`;
    // The figures docs/sandbox.md quotes.
    console.log(
      `pointer-chase flood: chases answered ${figures(attacks)}; neighbour OPTIONS ${figures(neighbour)}`,
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 'SIP/2.0 503 Script Failed'));
    expect(neighbour.n).toBeGreaterThanOrEqual(150);
    expect(neighbour.p99, figures(neighbour)).toBeLessThan(NEIGHBOUR_P99_MS);
    expect(await metric('kemi_route_failures_total', 'tenant="flood",cause="deadline"')).toBe(4 + FLOOD);
  }, 60_000);

  it('counts toward the circuit breaker, which rolls the tenant back to its good version', async () => {
    const up = await admin(server.adminUrl, 'POST', '/v1/tenants/trip/versions?activate=1', hostile);
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    expect(await tenantStatus('trip')).toMatchObject({ active: 2 });
    for (let i = 0; i < 5; i++) expect((await chase('trip')).status).toBe('SIP/2.0 503 Script Failed');
    for (let i = 0; i < 100 && (await tenantStatus('trip')).active !== 1; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await tenantStatus('trip')).toMatchObject({
      active: 1,
      activationKind: 'breaker',
      breaker: { tripped: [expect.objectContaining({ version: 2, cause: 'deadline' })] },
    });
    // v1 answers now: the hello route's 404, promptly.
    const after = await chase('trip');
    expect(after.status).toBe('SIP/2.0 404 Not Found');
    expect(await metric('kemi_route_failures_total', 'tenant="trip",cause="deadline"')).toBe(5);
    expect(await metric('kemi_breaker_events_total', 'tenant="trip",outcome="rollback"')).toBe(1);
  }, 60_000);
});
