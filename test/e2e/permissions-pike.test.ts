// permissions and pike at a real server: two tenants (by request domain) run the same AssemblyScript route,
// which bans flooders as Kamailio's basic kamailio.cfg does in REQINIT (a banned $si in htable ipban is
// dropped; `if (!pike_check_req()) { $sht(ipban=>$si) = 1; exit; }`) and relays a request only from an
// address of group 1 (`allow_source_address(1)`), answering 403 otherwise. The address tables are
// provisioned with `kemi-wasm address` under each tenant's own token. Peers are raw UDP sockets on
// 127.0.0.2 ... 127.0.0.6; the relay target is a raw UDP UAS.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStampedRoute, PLACEHOLDER } from '../registry/fixtures.ts';
import { responseText, sleep, type UdpPeer, udpPeer, until } from './raw-peer.ts';
import { admin, type RegistryServer, runCli, startRegistryServer } from './registry-server.ts';

const ROUTE = `
import { KSR } from '../../sdk';

export * from '../../sdk/exports';

export function request_route(): void {
  const si = KSR.pv.get('$si')!;
  if (KSR.htable.sht_is_null('ipban', si) < 0) {
    KSR.x.exit();
    return;
  }
  if (KSR.pike.pike_check_req() < 0) {
    KSR.htable.sht_seti('ipban', si, 1);
    KSR.x.exit();
    return;
  }
  if (KSR.pv.get('$rU') == 'ping') {
    KSR.hdr.append_to_reply('X-Build: ${PLACEHOLDER}\\r\\n');
    KSR.sl.sl_send_reply(200, 'Pong');
    return;
  }
  if (KSR.permissions.allow_source_address(1) > 0) {
    KSR.pv.sets('$du', KSR.kx.get_def('UAS')!);
    if (KSR.tm.t_relay() < 0) KSR.sl.sl_reply_error();
    return;
  }
  KSR.sl.sl_send_reply(403, 'Forbidden');
}

export function reply_route(): void {}

export function named_route(name: string): void {}
`;

const ALPHA_TOKEN = 'alpha-tenant-token-0123456789';
const BETA_TOKEN = 'beta-tenant-token-0123456789';

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-permissions-'));
let server: RegistryServer | undefined;
let uas: UdpPeer;
const peers: UdpPeer[] = [];

beforeAll(async () => {
  uas = await udpPeer('127.0.0.1');
  // The UAS answers 200 to whatever reaches it.
  const seen = uas.received;
  const answered = new Set<number>();
  const timer = setInterval(() => {
    for (const [i, text] of seen.entries()) {
      if (answered.has(i) || !/^[A-Z]+ sip:/.test(text)) continue;
      answered.add(i);
      const via = /^Via: SIP\/2\.0\/UDP ([\d.]+):(\d+)/m.exec(text)!;
      void uas.send(responseText(text, 200), Number(via[2]), via[1]);
    }
  }, 10);
  uas.close = ((close) => () => {
    clearInterval(timer);
    return close();
  })(uas.close);

  const route = await buildStampedRoute(ROUTE);
  const tenant = (name: string, token: string) => ({
    name,
    token,
    match: { domains: [`${name}.example`] },
    relay_allow: { cidrs: ['127.0.0.1/32'] },
    defines: { UAS: `sip:127.0.0.1:${uas.port}` },
    htables: { ipban: { max_items: 1000, autoexpire: 300 } },
  });
  server = await startRegistryServer(
    {
      data_dir: dir,
      tenants: [tenant('alpha', ALPHA_TOKEN), tenant('beta', BETA_TOKEN)],
      pike: { sampling_time_unit: 2, reqs_density_per_unit: 10, remove_latency: 120 },
    },
    dir,
  );
  for (const name of ['alpha', 'beta']) {
    const r = await admin(server.adminUrl, 'POST', `/v1/tenants/${name}/versions?activate=1`, route.stamp(1));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
}, 180_000);

afterAll(async () => {
  for (const p of peers.splice(0)) await p.close();
  await uas?.close();
  if (server) expect(await server.process.stop()).toBe(0);
});

async function peer(address: string): Promise<UdpPeer> {
  const p = await udpPeer(address);
  peers.push(p);
  return p;
}

let sequence = 0;

/** Sends one request from `from` and waits up to `ms` for its final reply; its status, or 0 for none. */
async function ask(from: UdpPeer, uri: string, method = 'MESSAGE', ms = 3000): Promise<number> {
  const callId = `perm-${++sequence}-${Date.now()}`;
  const text = [
    `${method} ${uri} SIP/2.0`,
    `Via: SIP/2.0/UDP ${from.address}:${from.port};branch=z9hG4bK-${callId};rport`,
    'Max-Forwards: 70',
    `From: <sip:peer@${from.address}>;tag=${callId}`,
    `To: <${uri}>`,
    `Call-ID: ${callId}`,
    `CSeq: 1 ${method}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  await from.send(text, server!.process.ports.udp!);
  const reply = () =>
    from.received.find((r) => r.includes(`Call-ID: ${callId}\r\n`) && /^SIP\/2\.0 [2-6]/.test(r));
  await until(() => reply() !== undefined, ms);
  const found = reply();
  return found === undefined ? 0 : Number(found.slice(8, 11));
}

const cli = (args: string[], token: string) =>
  runCli(['address', ...args, '--server', server!.adminUrl, '--token', token]);

describe('permissions and pike at the server', () => {
  it('provisions each tenant its own address table with kemi-wasm address, under its own token', async () => {
    const add = await cli(
      ['add', '127.0.0.2', '--group', '1', '--tenant', 'alpha', '--tag', 'trunk'],
      ALPHA_TOKEN,
    );
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toMatch(/^alpha: added row \d+: group 1 127\.0\.0\.2 port 0$/m);
    const csv = join(dir, 'beta.csv');
    writeFileSync(csv, 'group,address,port,tag\n1,127.0.0.3,0,"office, 3rd floor"\n2,127.0.0.0/8,5060\n');
    const imported = await cli(['import', csv, '--tenant', 'beta'], BETA_TOKEN);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('beta: imported 2 rows');
    // A tenant token cannot reach another tenant's table.
    const cross = await cli(['add', '127.0.0.2', '--tenant', 'beta'], ALPHA_TOKEN);
    expect(cross.code).toBe(1);
    expect(cross.stderr).toContain("this token is for tenant 'alpha' only");
    const list = await cli(['list', '--tenant', 'beta'], BETA_TOKEN);
    expect(list.stdout).toMatch(/^\d+\s+1\s+127\.0\.0\.3\s+any\s+office, 3rd floor$/m);
    expect(list.stdout).toMatch(/^\d+\s+2\s+127\.0\.0\.0\/8\s+5060$/m);
  }, 60_000);

  it('relays a request from a trusted address without a challenge and refuses an untrusted one', async () => {
    const trusted = await peer('127.0.0.2');
    const stranger = await peer('127.0.0.3');
    expect(await ask(trusted, 'sip:bob@alpha.example')).toBe(200);
    expect(uas.received.filter((r) => r.startsWith('MESSAGE sip:bob@alpha.example'))).toHaveLength(1);
    expect(await ask(stranger, 'sip:bob@alpha.example')).toBe(403);
    // Each tenant's table is its own: beta trusts 127.0.0.3 and not 127.0.0.2.
    expect(await ask(stranger, 'sip:carol@beta.example')).toBe(200);
    expect(await ask(trusted, 'sip:carol@beta.example')).toBe(403);
    expect(uas.received.filter((r) => r.startsWith('MESSAGE sip:'))).toHaveLength(2);
  }, 60_000);

  it('bans a flooding source through pike and htable while another source keeps working', async () => {
    const flooder = await peer('127.0.0.4');
    const neighbour = await peer('127.0.0.5');
    // Twelve requests sent back to back, so they fall in one 2 s unit however slow the machine answers:
    // the tenth reaches reqs_density_per_unit and is dropped, and the source is banned.
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => ask(flooder, 'sip:ping@alpha.example', 'OPTIONS')),
    );
    expect(answers.slice(0, 9)).toEqual(Array(9).fill(200));
    expect(answers.slice(9)).toEqual([0, 0, 0]);
    // Banned for alpha (its htable): still no answer after the sampling units have passed.
    await sleep(4500);
    expect(await ask(flooder, 'sip:ping@alpha.example', 'OPTIONS', 500)).toBe(0);
    expect(await ask(neighbour, 'sip:ping@alpha.example', 'OPTIONS')).toBe(200);
    // beta counts and bans on its own: alpha's verdict does not reach it.
    expect(await ask(flooder, 'sip:ping@beta.example', 'OPTIONS')).toBe(200);

    const metrics = await fetch(`${server!.adminUrl}/metrics`, {
      headers: { authorization: `Bearer e2e-operator-token-0123456789` },
    }).then((r) => r.text());
    expect(metrics).toMatch(/^kemi_pike_detections_total\{tenant="alpha"\} 1$/m);
    expect(metrics).not.toMatch(/^kemi_pike_detections_total\{tenant="beta"\}/m);
    expect(metrics).toMatch(
      /^kemi_permission_denied_total\{tenant="alpha",function="allow-source-address"\} 1$/m,
    );
    const banned = server!.process.lines.filter((l) => String(l.msg).startsWith('pike: blocking 127.0.0.4'));
    expect(banned.map((l) => l.tenant)).toEqual(['alpha']);
  }, 60_000);
});
