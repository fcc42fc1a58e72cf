// Accounting (KSR acc) end to end: a real `kemi-wasm serve` with two tenants on their own UDP sockets, both
// running a route that sets the flags as Kamailio's basic script does (INVITE: FLT_ACC=1 and
// FLT_ACCMISSED=2; in-dialog BYE: FLT_ACC and FLT_ACCFAILED=3) with the basic cfg's [acc] settings and
// extra columns. A SIPp call answered by a SIPp callee writes the INVITE and the BYE records; a call a raw
// callee answers 486 writes a missed_calls record; `kemi-wasm acc` lists them (from acc.db in the data
// dir), and the other tenant sees none. Every process is bounded and stopped by PID; every port ephemeral.
import { createSocket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Guest } from '../../fixtures/guest.ts';
import { freePort, runSipp, scenario } from '../../fixtures/sipp.ts';
import { finished, startSippUas } from '../../fixtures/sipp-uas.ts';
import { ACC_BASIC_EXTRA } from '../../src/config/acc-schema.ts';
import { expectAll, type ServerProcess, startServerProcess } from './harness.ts';
import { requestText, responseText, statuses, type UdpPeer, udpPeer, until } from './raw-peer.ts';
import { OPERATOR_TOKEN, runCli } from './registry-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-acc-'));
const TOLERANT = ['-default_behaviors', 'all,-abortunexp'];
const BETA_TOKEN = 'beta-token-0123456789abcdef';

/**
 * The basic script's accounting, routing to `callee`: in-dialog requests follow their Route (BYE flagged
 * FLT_ACC and FLT_ACCFAILED, an ACK without Route goes by its transaction); an INVITE is record-routed and
 * flagged FLT_ACC and FLT_ACCMISSED, then relayed.
 */
async function basicAccRoute(callee: string): Promise<Uint8Array> {
  const g = new Guest();
  const relay = `(if (i32.lt_s ${g.call('tm', 't-relay', [])} (i32.const 0)) (then (drop ${g.call('sl', 'sl-reply-error', [])})))`;
  const is = (method: string) => g.call('core', 'is-method', [method]);
  g.route(
    'request-route',
    `(if (i32.gt_s ${g.call('siputils', 'has-totag', [])} (i32.const 0))
       (then
         (if (i32.gt_s ${g.call('rr', 'loose-route', [])} (i32.const 0))
           (then
             (if ${is('BYE')} (then (drop ${g.call('core', 'setflag', [1])}) (drop ${g.call('core', 'setflag', [3])})))
             ${relay}
             (return)))
         (if ${is('ACK')}
           (then (if (i32.gt_s ${g.call('tm', 't-check-trans', [])} (i32.const 0)) (then ${relay})) (return)))
         (drop ${g.call('sl', 'sl-send-reply', [404, 'Not here'])})
         (return)))
     (drop ${g.call('hdr', 'remove', ['Route'])})
     (if ${is('INVITE')}
       (then
         (drop ${g.call('rr', 'record-route', [])})
         (drop ${g.call('core', 'setflag', [1])})
         (drop ${g.call('core', 'setflag', [2])})))
     (drop ${g.call('core', 'setdsturi', [callee])})
     ${relay}`,
  );
  return g.component();
}

let server: ServerProcess | undefined;
let adminUrl: string;
let ports: { acme: number; beta: number; callee: number; busy: number };
let busyCallee: ReturnType<typeof createSocket>;
let caller: UdpPeer;

function acc(tenant: string, ...args: string[]) {
  return runCli(['acc', ...args], {
    KEMI_WASM_SERVER: adminUrl,
    KEMI_WASM_TOKEN: OPERATOR_TOKEN,
    KEMI_WASM_TENANT: tenant,
  });
}

beforeAll(async () => {
  ports = { acme: await freePort(), beta: await freePort(), callee: await freePort(), busy: 0 };
  busyCallee = createSocket('udp4');
  busyCallee.on('message', (m, rinfo) => {
    const text = m.toString('latin1');
    if (text.startsWith('INVITE '))
      busyCallee.send(Buffer.from(responseText(text, 486, 'Busy Here'), 'latin1'), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => busyCallee.bind(0, '127.0.0.1', resolve));
  ports.busy = busyCallee.address().port;
  caller = await udpPeer();
  const module = join(dir, 'route.wasm');
  writeFileSync(module, await basicAccRoute(`sip:127.0.0.1:${ports.callee}`));
  const busyModule = join(dir, 'busy.wasm');
  writeFileSync(busyModule, await basicAccRoute(`sip:127.0.0.1:${ports.busy}`));
  const socket = (port: number) => `udp:127.0.0.1:${port}`;
  const config = join(dir, 'kemi.yaml');
  const relayAllow = { cidrs: ['127.0.0.0/8'] };
  writeFileSync(
    config,
    JSON.stringify({
      listen: [socket(ports.acme), socket(ports.beta)],
      data_dir: join(dir, 'data'),
      log_level: 'info',
      admin: { listen: '127.0.0.1:0', operator_token: OPERATOR_TOKEN },
      // Kamailio's basic cfg (WITH_ACCDB): modparam("acc", ...).
      acc: {
        log_flag: 1,
        log_missed_flag: 2,
        db_flag: 1,
        db_missed_flag: 2,
        failed_transaction_flag: 3,
        db_extra: ACC_BASIC_EXTRA,
      },
      tenants: [
        { name: 'acme', match: { sockets: [socket(ports.acme)] }, module, relay_allow: relayAllow },
        {
          name: 'beta',
          match: { sockets: [socket(ports.beta)] },
          module: busyModule,
          relay_allow: relayAllow,
          token: BETA_TOKEN,
        },
      ],
    }),
  );
  server = await startServerProcess(['--config', config]);
  adminUrl = String(server.lines.find((l) => l.msg === 'admin listening')?.url);
}, 120_000);

afterAll(async () => {
  await caller?.close();
  busyCallee?.close();
  if (server) expect(await server.stop()).toBe(0);
});

describe('acc (basic script flags)', () => {
  it('an answered call (SIPp) writes the INVITE and the BYE records with the basic extras', async () => {
    const callee = await startSippUas(scenario('uas-call.xml'), {
      transport: 'udp',
      port: ports.callee,
      calls: 1,
      extra: TOLERANT,
    });
    const run = await runSipp(scenario('uac-call.xml'), {
      transport: 'udp',
      port: ports.acme,
      calls: 1,
      service: 'bob',
      extra: TOLERANT,
    });
    expectAll(run, 1);
    expectAll(await finished(callee), 1);

    const listed = await acc('acme');
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^TIME\s+METHOD\s+CODE\s+REASON\s+CALL-ID\s+FROM-TAG\s+TO-TAG\s+SRC_USER/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(2, 5))).toEqual([
      ['INVITE', '200', 'OK'],
      ['BYE', '200', 'OK'],
    ]);
    const json = JSON.parse((await acc('acme', '--json')).stdout) as {
      records: { method: string; extra: Record<string, string> }[];
    };
    expect(json.records[0].extra).toEqual({
      src_user: 'sipp',
      src_domain: '127.0.0.1',
      src_ip: '127.0.0.1',
      dst_ouser: 'bob',
      dst_user: 'bob',
      dst_domain: '127.0.0.1',
    });
    expect((await acc('acme', '--missed')).stdout).toContain('has no records in missed_calls');
  }, 60_000);

  it('a busy call (486) with FLT_ACCMISSED writes a missed_calls row, not an acc row', async () => {
    await caller.send(
      requestText({
        method: 'INVITE',
        uri: `sip:bob@127.0.0.1:${ports.beta}`,
        via: `SIP/2.0/UDP 127.0.0.1:${caller.port};rport;branch=z9hG4bK-busy1`,
        callId: 'busy-call-1',
      }),
      ports.beta,
    );
    await until(() => statuses(caller.received).includes(486), 5000);
    const missed = await acc('beta', '--missed');
    expect(missed.code).toBe(0);
    const rows = missed.stdout.trim().split('\n').slice(1);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/\sINVITE\s+486\s+Busy Here\s+busy-call-1\s+peer1\s+uas1\s+alice\s/);
    expect((await acc('beta')).stdout).toContain('has no records in acc');
  }, 30_000);

  it("a tenant sees none of another tenant's records, and a tenant token cannot ask", async () => {
    expect((await acc('beta')).stdout).not.toContain('INVITE');
    expect((await acc('acme', '--missed')).stdout).not.toContain('busy-call-1');
    const asBeta = (tenant: string) =>
      runCli(['acc', '--missed'], {
        KEMI_WASM_SERVER: adminUrl,
        KEMI_WASM_TOKEN: BETA_TOKEN,
        KEMI_WASM_TENANT: tenant,
      });
    const own = await asBeta('beta');
    expect(own.code).toBe(0);
    expect(own.stdout).toContain('busy-call-1');
    const other = await asBeta('acme');
    expect(other.code).not.toBe(0);
    expect(other.stdout).toBe('');
  }, 30_000);
});
