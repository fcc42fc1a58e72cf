// Hostile tenants next to a well-behaved one, on one real server, each tenant on its own UDP socket:
//   good    the hello route; SIPp calls it at a steady rate for the whole file and must lose none.
//   closed  the hostile route, fail-closed with a configured 503; every attack of guest-examples/hostile is
//           sent by SIPp and gets exactly its outcome (the 503, or what the surviving route answers).
//   open    hello as v1, the hostile route uploaded as v2, fail-open: attacks are answered by v1 until the
//           breaker (5 failures) rolls back to v1, marked `breaker` in the activation history.
//   drop    the hostile route alone, drop: no answer, until the breaker (3 failures) finds no good version
//           and the tenant answers fail-closed without running it, until an operator deploys a version.
// Malformed uploads through the admin API get a 4xx with a reason and leave the active version alone. The
// server stays up, and its metrics count each cause. Every process is bounded in calls and time.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { componentFromWat } from '../../fixtures/guest.ts';
import { freePort, runSipp, type SippRun, scenario } from '../../fixtures/sipp.ts';
import { buildGuest } from '../../src/builder/index.ts';
import {
  admin,
  OPERATOR_TOKEN,
  optionsOnce,
  type RegistryServer,
  startRegistryServer,
} from './registry-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-sandbox-'));
const SCRIPT_FAILED = { status: 503, reason: 'Script Failed' };
/** The neighbour's load: runs of this many seconds at RATE until the attacks are over. */
const RATE = 50;
const RUN_SECONDS = 4;
// Bounds on the figures this file prints (docs/sandbox.md quotes them): the slowest attack was answered in
// 31-33 ms (the memory bomb); the neighbour's OPTIONS took a median of 0.4-1.3 ms, p99 13-29 ms and max 33-57
// ms (a few probes land on an attack's event-loop turn), during the infinite-loop flood a median of 0.5-1.1
// ms, p99 13-14 ms, max 16-35 ms. The bounds leave five times that or more for a loaded 2-core CI machine,
// where a route that held the event loop past its limits would break them. The max is one probe of ~500: on
// a machine busy with other work it reached 570 ms once, so its bound is a second (a route held to its
// fuel budget never takes that long; one that ran unbounded would).
// An attack's first invocation on a fresh runner has the cold grace (COLD_DEADLINE_MS, 250 ms, while V8
// compiles): its answer may come that late plus a fresh instance, so the bound sits above it.
const ATTACK_ANSWERED_MS = 400;
const NEIGHBOUR_MEDIAN_MS = 10;
const NEIGHBOUR_P99_MS = 150;
const NEIGHBOUR_MAX_MS = 1000;

let server: RegistryServer;
let ports: Record<'good' | 'closed' | 'open' | 'drop', number>;
let hostile: Uint8Array;
let hello: Uint8Array;
let helloCore: Uint8Array;
let attacksOver = false;
let neighbour: Promise<SippRun[]>;
/** Round trips of OPTIONS to the neighbour while the attacks run (ms undefined: no answer in 2 s). */
let probes: Promise<{ at: number; ms: number | undefined }[]>;
/** When the sustained flood on `closed` ran. */
const flood = { from: 0, to: 0 };

/** An OPTIONS to [service]@server; the caller expects `status` (and `reason`), or no answer at all. */
function optionsScenario(
  name: string,
  expect: { status: number; reason?: string; forbid?: string } | 'silence',
): string {
  const send = `<send><![CDATA[
OPTIONS sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 OPTIONS
Max-Forwards: 70
Content-Length: 0

]]></send>`;
  let body: string;
  if (expect === 'silence') {
    // Any answer during the pause is an unexpected message: the call fails.
    body = `${send}\n<pause milliseconds="1500"/>`;
  } else {
    const checks = [
      expect.reason &&
        `<ereg regexp="^SIP/2.0 ${expect.status} ${expect.reason}" search_in="msg" check_it="true" assign_to="r"/>`,
      expect.forbid &&
        `<ereg regexp="${expect.forbid}" search_in="msg" check_it_inverse="true" assign_to="f"/>`,
    ].filter(Boolean);
    const action = checks.length > 0 ? `<action>${checks.join('')}</action>` : '';
    body = `${send}\n<recv response="${expect.status}">${action}</recv>`;
    if (expect.reason) body += '\n<nop><action><log message="[$r]"/></action></nop>';
    if (expect.forbid) body += '\n<nop><action><log message="[$f]"/></action></nop>';
  }
  const file = join(dir, `${name}.xml`);
  writeFileSync(
    file,
    `<?xml version="1.0" encoding="ISO-8859-1" ?>\n<scenario name="${name}">\n${body}\n</scenario>\n`,
  );
  return file;
}

/** What one more request of each attack got, and how long the caller waited (printed at the end). */
const measured: string[] = [];

/**
 * `calls` OPTIONS for `attack` to a tenant's socket; every call must get what the scenario expects. Then
 * one more, timed from the caller (no answer within 2 s: "no answer").
 */
async function attack(
  tenant: keyof typeof ports,
  name: string,
  file: string,
  calls = 3,
  rate = 10,
): Promise<void> {
  const run = await runSipp(file, {
    transport: 'udp',
    port: ports[tenant],
    calls,
    rate,
    service: name,
    timeoutSeconds: 20,
  });
  expect([tenant, name, run.failed, run.successful], run.output).toEqual([tenant, name, 0, calls]);
  const started = performance.now();
  const reply = await optionsOnce(ports[tenant], `sip:${name}@127.0.0.1:${ports[tenant]}`, 2000);
  const ms = performance.now() - started;
  measured.push(
    `${tenant} ${name}: ${reply ? `${reply.split('\r\n')[0].slice(8)} in ${ms.toFixed(1)} ms` : 'no answer'}`,
  );
  // Stopped promptly: the answer (when the tenant answers at all) came within the bound.
  if (reply !== undefined) expect(ms, `${tenant} ${name}`).toBeLessThan(ATTACK_ANSWERED_MS);
}

async function tenantStatus(tenant: string): Promise<Record<string, unknown>> {
  return (await admin(server.adminUrl, 'GET', `/v1/tenants/${tenant}`)).body;
}

async function until(test: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await test()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function metrics(): Promise<string> {
  const res = await fetch(`${server.adminUrl}/metrics`, {
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
  });
  return res.text();
}

function metric(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

beforeAll(async () => {
  const built = {
    hostile: await buildGuest('guest-examples/hostile/assemblyscript', { out: join(dir, 'hostile.wasm') }),
    hello: await buildGuest('guest-examples/assemblyscript/hello', { out: join(dir, 'hello.wasm') }),
  };
  if (!built.hostile.ok) throw new Error(built.hostile.error.message);
  if (!built.hello.ok) throw new Error(built.hello.error.message);
  hostile = built.hostile.value.component;
  hello = built.hello.value.component;
  helloCore = built.hello.value.core;
  ports = {
    good: await freePort(),
    closed: await freePort(),
    open: await freePort(),
    drop: await freePort(),
  };
  const socket = (tenant: keyof typeof ports) => `udp:127.0.0.1:${ports[tenant]}`;
  server = await startRegistryServer(
    {
      listen: Object.keys(ports).map((t) => socket(t as keyof typeof ports)),
      tenants: [
        {
          name: 'good',
          match: { sockets: [socket('good')] },
          route: built.hello.value.out,
          // Only what the hello route imports: an upload importing more is refused.
          capabilities: ['core', 'x', 'pv', 'sl', 'xlog', 'sanity', 'maxfwd'],
        },
        {
          name: 'closed',
          match: { sockets: [socket('closed')] },
          route: built.hostile.value.out,
          failure_policy: { mode: 'fail-closed', reply: SCRIPT_FAILED },
          circuit_breaker: { failures: 1000, window_s: 60 },
          relay_allow: { cidrs: ['127.0.0.1/32'], ports: [5060] },
          // The fuel budget these attacks were aimed at (the default before fuel was calibrated in wall time:
          // 10 M units now, where AssemblyScript's string building runs out of fuel before it meets the memory
          // cap or the log limit), and a deadline that leaves each to its own limit on a loaded machine (the
          // default is 20 ms); test/e2e/route-deadline.test.ts attacks the deadline.
          limits: { max_component_bytes: 1024 * 1024, fuel: 50_000_000, deadline_ms: 1000 },
        },
        {
          name: 'open',
          match: { sockets: [socket('open')] },
          route: built.hello.value.out,
          failure_policy: { mode: 'fail-open' },
          circuit_breaker: { failures: 5, window_s: 60 },
        },
        {
          name: 'drop',
          match: { sockets: [socket('drop')] },
          route: built.hostile.value.out,
          failure_policy: { mode: 'drop' },
          circuit_breaker: { failures: 3, window_s: 60 },
        },
      ],
    },
    dir,
  );
  // The neighbour: INVITE, 404 from the hello route, ACK, in runs until the attacks are over.
  neighbour = (async () => {
    const runs: SippRun[] = [];
    do {
      runs.push(
        await runSipp(scenario('invite-404.xml'), {
          transport: 'udp',
          port: ports.good,
          calls: RATE * RUN_SECONDS,
          rate: RATE,
          timeoutSeconds: RUN_SECONDS + 20,
        }),
      );
    } while (!attacksOver);
    return runs;
  })();
  probes = (async () => {
    const times: { at: number; ms: number | undefined }[] = [];
    for (let n = 0; !attacksOver && n < 5000; n++) {
      const started = performance.now();
      const reply = await optionsOnce(ports.good, `sip:probe@127.0.0.1:${ports.good}`, 2000);
      const ms = reply?.startsWith('SIP/2.0 404') ? performance.now() - started : undefined;
      times.push({ at: started, ms });
      await new Promise((r) => setTimeout(r, 20));
    }
    return times;
  })();
}, 90_000);

afterAll(async () => {
  attacksOver = true;
  await neighbour?.catch(() => undefined);
  await probes?.catch(() => undefined);
  if (server) expect(await server.process.stop()).toBe(0);
});

/** Attacks that make the route fail, with the cause the server reports (AssemblyScript, default limits). */
const FAILING: [attack: string, cause: string][] = [
  ['infinite-loop', 'fuel'],
  ['memory-bomb', 'memory'],
  ['deep-recursion', 'stack'],
  ['trap-unreachable', 'trap'],
  ['trap-out-of-bounds', 'trap'],
  ['huge-string', 'fuel'],
  ['bogus-length', 'limit'],
  ['bogus-pointer', 'trap'],
  ['bogus-retptr', 'trap'],
  ['hoard-host-memory', 'fuel'],
  ['log-flood', 'limit'],
  ['ksr-flood', 'limit'],
  // 20 names of 1 MB: over the 4 MiB of string arguments an invocation may pass.
  ['pv-name-hoard', 'limit'],
];

describe('hostile tenants next to a well-behaved one', () => {
  it('fail-closed: each failing attack gets the configured 503; the surviving ones their own answer', async () => {
    const failed = optionsScenario('closed-503', SCRIPT_FAILED);
    for (const [name] of FAILING) await attack('closed', name, failed);
    // Header forging: the route returns, and the answer carries only the caller's own Via.
    await attack(
      'closed',
      'header-forging',
      optionsScenario('closed-forging', {
        status: 200,
        reason: 'Attack Returned',
        forbid: 'evil\\.example|X-Innocent',
      }),
    );
    // Every relay it tries is off its allow-list: sl-reply-error answers with the refusal.
    await attack(
      'closed',
      'relay-forbidden',
      optionsScenario('closed-relay', { status: 403, reason: 'Destination Not Allowed' }),
    );
    const returned = optionsScenario('closed-200', { status: 200, reason: 'Attack Returned' });
    for (const name of ['header-redos', 'xlog-amplify']) await attack('closed', name, returned);
    // A sustained flood: 150 infinite loops at 50/s, each spending its whole fuel budget.
    flood.from = performance.now();
    await attack('closed', 'infinite-loop', failed, 150, 50);
    flood.to = performance.now();

    const m = await metrics();
    const expected = new Map<string, number>();
    for (const [, cause] of FAILING) expected.set(cause, (expected.get(cause) ?? 0) + 3);
    expected.set('fuel', (expected.get('fuel') ?? 0) + 150);
    for (const [cause, n] of expected) {
      // UDP retransmissions may run a route once more; never fewer.
      const counted = metric(m, 'kemi_route_failures_total', `tenant="closed",cause="${cause}"`);
      expect([cause, counted >= n], `${counted} failures with cause ${cause}`).toEqual([cause, true]);
    }
    const failures = [...expected.keys()].reduce(
      (sum, cause) => sum + metric(m, 'kemi_route_failures_total', `tenant="closed",cause="${cause}"`),
      0,
    );
    expect(metric(m, 'kemi_failure_policy_total', 'tenant="closed",outcome="reply"')).toBe(failures);
    // metadata, SSH, $du, $ru, and the R-URI plus the appended branch: 6 refusals per request, for the 3
    // SIPp calls and the timed one (a retransmission may add 6 more).
    expect(metric(m, 'kemi_relay_refused_total', 'tenant="closed"')).toBeGreaterThanOrEqual(24);
    const lines = server.process.lines.filter(
      (l) => l.tenant === 'closed' && l.msg?.toString().startsWith('route failed'),
    );
    expect(lines.length).toBe(failures);
    expect(lines[0]).toMatchObject({
      version: 1,
      callId: expect.any(String),
      policy: 'fail-closed',
      outcome: 'reply',
    });
    const refusals = server.process.lines.filter((l) =>
      /is not allowed for tenant closed/.test(String(l.msg)),
    );
    expect(refusals.map((l) => String(l.msg).split(' ')[3])).toContain('udp:169.254.169.254:80');
    expect((await tenantStatus('closed')).breaker).toMatchObject({ state: 'closed' });
  }, 60_000);

  it('fail-open: the previous version answers until the breaker rolls back to it; an operator may try again', async () => {
    const up = await admin(server.adminUrl, 'POST', '/v1/tenants/open/versions?activate=1', hostile);
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    await until(async () => (await tenantStatus('open')).fallback === 1, 'v1 as the fail-open version');
    const notFound = optionsScenario('open-404', { status: 404, reason: 'Not Found' });
    await attack('open', 'infinite-loop', notFound, 5);
    await until(async () => (await tenantStatus('open')).active === 1, 'the breaker rollback');
    expect(await tenantStatus('open')).toMatchObject({
      active: 1,
      activationKind: 'breaker',
      activatedBy: 'breaker',
      breaker: { state: 'closed', tripped: [expect.objectContaining({ version: 2, cause: 'fuel' })] },
    });
    // v1 serves directly now: no more failures.
    await attack('open', 'memory-bomb', notFound, 3);
    // An operator activates v2 again: five more failures, and the breaker rolls back again.
    const again = await admin(server.adminUrl, 'POST', '/v1/tenants/open/activate', { version: 2 });
    expect(again.status).toBe(200);
    await until(async () => (await tenantStatus('open')).fallback === 1, 'v1 as the fail-open version');
    await attack('open', 'trap-unreachable', notFound, 5);
    await until(async () => (await tenantStatus('open')).active === 1, 'the second rollback');
    const history = (await admin(server.adminUrl, 'GET', '/v1/tenants/open/activations')).body
      .activations as Record<string, unknown>[];
    expect(history.map((a) => [a.version, a.kind, a.by])).toEqual([
      [1, 'breaker', 'breaker'],
      [2, 'activate', 'operator'],
      [1, 'breaker', 'breaker'],
      [2, 'activate', 'operator'],
      [1, 'initial', 'config'],
    ]);
    const m = await metrics();
    expect(metric(m, 'kemi_activations_total', 'tenant="open",kind="breaker"')).toBe(2);
    expect(metric(m, 'kemi_breaker_events_total', 'tenant="open",outcome="rollback"')).toBe(2);
    expect(metric(m, 'kemi_failure_policy_total', 'tenant="open",outcome="fallback"')).toBeGreaterThanOrEqual(
      10,
    );
    expect(metric(m, 'kemi_route_failures_total', 'tenant="open",cause="fuel"')).toBeGreaterThanOrEqual(5);
    expect(metric(m, 'kemi_route_failures_total', 'tenant="open",cause="trap"')).toBeGreaterThanOrEqual(5);
  }, 60_000);

  it('drop: no answer, then fail-closed once the breaker finds no good version, until an operator deploys', async () => {
    await attack('drop', 'trap-unreachable', optionsScenario('drop-silence', 'silence'), 3);
    await until(
      async () => ((await tenantStatus('drop')).breaker as { state: string }).state === 'open',
      'the breaker',
    );
    const invocations = () =>
      tenantStatus('drop').then((s) => (s.loaded as { invocations: number }[])[0].invocations);
    const before = await invocations();
    await attack(
      'drop',
      'infinite-loop',
      optionsScenario('drop-500', { status: 500, reason: 'Server Internal Error' }),
      3,
    );
    expect(await invocations()).toBe(before);
    const health = await fetch(`${server.adminUrl}/health`);
    expect([health.status, await health.json()]).toEqual([
      503,
      expect.objectContaining({ tenantsFailClosed: 1 }),
    ]);
    const m = await metrics();
    expect(metric(m, 'kemi_breaker_open', 'tenant="drop"')).toBe(1);
    expect(metric(m, 'kemi_breaker_events_total', 'tenant="drop",outcome="fail-closed"')).toBe(1);
    expect(metric(m, 'kemi_failure_policy_total', 'tenant="drop",outcome="drop"')).toBeGreaterThanOrEqual(3);
    // The operator deploys the hello route: the breaker is cleared and it answers.
    const up = await admin(server.adminUrl, 'POST', '/v1/tenants/drop/versions?activate=1', hello);
    expect(up.status).toBe(201);
    await attack('drop', 'anyone', optionsScenario('drop-404', { status: 404, reason: 'Not Found' }), 3);
    expect((await tenantStatus('drop')).breaker).toMatchObject({ state: 'closed' });
  }, 60_000);

  it('malformed uploads get a 4xx naming the problem and leave the active version alone', async () => {
    const evil = await componentFromWat(
      `(module (import "evil:net/socket@1.0.0" "connect" (func (param i32 i32) (result i32)))
        (memory (export "memory") 1)
        (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024))
        (func (export "run") (result i32) (i32.const 0)))`,
      `package evil:net@1.0.0;
       interface socket { connect: func(host: string) -> s32; }
       world other { import socket; export run: func() -> s32; }`,
      'other',
    );
    const cases: [tenant: string, bytes: Uint8Array, status: number, code: string, reason: RegExp][] = [
      ['closed', hostile.subarray(0, hostile.length >> 1), 422, 'malformed', /offset|end/i],
      ['closed', helloCore, 422, 'not-component', /core wasm module, not a component/],
      ['closed', new TextEncoder().encode('#!/bin/sh\nrm -rf /\n'), 422, 'malformed', /./],
      ['closed', evil, 422, 'import', /import 'evil:net\/socket@1\.0\.0' is not allowed/],
      ['closed', new Uint8Array(2 * 1024 * 1024), 413, 'too-large', /1048576/],
      ['good', hostile, 422, 'capability', /not granted|capabilit/i],
    ];
    for (const [tenant, bytes, status, code, reason] of cases) {
      const r = await admin(server.adminUrl, 'POST', `/v1/tenants/${tenant}/versions?activate=1`, bytes);
      expect([tenant, code, r.status, r.body.error]).toEqual([tenant, code, status, code]);
      expect(String(r.body.reason)).toMatch(reason);
    }
    expect(await tenantStatus('closed')).toMatchObject({ active: 1, retained: 1 });
    expect(await tenantStatus('good')).toMatchObject({ active: 1, retained: 1 });
  }, 60_000);

  it('the neighbour lost no call, and the server stayed up', async () => {
    attacksOver = true;
    const runs = await neighbour;
    const calls = runs.reduce((n, r) => n + r.successful, 0);
    for (const run of runs) expect([run.failed, run.successful], run.output).toEqual([0, RATE * RUN_SECONDS]);
    expect(calls).toBeGreaterThanOrEqual(RATE * RUN_SECONDS * 2);
    expect(() => process.kill(server.process.pid, 0)).not.toThrow();
    const m = await metrics();
    expect(m).not.toMatch(/^kemi_route_failures_total\{tenant="good"/m);
    const times = await probes;
    expect(times.filter((t) => t.ms === undefined)).toEqual([]);
    const quantiles = (ms: number[]) => {
      const sorted = ms.toSorted((a, b) => a - b);
      const q = (f: number) => sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))];
      return { n: sorted.length, median: q(0.5), p99: q(0.99), max: q(1) };
    };
    const all = quantiles(times.map((t) => t.ms!));
    const during = quantiles(times.filter((t) => t.at >= flood.from && t.at <= flood.to).map((t) => t.ms!));
    const figures = (f: typeof all) =>
      `${f.n} timed OPTIONS: median ${f.median.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms, max ${f.max.toFixed(1)} ms`;
    // The figures docs/sandbox.md quotes.
    console.log(
      [
        `neighbour: ${calls} SIPp calls in ${runs.length} runs, 0 failed; ${figures(all)}`,
        `  during the infinite-loop flood: ${figures(during)}`,
        ...measured,
      ].join('\n'),
    );
    // The flood lasts 3 s and the probes come every 20 ms or so: enough of them for a p99.
    expect(during.n).toBeGreaterThanOrEqual(50);
    for (const [when, f] of [
      ['whole run', all],
      ['during the flood', during],
    ] as const) {
      expect(f.median, `${when}: ${figures(f)}`).toBeLessThan(NEIGHBOUR_MEDIAN_MS);
      expect(f.p99, `${when}: ${figures(f)}`).toBeLessThan(NEIGHBOUR_P99_MS);
      expect(f.max, `${when}: ${figures(f)}`).toBeLessThan(NEIGHBOUR_MAX_MS);
    }
  }, 60_000);
});
