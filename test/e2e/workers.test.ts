// workers = 2 (docs/workers.md) on loopback with real SIPp user agents: a SIPp caller using one socket per
// call (`-t un`), so that SO_REUSEPORT spreads the calls over both SIP worker threads. Which worker handled
// a message is read from the message trace (debug lines carry `worker`). Stateless OPTIONS and stateful
// record-routed calls through the proxy example complete with 0 failures on both workers, the next hop's
// replies coming back to the worker that sent the request (its private reply port); /metrics sums the
// workers; a version deployed while calls flow is taken by both workers without a failed call; a REGISTER
// saved by one worker is found by calls the other worker routes (the location store is shared). A
// configuration the threads cannot serve yet is refused at start.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runSipp, scenario } from '../../fixtures/sipp.ts';
import { finished, startSippUas } from '../../fixtures/sipp-uas.ts';
import { buildGuest } from '../../src/builder/index.ts';
import { expectAll, type ServerProcess, startServerProcess } from './harness.ts';
import { admin, OPERATOR_TOKEN, runCli } from './registry-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-workers-'));
const TOLERANT = ['-default_behaviors', 'all,-abortunexp'];
/** One UDP socket (source port) per call: the kernel hashes each to a worker. */
const SOCKET_PER_CALL = ['-t', 'un', '-max_socket', '2000'];
const wasm: Record<string, string> = {};

beforeAll(async () => {
  for (const example of ['proxy', 'registrar']) {
    const built = await buildGuest(`guest-examples/assemblyscript/${example}`, {
      out: join(dir, `${example}.wasm`),
    });
    if (!built.ok) throw new Error(built.error.message);
    wasm[example] = built.value.out;
  }
}, 120_000);

/** Writes a configuration with workers = 2, a data dir and the admin API, and starts the server on it. */
async function startWorkers(name: string, lines: string[]): Promise<ServerProcess> {
  const data = join(dir, `${name}-data`);
  const config = join(dir, `${name}.toml`);
  writeFileSync(
    config,
    [
      'workers = 2',
      `data_dir = "${data}"`,
      'log_level = "debug"',
      ...lines,
      '[admin]',
      'listen = "127.0.0.1:0"',
      `operator_token = "${OPERATOR_TOKEN}"`,
    ].join('\n'),
  );
  mkdirSync(data, { recursive: true });
  return startServerProcess(['--config', config], 60_000);
}

const adminUrl = (server: ServerProcess) =>
  String(server.lines.find((l) => l.msg === 'admin listening')?.url);

/** The workers whose trace shows `what` received (a request method or a status), optionally on `version`. */
function workersReceiving(server: ServerProcess, what: string, version?: number): Set<unknown> {
  return new Set(
    server.lines
      .filter(
        (l) =>
          l.layer === 'trace' &&
          l.dir === 'in' &&
          l.what === what &&
          (version === undefined || l.version === version),
      )
      .map((l) => l.worker),
  );
}

/** `read()` once `done` holds of it (the log lines of a worker thread come through the primary's stdout). */
async function until<T>(read: () => T, done: (value: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  let value = read();
  while (!done(value) && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = read();
  }
  return value;
}

describe('workers = 2 with the proxy example', () => {
  let server: ServerProcess;
  let callee: number;

  beforeAll(async () => {
    callee = await freePort();
    server = await startWorkers('proxy', [
      'listen = ["udp:127.0.0.1:0"]',
      `module = "${wasm.proxy}"`,
      '[defines]',
      `PRIMARY = "sip:127.0.0.1:${callee}"`,
      `SECONDARY = "sip:127.0.0.1:${callee}"`,
    ]);
  }, 90_000);

  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
  });

  const caller = (file: string, calls: number, rate: number) =>
    runSipp(scenario(file), {
      transport: 'udp',
      port: server.ports.udp!,
      calls,
      rate,
      timeoutSeconds: 60,
      extra: [...TOLERANT, ...SOCKET_PER_CALL],
    });

  it('answers stateless OPTIONS on both workers, with no failure', async () => {
    expectAll(await caller('options-myself.xml', 200, 100), 200);
    expect(
      await until(
        () => workersReceiving(server, 'OPTIONS'),
        (s) => s.size === 2,
      ),
    ).toEqual(new Set([0, 1]));
  });

  it('proxies record-routed calls on both workers, replies back on the owner, with no failure', async () => {
    const uas = await startSippUas(scenario('uas-call.xml'), {
      transport: 'udp',
      port: callee,
      calls: 100,
      extra: TOLERANT,
    });
    expectAll(await caller('uac-call.xml', 100, 50), 100);
    expectAll(await finished(uas), 100);
    expect(
      await until(
        () => workersReceiving(server, 'INVITE'),
        (s) => s.size === 2,
      ),
    ).toEqual(new Set([0, 1]));
    // Every 180 a worker received was for a transaction it owned: it came to that worker's reply port,
    // never to the shared one, and each worker relayed its own.
    const replyPorts = new Map(
      server.lines.filter((l) => l.msg === 'reply port').map((l) => [l.worker, String(l.reply)]),
    );
    expect(replyPorts.size).toBe(2);
    const ringing = await until(
      () => server.lines.filter((l) => l.layer === 'trace' && l.dir === 'in' && l.what === '180'),
      (lines) => lines.length >= 100,
    );
    expect(ringing.length).toBe(100);
    for (const l of ringing) expect(l.local).toBe(replyPorts.get(l.worker));
  }, 90_000);

  it('sums the workers in /metrics', async () => {
    const r = await fetch(`${adminUrl(server)}/metrics`, {
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
    });
    const text = await r.text();
    // 200 OPTIONS, then 100 calls of INVITE, ACK and BYE: each worker counted only its own.
    expect(text).toMatch(/^kemi_sip_requests_total 500$/m);
    expect(text).toMatch(/^kemi_tm_server_transactions_total 200$/m);
  });

  it('takes a version deployed while calls flow on both workers, with no failed call', async () => {
    const uas = await startSippUas(scenario('uas-call.xml'), {
      transport: 'udp',
      port: callee,
      calls: 300,
      extra: TOLERANT,
    });
    const calls = caller('uac-call.xml', 300, 50);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    // The same route under another content hash: a custom section appended to the component.
    const bytes = readFileSync(wasm.proxy);
    const name = Buffer.from('kemi-e2e-workers');
    const section = Buffer.concat([Buffer.from([0, name.length + 1, name.length]), name]);
    const deployed = await admin(
      adminUrl(server),
      'POST',
      '/v1/tenants/default/versions?activate=1',
      new Uint8Array(Buffer.concat([bytes, section])),
    );
    expect(deployed.status).toBe(201);
    expectAll(await calls, 300);
    expectAll(await finished(uas), 300);
    expect(
      await until(
        () => workersReceiving(server, 'INVITE', 2),
        (s) => s.size === 2,
      ),
    ).toEqual(new Set([0, 1]));
  }, 120_000);
});

describe('workers = 2 with the registrar example', () => {
  let server: ServerProcess;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    server = await startWorkers('registrar', [
      `listen = ["udp:127.0.0.1:${port}"]`,
      `module = "${wasm.registrar}"`,
    ]);
  }, 90_000);

  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
  });

  it('finds a binding saved by one worker when the other routes the call', async () => {
    const added = await runCli(['subscriber', 'add', 'alice@127.0.0.1', '--password', 'alice-pw'], {
      KEMI_WASM_SERVER: adminUrl(server),
      KEMI_WASM_TOKEN: OPERATOR_TOKEN,
      KEMI_WASM_TENANT: 'default',
    });
    expect(added.code, added.stderr).toBe(0);
    const ua = await freePort();
    const registered = await runSipp(scenario('register.xml'), {
      transport: 'udp',
      port,
      calls: 1,
      service: 'alice',
      localPort: ua,
      extra: [...TOLERANT, '-au', 'alice', '-ap', 'alice-pw'],
    });
    expectAll(registered, 1);
    // A worker's log lines reach the process's stdout through the primary thread, a moment later.
    const registrars = await until(
      () => workersReceiving(server, 'REGISTER'),
      (s) => s.size > 0,
    );
    expect(registrars.size).toBe(1);
    const callee = await startSippUas(scenario('uas-call.xml'), {
      transport: 'udp',
      port: ua,
      calls: 20,
      extra: TOLERANT,
    });
    const calls = await runSipp(scenario('uac-call.xml'), {
      transport: 'udp',
      port,
      calls: 20,
      rate: 20,
      service: 'alice',
      extra: [...TOLERANT, ...SOCKET_PER_CALL],
    });
    expectAll(calls, 20);
    expectAll(await finished(callee), 20);
    const [registrar] = registrars;
    const other = registrar === 0 ? 1 : 0;
    expect(
      await until(
        () => workersReceiving(server, 'INVITE'),
        (s) => s.has(other),
      ),
    ).toContain(other);
  }, 90_000);
});

describe('workers = 2 with a route that always fails', () => {
  let server: ServerProcess;
  let port: number;
  const BREAKER = 10;

  beforeAll(async () => {
    port = await freePort();
    server = await startWorkers('breaker', [
      `listen = ["udp:127.0.0.1:${port}"]`,
      '[[tenants]]',
      'name = "fragile"',
      `module = "${wasm.proxy}"`,
      // Too little fuel for any request: every invocation fails.
      'limits = { fuel = 100 }',
      'failure_policy = { mode = "fail-closed", reply = { status = 503, reason = "Route Failed" } }',
      `circuit_breaker = { failures = ${BREAKER}, window_s = 60 }`,
    ]);
  }, 90_000);

  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
  });

  it("trips the tenant's breaker on the failures of both workers together", async () => {
    const run = await runSipp(scenario('options-myself.xml'), {
      transport: 'udp',
      port,
      calls: BREAKER,
      rate: 20,
      extra: ['-default_behaviors', 'all,-abortunexp', ...SOCKET_PER_CALL, '-timeout_error'],
    });
    expect(run.successful).toBe(0);
    // Neither worker failed BREAKER times on its own.
    const handled = await until(
      () => workersReceiving(server, 'OPTIONS'),
      (s) => s.size === 2,
    );
    expect(handled).toEqual(new Set([0, 1]));
    // The primary counts the workers' reports as they arrive: the trip follows the last failure shortly.
    let text = '';
    for (let i = 0; i < 50 && !/kemi_breaker_events_total\{/.test(text); i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const r = await fetch(`${adminUrl(server)}/metrics`, {
        headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
      });
      text = await r.text();
    }
    expect(text).toMatch(/^kemi_breaker_events_total\{tenant="fragile",outcome="fail-closed"\} 1$/m);
    expect(text).toMatch(/^kemi_route_failures_total\{tenant="fragile",cause="fuel"\} 10$/m);
  }, 60_000);
});

describe('a configuration the worker threads cannot serve', () => {
  it.each([
    ['no data_dir', ['listen = ["udp:127.0.0.1:0"]'], /workers = 2 needs data_dir/],
    [
      'a TCP listener',
      ['listen = ["udp:127.0.0.1:0", "tcp:127.0.0.1:0"]', `data_dir = "${dir}"`],
      /serves UDP listeners only so far.*tcp:127\.0\.0\.1:0/,
    ],
    [
      'htables',
      ['listen = ["udp:127.0.0.1:0"]', `data_dir = "${dir}"`, '[htables.calls]', 'max_items = 10'],
      /htables are not shared between threads yet/,
    ],
  ])('is refused at start: %s', async (_, lines, message) => {
    const config = join(dir, `refused-${lines.length}-${Math.random()}.toml`);
    writeFileSync(config, ['workers = 2', ...lines].join('\n'));
    const run = await runCli(['serve', '--config', config]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
  });
});
