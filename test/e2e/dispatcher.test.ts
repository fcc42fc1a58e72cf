// Dispatcher (KSR dispatcher) end to end: a real `kemi-wasm serve` running the AssemblyScript dispatcher
// example (guest-examples/assemblyscript/dispatcher) for five tenants, each on its own UDP socket with its
// own algorithm (define DS_ALG) and destination set; SIPp places the calls.
// - Failover: set 1 of tenant `fo` lists a silent SIPp callee (not running yet), one answering 503 and a
//   good one, by falling priority (algorithm 8): a call times out on the first, gets 503 from the second
//   and is answered by the third, each step through ds_next_dst in the failure route. Probing (OPTIONS,
//   ds_probing_mode 1, every second) then takes a callee that goes silent out of the set and brings back
//   one that starts answering; `kemi-wasm dispatcher list` and the metrics show it, and the next call goes
//   to the revived callee.
// - Distribution: raw UDP callees count the INVITEs they answer: round robin (4) over a set grown with
//   `kemi-wasm dispatcher add` (and shrunk with `rm`), weight (9) 30/70 over 100 calls, Call-ID hash (0),
//   From URI hash (1).
// Every process is bounded and stopped by PID; every port is ephemeral.
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runSipp, scenario } from '../../fixtures/sipp.ts';
import { type SippUas, startSippUas } from '../../fixtures/sipp-uas.ts';
import { buildGuest } from '../../src/builder/index.ts';
import { type ServerProcess, startServerProcess } from './harness.ts';
import { OPERATOR_TOKEN, runCli } from './registry-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-dispatcher-'));
/** SIPp callees answer the probes (OPTIONS outside a call) with 200 (-aa) and tolerate the unexpected. */
const CALLEE = ['-aa', '-default_behaviors', 'all,-abortunexp'];

/** A UDP callee that answers INVITE 200 (with a Contact) and BYE 200, and counts the INVITEs. */
class RawCallee {
  readonly socket: Socket = createSocket('udp4');
  invites = 0;
  port = 0;

  async start(): Promise<this> {
    this.socket.on('message', (m, rinfo) => {
      const text = m.toString('latin1');
      const method = /^([A-Z]+) /.exec(text)?.[1];
      if (method === undefined || method === 'ACK') return;
      if (method === 'INVITE') this.invites++;
      const lines = text.split('\r\n');
      const to = lines.find((l) => /^To:/i.test(l))!;
      const reply = [
        'SIP/2.0 200 OK',
        ...lines.filter((l) => /^(Via|From|Call-ID|CSeq|Record-Route):/i.test(l)),
        to.includes(';tag=') ? to : `${to};tag=callee${this.port}`,
        `Contact: <sip:callee@127.0.0.1:${this.port}>`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      this.socket.send(Buffer.from(reply, 'latin1'), rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
    this.port = this.socket.address().port;
    return this;
  }

  get uri(): string {
    return `sip:127.0.0.1:${this.port}`;
  }
}

let server: ServerProcess | undefined;
let adminUrl: string;
const ports: Record<string, number> = {};
const callees: Record<string, RawCallee> = {};
const uas: SippUas[] = [];

function cli(tenant: string, ...args: string[]) {
  return runCli(['dispatcher', ...args], {
    KEMI_WASM_SERVER: adminUrl,
    KEMI_WASM_TOKEN: OPERATOR_TOKEN,
    KEMI_WASM_TENANT: tenant,
  });
}

function calls(tenant: string, n: number) {
  return runSipp(scenario('uac-call.xml'), {
    transport: 'udp',
    port: ports[tenant],
    calls: n,
    rate: 100,
    service: 'bob',
    timeoutSeconds: 60,
  });
}

async function metrics(): Promise<string> {
  const res = await fetch(`${adminUrl}/metrics`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
  return res.text();
}

/** The state letters `kemi-wasm dispatcher list` shows for `uri` of tenant `fo`. */
async function stateOf(uri: string): Promise<string | undefined> {
  const run = await cli('fo', 'list', '--json');
  const listed = JSON.parse(run.stdout) as { destinations: { uri: string; state: string }[] };
  return listed.destinations.find((d) => d.uri === uri)?.state;
}

async function waitForState(uri: string, state: string, ms: number): Promise<string | undefined> {
  const end = Date.now() + ms;
  let seen = await stateOf(uri);
  while (seen !== state && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 250));
    seen = await stateOf(uri);
  }
  return seen;
}

beforeAll(async () => {
  const built = await buildGuest('guest-examples/assemblyscript/dispatcher', {
    out: join(dir, 'dispatcher.wasm'),
  });
  if (!built.ok) throw new Error(built.error.message);
  for (const name of ['fo', 'rr', 'w', 'h', 'f', 'l', 'silent', 'busy', 'good'])
    ports[name] = await freePort();
  for (const name of ['a', 'b', 'c', 'd']) callees[name] = await new RawCallee().start();
  const socket = (port: number) => `udp:127.0.0.1:${port}`;
  const sip = (port: number) => `sip:127.0.0.1:${port}`;
  const tenant = (name: string, alg: number, destinations: object[], extra: object = {}) => ({
    name,
    match: { sockets: [socket(ports[name])] },
    module: built.value.out,
    relay_allow: { cidrs: ['127.0.0.0/8'] },
    defines: { DS_ALG: String(alg) },
    dispatcher: { flags: 2, destinations, ...extra },
  });
  const config = join(dir, 'kemi.yaml');
  writeFileSync(
    config,
    JSON.stringify({
      listen: ['fo', 'rr', 'w', 'h', 'f', 'l'].map((n) => socket(ports[n])),
      data_dir: join(dir, 'data'),
      log_level: 'info',
      admin: { listen: '127.0.0.1:0', operator_token: OPERATOR_TOKEN },
      // A silent destination times out after 1 s (Kamailio's fr_timer).
      tm: { fr_timer: 1000 },
      dispatcher: { ds_ping_interval: 1 },
      tenants: [
        tenant(
          'fo',
          8,
          [
            { set: 1, uri: sip(ports.silent), priority: 30 },
            { set: 1, uri: sip(ports.busy), priority: 20 },
            { set: 1, uri: sip(ports.good), priority: 10 },
          ],
          { ds_probing_mode: 1 },
        ),
        tenant('rr', 4, [{ set: 1, uri: callees.a.uri }]),
        tenant('w', 9, [
          { set: 1, uri: callees.a.uri, weight: 30 },
          { set: 1, uri: callees.b.uri, weight: 70 },
        ]),
        tenant('h', 0, [
          { set: 1, uri: callees.c.uri },
          { set: 1, uri: callees.d.uri },
        ]),
        tenant('f', 1, [
          { set: 1, uri: callees.c.uri },
          { set: 1, uri: callees.d.uri },
        ]),
        tenant('l', 10, [
          { set: 1, uri: callees.a.uri, duid: 'a', maxload: 1 },
          { set: 1, uri: callees.b.uri, duid: 'b', maxload: 1 },
        ]),
      ],
    }),
  );
  server = await startServerProcess(['--config', config]);
  adminUrl = String(server.lines.find((l) => l.msg === 'admin listening')?.url);
}, 180_000);

afterAll(async () => {
  await Promise.all(uas.map((u) => u.stop()));
  for (const c of Object.values(callees)) c.socket.close();
  if (server) expect(await server.stop()).toBe(0);
});

function resetCounts() {
  for (const c of Object.values(callees)) c.invites = 0;
}

describe('dispatcher failover and health checks (SIPp callees)', () => {
  it('a call times out on the silent destination, gets 503 from the next and is answered by the last', async () => {
    const busy = await startSippUas(scenario('uas-503.xml'), {
      transport: 'udp',
      port: ports.busy,
      calls: 1000,
      extra: CALLEE,
    });
    const good = await startSippUas(scenario('uas-call.xml'), {
      transport: 'udp',
      port: ports.good,
      calls: 1000,
      extra: CALLEE,
    });
    uas.push(busy, good);
    const run = await calls('fo', 1);
    expect(run.successful, run.output).toBe(1);
    const failovers = server!.lines.filter(
      (l) => String(l.msg).startsWith('dispatcher: ') && String(l.msg).includes('failed over'),
    );
    expect(failovers.map((l) => /<(.*)>/.exec(String(l.msg))?.[1])).toEqual([
      `sip:127.0.0.1:${ports.busy}`,
      `sip:127.0.0.1:${ports.good}`,
    ]);
    // The failure route marked the silent destination inactive and probing ("ip"); the probes keep it so.
    expect(await stateOf(`sip:127.0.0.1:${ports.silent}`)).toBe('IP');
    expect(await stateOf(`sip:127.0.0.1:${ports.busy}`)).toBe('AP');
  }, 60_000);

  it('probing takes a callee that goes silent out of the set, and brings back one that starts answering', async () => {
    const good = `sip:127.0.0.1:${ports.good}`;
    const silent = `sip:127.0.0.1:${ports.silent}`;
    await uas[1].stop();
    expect(await waitForState(good, 'IP', 8000)).toBe('IP');
    const revived = await startSippUas(scenario('uas-call.xml'), {
      transport: 'udp',
      port: ports.silent,
      calls: 1000,
      extra: CALLEE,
    });
    uas.push(revived);
    expect(await waitForState(silent, 'AP', 8000)).toBe('AP');
    const logged = (msg: string, uri: string) =>
      server!.lines.some((l) => l.msg === msg && l.uri === uri && l.tenant === 'fo');
    expect(logged('dispatcher: destination down', good)).toBe(true);
    expect(logged('dispatcher: destination up', silent)).toBe(true);
    const text = await metrics();
    expect(text).toContain(`kemi_dispatcher_destination_up{tenant="fo",set="1",uri="${good}"} 0`);
    expect(text).toContain(`kemi_dispatcher_destination_up{tenant="fo",set="1",uri="${silent}"} 1`);
    expect(
      Number(/^kemi_dispatcher_events_total\{tenant="fo",event="probe_timeout"\} (\d+)$/m.exec(text)?.[1]),
    ).toBeGreaterThan(0);
    // The revived destination has the highest priority: the next call goes there, without failover.
    const before = server!.lines.length;
    const run = await calls('fo', 1);
    expect(run.successful, run.output).toBe(1);
    expect(server!.lines.slice(before).some((l) => String(l.msg).includes('failed over'))).toBe(false);
  }, 60_000);
});

describe('dispatcher distribution (raw callees)', () => {
  it('round robin (4) alternates over a set grown with `kemi-wasm dispatcher add`, and shrinks with rm', async () => {
    resetCounts();
    const added = await cli('rr', 'add', callees.b.uri, '--set', '1');
    expect(added.code, added.stderr).toBe(0);
    const listed = await cli('rr', 'list');
    expect(listed.stdout).toContain(callees.b.uri);
    expect(listed.stdout).toContain('config');
    const run = await calls('rr', 10);
    expect(run.successful, run.output).toBe(10);
    expect([callees.a.invites, callees.b.invites]).toEqual([5, 5]);
    const id = /added destination (\d+)/.exec(added.stdout)?.[1];
    expect((await cli('rr', 'rm', String(id))).code).toBe(0);
    const reloaded = await cli('rr', 'reload');
    expect(reloaded.stdout).toContain('1 destinations in 1 sets');
    resetCounts();
    expect((await calls('rr', 4)).successful).toBe(4);
    expect([callees.a.invites, callees.b.invites]).toEqual([4, 0]);
  }, 90_000);

  it('weight (9) splits 100 calls exactly 30/70', async () => {
    resetCounts();
    const run = await calls('w', 100);
    expect(run.successful, run.output).toBe(100);
    expect([callees.a.invites, callees.b.invites]).toEqual([30, 70]);
  }, 90_000);

  it('Call-ID hash (0) spreads calls over both destinations; From URI hash (1) keeps one caller on one', async () => {
    resetCounts();
    expect((await calls('h', 20)).successful).toBe(20);
    expect(callees.c.invites).toBeGreaterThan(0);
    expect(callees.d.invites).toBeGreaterThan(0);
    expect(callees.c.invites + callees.d.invites).toBe(20);
    resetCounts();
    expect((await calls('f', 10)).successful).toBe(10);
    expect([callees.c.invites, callees.d.invites].sort((x, y) => x - y)).toEqual([0, 10]);
  }, 90_000);

  it('call load (10): each call takes a slot of maxload 1 and its BYE (ds_load_update) frees it', async () => {
    resetCounts();
    // One call at a time: with the slots not freed, the third call would find both destinations full (404).
    const run = await runSipp(scenario('uac-call.xml'), {
      transport: 'udp',
      port: ports.l,
      calls: 6,
      rate: 100,
      service: 'bob',
      timeoutSeconds: 60,
      extra: ['-l', '1'],
    });
    expect(run.successful, run.output).toBe(6);
    expect(callees.a.invites + callees.b.invites).toBe(6);
    expect(await metrics()).toContain('kemi_dispatcher_calls{tenant="l"} 0');
  }, 90_000);
});
