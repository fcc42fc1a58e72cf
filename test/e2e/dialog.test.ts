// Dialogs (KSR dialog) end to end: a real `kemi-wasm serve` with three tenants on their own UDP sockets.
// `acme` runs a record-routing route that makes a dialog of every INVITE (dlg_manage), sets a variable,
// a flag and a profile, and tells the callee in X-Dlg what it sees of the dialog on every relayed request;
// raw UDP sockets play caller and callee, so each state (early, confirmed, deleted) and the server's own
// BYEs are seen as sent. `tiny` holds one dialog at most (the quota). `calls` runs the AssemblyScript
// call-limit example under SIPp load. Every process is bounded and stopped by PID; every port ephemeral.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runSipp, scenario } from '../../fixtures/sipp.ts';
import { finished, startSippUas } from '../../fixtures/sipp-uas.ts';
import { buildGuest } from '../../src/builder/index.ts';
import { buildStampedRoute, PLACEHOLDER, type StampedRoute } from '../registry/fixtures.ts';
import { type UdpPeer, udpPeer, until } from './raw-peer.ts';
import { admin, OPERATOR_TOKEN, type RegistryServer, startRegistryServer } from './registry-server.ts';

const DIALOG_ROUTE = `
import { KSR } from '../../sdk';

export * from '../../sdk/exports';

export function request_route(): void {
  if (KSR.siputils.has_totag() > 0) {
    // Read before loose_route: a BYE ends the dialog there.
    const seen = 'state=' + KSR.pv.gete('$dlg(state)') + ' note=' + KSR.pv.gete('$dlg_var(note)') +
      ' flag=' + KSR.dialog.dlg_isflagset(3).toString() +
      ' inprof=' + KSR.dialog.is_in_profile('caller', KSR.pv.gete('$fU')).toString();
    if (KSR.rr.loose_route() > 0) {
      KSR.hdr.append('X-Dlg: ' + seen + ' after=' + KSR.pv.gete('$dlg(state)') + '\\r\\n');
      return relay();
    }
    KSR.sl.sl_send_reply(404, 'Not here');
    return KSR.x.exit();
  }
  KSR.hdr.remove('Route');
  KSR.rr.record_route();
  if (KSR.dialog.dlg_manage() < 0) {
    KSR.sl.sl_send_reply(503, 'Dialog Quota');
    return KSR.x.exit();
  }
  KSR.pv.sets('$dlg_var(note)', 'v${PLACEHOLDER}');
  KSR.dialog.dlg_setflag(3);
  KSR.dialog.set_dlg_profile('caller', KSR.pv.gete('$fU'));
  const timeout = KSR.hdr.get('X-Timeout');
  if (timeout !== null) KSR.dialog.dlg_set_timeout(I32.parseInt(timeout));
  KSR.dialog.get_profile_size('caller', KSR.pv.gete('$fU'), '$var(n)');
  KSR.hdr.append('X-Dlg: calls=' + KSR.pv.gete('$var(n)') + ' known=' + KSR.dialog.is_known_dlg().toString() + '\\r\\n');
  KSR.setdsturi(KSR.hdr.gete('X-Dest'));
  relay();
}

function relay(): void {
  if (KSR.tm.t_relay() < 0) KSR.sl.sl_reply_error();
  KSR.x.exit();
}

export function reply_route(): void {}

export function named_route(name: string): void {}
`;

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-dialog-'));
let server: RegistryServer;
let route: StampedRoute;
let ports: { acme: number; tiny: number; calls: number; perCaller: number; uas: number };
const peers: UdpPeer[] = [];

beforeAll(async () => {
  route = await buildStampedRoute(DIALOG_ROUTE);
  const limit = await buildGuest('guest-examples/assemblyscript/call-limit', {
    out: join(dir, 'limit.wasm'),
  });
  if (!limit.ok) throw new Error(limit.error.message);
  ports = {
    acme: await freePort(),
    tiny: await freePort(),
    calls: await freePort(),
    perCaller: await freePort(),
    uas: await freePort(),
  };
  const module = (name: string, bytes: Uint8Array) => {
    const file = join(dir, `${name}.wasm`);
    writeFileSync(file, bytes);
    return file;
  };
  const socket = (port: number) => `udp:127.0.0.1:${port}`;
  const relayAllow = { cidrs: ['127.0.0.0/8'] };
  const limitTenant = (name: string, port: number, defines: Record<string, string>) => ({
    name,
    match: { sockets: [socket(port)] },
    module: join(dir, 'limit.wasm'),
    relay_allow: relayAllow,
    defines,
    dialog: { profiles_no_value: ['calls'], profiles_with_value: ['caller'] },
  });
  server = await startRegistryServer(
    {
      listen: [socket(ports.acme), socket(ports.tiny), socket(ports.calls), socket(ports.perCaller)],
      data_dir: join(dir, 'data'),
      dialog: { send_bye: true, profiles_with_value: ['caller'] },
      tenants: [
        {
          name: 'acme',
          match: { sockets: [socket(ports.acme)] },
          module: module('acme', route.stamp(1)),
          relay_allow: relayAllow,
          dialog_grace_s: 60,
        },
        {
          name: 'tiny',
          match: { sockets: [socket(ports.tiny)] },
          module: module('tiny', route.stamp(1)),
          relay_allow: relayAllow,
          dialog: { max_dialogs: 1 },
        },
        // The call-limit recipe: 5 calls per tenant; and, on another tenant, 3 per caller.
        limitTenant('calls', ports.calls, { PRIMARY: `sip:127.0.0.1:${ports.uas}`, MAX_CALLS: '5' }),
        limitTenant('percaller', ports.perCaller, {
          PRIMARY: `sip:127.0.0.1:${ports.uas}`,
          MAX_PER_CALLER: '3',
        }),
      ],
    },
    dir,
  );
}, 240_000);

afterAll(async () => {
  for (const p of peers) await p.close();
  if (server) expect(await server.process.stop()).toBe(0);
});

/** The server's metric rows named `name` (Prometheus text), as "labels value" lines. */
async function metric(name: string): Promise<string[]> {
  const res = await fetch(`${server.adminUrl}/metrics`, {
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
  });
  const text = await res.text();
  return text.split('\n').filter((l) => l.startsWith(`${name}{`));
}

async function metricValue(name: string, labels: string): Promise<number> {
  const row = (await metric(name)).find((l) => l.startsWith(`${name}{${labels}}`));
  return row === undefined ? 0 : Number(row.split(' ').at(-1));
}

let seq = 0;

/** A caller and a callee (raw sockets) in one call through the proxy on `proxy`. */
async function call(proxy: number, opts: { user?: string; headers?: string[] } = {}) {
  const caller = await udpPeer();
  const callee = await udpPeer();
  peers.push(caller, callee);
  const n = ++seq;
  const callId = `dlg-call-${n}`;
  const user = opts.user ?? 'alice';
  const from = `<sip:${user}@127.0.0.1>;tag=caller${n}`;
  const calleeTag = `callee${n}`;
  const calleeUri = `sip:bob@127.0.0.1:${callee.port}`;
  let routeSet: string[] = [];
  let cseq = 1;
  const lines = (text: string, name: string) =>
    text.split('\r\n').filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));

  const invite = [
    `INVITE ${calleeUri} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${caller.port};branch=z9hG4bK-dlg-${n}-inv;rport`,
    'Max-Forwards: 70',
    `From: ${from}`,
    `To: <${calleeUri}>`,
    `Call-ID: ${callId}`,
    'CSeq: 1 INVITE',
    `Contact: <sip:${user}@127.0.0.1:${caller.port}>`,
    `X-Dest: sip:127.0.0.1:${callee.port}`,
    ...(opts.headers ?? []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');

  /** The callee's answer to the INVITE it received, back through the proxy. */
  const answer = async (status: number, reason: string) => {
    const got = callee.received.find((t) => t.startsWith('INVITE '));
    if (got === undefined) throw new Error('the callee got no INVITE');
    const to = lines(got, 'To')[0];
    const text = [
      `SIP/2.0 ${status} ${reason}`,
      ...lines(got, 'Via'),
      ...lines(got, 'Record-Route'),
      ...lines(got, 'From'),
      `${to};tag=${calleeTag}`,
      `Call-ID: ${callId}`,
      ...lines(got, 'CSeq'),
      `Contact: <sip:bob@127.0.0.1:${callee.port}>`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    await callee.send(text, proxy);
    const mine = (t: string) => t.startsWith(`SIP/2.0 ${status} `) && t.includes('\r\nCSeq: 1 INVITE\r\n');
    await until(() => caller.received.some(mine), 3000);
    const reply = caller.received.find(mine);
    expect(reply, `the caller got no ${status}`).toBeDefined();
    // The caller's route set: the Record-Route of the response, reversed (RFC 3261 12.1.2).
    routeSet = lines(reply!, 'Record-Route')
      .flatMap((l) => l.slice(l.indexOf(':') + 1).split(','))
      .map((v) => v.trim())
      .reverse();
    return reply!;
  };

  /** An in-dialog request of the caller; what the callee received of it (its X-Dlg), if anything. */
  const inDialog = async (method: string) => {
    const number = method === 'ACK' ? 1 : ++cseq;
    const text = [
      `${method} sip:bob@127.0.0.1:${callee.port} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${caller.port};branch=z9hG4bK-dlg-${n}-${method}-${number};rport`,
      'Max-Forwards: 70',
      `From: ${from}`,
      `To: <${calleeUri}>;tag=${calleeTag}`,
      `Call-ID: ${callId}`,
      `CSeq: ${number} ${method}`,
      ...routeSet.map((r) => `Route: ${r}`),
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    await caller.send(text, proxy);
    const seen = () =>
      callee.received.find((t) => t.startsWith(`${method} `) && t.includes(`CSeq: ${number} ${method}`));
    await until(() => seen() !== undefined, 3000);
    const got = seen();
    if (got !== undefined && method !== 'ACK') {
      // The callee answers 200 through the proxy.
      const reply = [
        'SIP/2.0 200 OK',
        ...lines(got, 'Via'),
        ...lines(got, 'From'),
        ...lines(got, 'To'),
        `Call-ID: ${callId}`,
        ...lines(got, 'CSeq'),
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      await callee.send(reply, proxy);
    }
    return /\r\nX-Dlg: ([^\r]*)\r\n/.exec(got ?? '')?.[1];
  };

  await caller.send(invite, proxy);
  await until(() => callee.received.some((t) => t.startsWith('INVITE ')), 3000);
  const received = callee.received.find((t) => t.startsWith('INVITE '));
  return { caller, callee, callId, calleeTag, received, answer, inDialog, port: () => caller.port };
}

describe('dialog states', () => {
  it('follows a call: unconfirmed, early on 180, confirmed on 200 and ACK, deleted on BYE', async () => {
    const c = await call(ports.acme);
    expect(c.received).toMatch(/\r\nX-Dlg: calls=1 known=1\r\n/);
    expect(await metricValue('kemi_dialogs_active', 'tenant="acme"')).toBe(1);
    await c.answer(180, 'Ringing');
    // An in-dialog request in the early dialog: the dialog is early (2) and carries its variable, flag, profile.
    expect(await c.inDialog('INFO')).toBe('state=2 note=v00000001 flag=1 inprof=1 after=2');
    await c.answer(200, 'OK');
    // The 200 confirmed it (3, not yet acknowledged); the ACK makes it 4.
    expect(await c.inDialog('ACK')).toBe('state=3 note=v00000001 flag=1 inprof=1 after=4');
    expect(await c.inDialog('INFO')).toBe('state=4 note=v00000001 flag=1 inprof=1 after=4');
    expect(await c.inDialog('BYE')).toBe('state=4 note=v00000001 flag=1 inprof=1 after=5');
    expect(await metricValue('kemi_dialogs_active', 'tenant="acme"')).toBe(0);
    expect(
      await metricValue('kemi_dialogs_ended_total', 'tenant="acme",reason="bye"'),
    ).toBeGreaterThanOrEqual(1);
  }, 30_000);

  it('ends a dialog whose INVITE failed, and counts its profile per value', async () => {
    const first = await call(ports.acme, { user: 'carol' });
    const second = await call(ports.acme, { user: 'carol' });
    expect(first.received).toMatch(/X-Dlg: calls=1 /);
    expect(second.received).toMatch(/X-Dlg: calls=2 /);
    const failedBefore = await metricValue('kemi_dialogs_ended_total', 'tenant="acme",reason="failed"');
    await first.answer(486, 'Busy Here');
    await second.answer(486, 'Busy Here');
    expect(await metricValue('kemi_dialogs_ended_total', 'tenant="acme",reason="failed"')).toBe(
      failedBefore + 2,
    );
    expect(await metricValue('kemi_dialogs_active', 'tenant="acme"')).toBe(0);
    const third = await call(ports.acme, { user: 'carol' });
    expect(third.received).toMatch(/X-Dlg: calls=1 /);
    await third.answer(486, 'Busy Here');
  }, 30_000);
});

describe('dialog timeout', () => {
  it('sends BYE both ways from the proxy (CSeq + 1, the dialog tags) when the lifetime runs out', async () => {
    const c = await call(ports.acme, { headers: ['X-Timeout: 1'] });
    await c.answer(200, 'OK');
    await c.inDialog('ACK');
    const bye = (peer: UdpPeer) => peer.received.find((t) => t.startsWith('BYE '));
    await until(() => bye(c.caller) !== undefined && bye(c.callee) !== undefined, 5000);
    const toCaller = bye(c.caller);
    const toCallee = bye(c.callee);
    expect(toCaller, 'no BYE reached the caller').toBeDefined();
    expect(toCallee, 'no BYE reached the callee').toBeDefined();
    // To the caller: its Contact, as the callee would send it.
    expect(toCaller).toMatch(new RegExp(`^BYE sip:alice@127\\.0\\.0\\.1:${c.port()} SIP/2\\.0\\r\\n`));
    expect(toCaller).toMatch(/\r\nFrom: <sip:bob@127\.0\.0\.1:\d+>;tag=callee\d+\r\n/);
    expect(toCaller).toMatch(/\r\nTo: <sip:alice@127\.0\.0\.1>;tag=caller\d+\r\n/);
    expect(toCaller).toMatch(/\r\nCSeq: 2 BYE\r\n/);
    expect(toCaller).toMatch(
      new RegExp(`\\r\\nVia: SIP/2\\.0/UDP 127\\.0\\.0\\.1:${ports.acme};branch=z9hG4bK`),
    );
    // To the callee: as the caller would send it.
    expect(toCallee).toMatch(/^BYE sip:bob@127\.0\.0\.1:\d+ SIP\/2\.0\r\n/);
    expect(toCallee).toMatch(/\r\nFrom: <sip:alice@127\.0\.0\.1>;tag=caller\d+\r\n/);
    expect(toCallee).toMatch(/\r\nTo: <sip:bob@127\.0\.0\.1:\d+>;tag=callee\d+\r\n/);
    expect(toCallee).toMatch(/\r\nCSeq: 2 BYE\r\n/);
    expect(await metricValue('kemi_dialogs_active', 'tenant="acme"')).toBe(0);
    expect(await metricValue('kemi_dialogs_ended_total', 'tenant="acme",reason="timeout"')).toBe(1);
    expect(await metricValue('kemi_dialog_byes_total', 'tenant="acme",outcome="sent"')).toBe(2);
  }, 30_000);
});

describe('dialogs across a reload', () => {
  it('a dialog made on version 1 lives on after version 2 is activated, and ends on version 1', async () => {
    const c = await call(ports.acme);
    await c.answer(200, 'OK');
    await c.inDialog('ACK');
    const deployed = await admin(
      server.adminUrl,
      'POST',
      '/v1/tenants/acme/versions?activate=1',
      route.stamp(2),
    );
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
    expect(await metricValue('kemi_dialogs_active', 'tenant="acme"')).toBe(1);
    // The variable set by version 1 is there for the BYE, which the pin runs on version 1.
    expect(await c.inDialog('BYE')).toBe('state=4 note=v00000001 flag=1 inprof=1 after=5');
    expect(await metricValue('kemi_dialogs_active', 'tenant="acme"')).toBe(0);
    // A new call runs on version 2.
    const next = await call(ports.acme);
    await next.answer(200, 'OK');
    await next.inDialog('ACK');
    expect(await next.inDialog('BYE')).toMatch(/ note=v00000002 /);
  }, 30_000);
});

describe('dialog quota', () => {
  it('refuses a dialog over max_dialogs (the script answers 503), counts it, and frees the slot', async () => {
    const first = await call(ports.tiny);
    expect(first.received).toBeDefined();
    const second = await call(ports.tiny);
    expect(second.received).toBeUndefined();
    await until(() => second.caller.received.some((t) => t.startsWith('SIP/2.0 503 Dialog Quota')), 3000);
    expect(second.caller.received.some((t) => t.startsWith('SIP/2.0 503 Dialog Quota'))).toBe(true);
    expect(await metricValue('kemi_dialogs_refused_total', 'tenant="tiny"')).toBe(1);
    await first.answer(486, 'Busy Here');
    const third = await call(ports.tiny);
    expect(third.received).toMatch(/X-Dlg: calls=1 /);
    await third.answer(486, 'Busy Here');
  }, 30_000);
});

/** What SIPp's final screen counts for a response status (the `<-` line of the scenario). */
function screenCount(output: string, status: number): number {
  const rows = [...output.matchAll(new RegExp(`^\\s*${status} <-+\\s+(\\d+)`, 'gm'))];
  return rows.length === 0 ? 0 : Number(rows.at(-1)![1]);
}

/** The INVITEs a SIPp callee took (its screen's INVITE line). */
function invitesTaken(output: string): number {
  const rows = [...output.matchAll(/^\s*-+> INVITE\s+(\d+)/gm)];
  return rows.length === 0 ? -1 : Number(rows.at(-1)![1]);
}

describe('call limits under SIPp load (guest-examples/assemblyscript/call-limit)', () => {
  const TOLERANT = ['-default_behaviors', 'all,-abortunexp'];

  /** `calls` calls at once (each held 2 s) against `proxy`, a SIPp callee behind it. */
  async function wave(proxy: number, calls: number) {
    const users = join(dir, 'users.csv');
    writeFileSync(users, 'SEQUENTIAL\nalice;\nbob;\n');
    const callee = await startSippUas(scenario('uas-call.xml'), {
      transport: 'udp',
      port: ports.uas,
      calls,
      extra: TOLERANT,
    });
    const run = await runSipp(scenario('uac-limited-call.xml'), {
      transport: 'udp',
      port: proxy,
      calls,
      rate: 200,
      service: 'bob',
      extra: [...TOLERANT, '-inf', users, '-d', '2000'],
    });
    return { run, callee: await finished(callee, 8000) };
  }

  it('holds the tenant limit exactly (503 over it), and finished calls free their slots', async () => {
    for (const round of [1, 2]) {
      const { run, callee } = await wave(ports.calls, 12);
      expect(run.failed, run.output).toBe(0);
      expect(run.successful, run.output).toBe(12);
      expect(screenCount(run.output, 503), run.output).toBe(7);
      expect(invitesTaken(callee.output), callee.output).toBe(5);
      expect(await metricValue('kemi_dialogs_created_total', 'tenant="calls"')).toBe(5 * round);
      expect(await metricValue('kemi_dialogs_active', 'tenant="calls"')).toBe(0);
    }
  }, 120_000);

  it('holds the limit per profile value (486 over 3 calls of one caller)', async () => {
    const { run, callee } = await wave(ports.perCaller, 12);
    expect(run.failed, run.output).toBe(0);
    expect(run.successful, run.output).toBe(12);
    expect(screenCount(run.output, 486), run.output).toBe(6);
    expect(invitesTaken(callee.output), callee.output).toBe(6);
    expect(await metricValue('kemi_dialogs_active', 'tenant="percaller"')).toBe(0);
  }, 120_000);
});
