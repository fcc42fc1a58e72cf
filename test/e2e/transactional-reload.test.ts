// Hot reload under stateful load: SIPp calls (INVITE, 180, 1 s, 200, ACK, BYE, 200) at 300 calls/s for
// 30 s through a record-routing proxy route, to a SIPp callee, while the test deploys 20 versions and rolls
// back 5 times. Each relayed request names the version that ran its request route (X-Req-Version, echoed
// by the callee); the onreply route adds the version that ran it (X-Reply-Version). The caller fails any
// call whose replies carry two different versions: every transaction's replies were handled by the version
// that created it. Dialog pinning is on (grace 5 s): each BYE runs on the version of its INVITE, named by
// the Record-Route parameter, except in the dialogs of a version an operator rolled back from (it gets no
// grace: their later requests run on the active version). No call fails, and once the load ends every old
// version has drained and unloaded.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, runSipp, scenario } from '../../fixtures/sipp.ts';
import { type SippUas, startSippUas } from '../../fixtures/sipp-uas.ts';
import { buildStampedRoute, STAMPED_PROXY_ROUTE, versionStamp } from '../registry/fixtures.ts';
import { admin, OPERATOR_TOKEN, type RegistryServer, startRegistryServer } from './registry-server.ts';

const RATE = 300;
const SECONDS = 30;
const CALLS = RATE * SECONDS;
const DEPLOYS = 20;
const ROLLBACKS = 5;

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-txreload-'));
let server: RegistryServer | undefined;
let uas: SippUas | undefined;

afterAll(async () => {
  await uas?.stop();
  if (server) expect(await server.process.stop()).toBe(0);
});

interface Loaded {
  version: number;
  active: boolean;
  pins: number;
}

describe('hot reload under stateful SIPp load', () => {
  it(`${DEPLOYS} deploys and ${ROLLBACKS} rollbacks during ${CALLS} calls at ${RATE}/s: replies stay on their transaction's version`, async () => {
    const route = await buildStampedRoute(STAMPED_PROXY_ROUTE);
    const uasPort = await freePort();
    uas = await startSippUas(scenario('uas-stamped.xml'), {
      transport: 'udp',
      port: uasPort,
      calls: CALLS,
      timeoutSeconds: SECONDS + 60,
      extra: ['-buff_size', '4194304', '-default_behaviors', 'all,-abortunexp'],
    });
    server = await startRegistryServer(
      {
        data_dir: join(dir, 'data'),
        tenants: [
          {
            name: 'acme',
            retain: 30,
            dialog_grace_s: 5,
            // A configured tenant relays nowhere unless allowed: here only to the callee.
            relay_allow: { cidrs: ['127.0.0.1/32'], ports: [uasPort] },
          },
        ],
        defines: { PRIMARY: `sip:127.0.0.1:${uasPort}` },
      },
      dir,
    );
    const url = server.adminUrl;
    const stamps = new Set<string>();
    /** Versions an operator rolled back from: removed for failing, no dialog grace. */
    const rolledBackFrom = new Set<string>();
    const deploy = async (stamp: number) => {
      const r = await admin(url, 'POST', '/v1/tenants/acme/versions?activate=1', route.stamp(stamp));
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      stamps.add(versionStamp(stamp));
    };
    await deploy(2000);

    const logFile = join(dir, 'calls.log');
    const load = runSipp(scenario('uac-stamped.xml'), {
      transport: 'udp',
      port: server.process.ports.udp!,
      calls: CALLS,
      rate: RATE,
      timeoutSeconds: SECONDS + 40,
      extra: [
        '-trace_logs',
        '-log_file',
        logFile,
        '-buff_size',
        '4194304',
        '-default_behaviors',
        'all,-abortunexp',
      ],
    });

    // While the load runs: deploys and rollbacks, and samples of how many replaced versions still hold
    // transactions (proof that transactions straddled activations).
    let drainingWithPins = 0;
    const sample = async () => {
      const r = await admin(url, 'GET', '/v1/tenants/acme');
      const loaded = r.body.loaded as Loaded[];
      drainingWithPins = Math.max(drainingWithPins, loaded.filter((l) => !l.active && l.pins > 0).length);
    };
    const interval = ((SECONDS - 4) * 1000) / (DEPLOYS + ROLLBACKS);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    for (let i = 1; i <= DEPLOYS; i++) {
      await deploy(2000 + i);
      await new Promise((resolve) => setTimeout(resolve, interval / 2));
      await sample();
      await new Promise((resolve) => setTimeout(resolve, interval / 2));
      if (i % 4 === 0) {
        const back = await admin(url, 'POST', '/v1/tenants/acme/rollback');
        expect(back.status, JSON.stringify(back.body)).toBe(200);
        rolledBackFrom.add(versionStamp(2000 + i));
        await new Promise((resolve) => setTimeout(resolve, interval));
      }
    }
    const run = await load;
    const callee = await uas.done;

    expect(run.failed, run.output).toBe(0);
    expect(run.successful, run.output).toBe(CALLS);
    expect(callee.failed, callee.output).toBe(0);
    expect(drainingWithPins).toBeGreaterThanOrEqual(1);

    // Every 200 named one deployed version twice (the caller's regexp checked they were equal).
    const calls = new Map<string, { invite?: string; bye?: string }>();
    for (const line of readFileSync(logFile, 'latin1').split('\n')) {
      const m = /^(\d+) (INVITE|BYE) X-Req-Version: (\d{8})/.exec(line.trim());
      if (!m) continue;
      const call = calls.get(m[1]) ?? {};
      if (m[2] === 'INVITE') call.invite = m[3];
      else call.bye = m[3];
      calls.set(m[1], call);
    }
    const invites = [...calls.values()].map((c) => c.invite);
    const byes = [...calls.values()].map((c) => c.bye);
    expect(calls.size).toBe(CALLS);
    expect([...invites, ...byes].filter((v) => v === undefined || !stamps.has(v))).toEqual([]);
    expect(new Set(invites).size).toBeGreaterThanOrEqual(DEPLOYS);
    // Dialog pinning: the BYE ran on its INVITE's version, though the active one often changed between,
    // unless an operator had rolled that version back.
    const moved = [...calls.entries()].filter(([, c]) => c.bye !== c.invite);
    expect(moved.filter(([, c]) => !rolledBackFrom.has(c.invite!)).map(([n]) => n)).toEqual([]);
    const onRolledBack = invites.filter((v) => rolledBackFrom.has(v!)).length;
    const pinnedMetric = await (
      await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } })
    ).text();
    const dialogPinned = Number(/^kemi_dialog_pinned_requests_total (\d+)$/m.exec(pinnedMetric)?.[1]);
    // ACK and BYE of every call, but those of a rolled-back version may have lost their pin.
    expect(dialogPinned).toBeGreaterThanOrEqual(2 * (CALLS - onRolledBack));

    // After the load, transactions end (their wait timers included): pins drop to 0 and every replaced
    // version unloads.
    let loaded: Loaded[] = [];
    for (let i = 0; i < 60; i++) {
      loaded = (await admin(url, 'GET', '/v1/tenants/acme')).body.loaded as Loaded[];
      if (loaded.length === 1 && loaded[0].pins === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(loaded.map((l) => [l.version, l.active, l.pins])).toEqual([[DEPLOYS, true, 0]]);
    const metrics = await (
      await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } })
    ).text();
    expect(metrics).not.toMatch(/^kemi_route_failures_total\{/m);
    console.log(
      `${CALLS} calls, ${new Set(invites).size} versions seen, up to ${drainingWithPins} draining versions with ` +
        `transactions, ${dialogPinned} in-dialog requests on their dialog's version, ${moved.length} BYEs of ` +
        `${onRolledBack} calls on rolled-back versions moved to the active one`,
    );
  }, 240_000);
});
