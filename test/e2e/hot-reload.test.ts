// Hot reload under load: SIPp sends 300 OPTIONS/s for 30 s through a tenant whose route answers 200 with
// X-Version naming its version, while the test deploys 20 new versions and rolls back 5 times over the
// admin API. No request fails, every reply names a version that was deployed, and the versions seen
// follow the activations (old versions are unloaded once replaced).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSipp, scenario } from '../../fixtures/sipp.ts';
import { buildStampedRoute, versionStamp } from '../registry/fixtures.ts';
import { expectAll } from './harness.ts';
import { admin, OPERATOR_TOKEN, type RegistryServer, startRegistryServer } from './registry-server.ts';

const RATE = 300;
const SECONDS = 30;
const CALLS = RATE * SECONDS;
const DEPLOYS = 20;
const ROLLBACKS = 5;

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-reload-'));
let server: RegistryServer | undefined;

afterAll(async () => {
  if (server) expect(await server.process.stop()).toBe(0);
});

describe('hot reload under SIPp load', () => {
  it(`${DEPLOYS} deploys and ${ROLLBACKS} rollbacks during ${CALLS} OPTIONS at ${RATE}/s: no failure`, async () => {
    const route = await buildStampedRoute();
    server = await startRegistryServer(
      { data_dir: join(dir, 'data'), tenants: [{ name: 'acme', retain: 30 }] },
      dir,
    );
    const url = server.adminUrl;
    const deployed = new Set<number>();
    /** Stamps in activation order, rollbacks included. */
    const activations: string[] = [];
    const deploy = async (stamp: number) => {
      const r = await admin(url, 'POST', '/v1/tenants/acme/versions?activate=1', route.stamp(stamp));
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      deployed.add(stamp);
      activations.push(versionStamp(stamp));
      return r.body;
    };
    await deploy(1000);

    const logFile = join(dir, 'versions.log');
    const load = runSipp(scenario('options-stamped.xml'), {
      transport: 'udp',
      port: server.process.ports.udp!,
      calls: CALLS,
      rate: RATE,
      timeoutSeconds: SECONDS + 30,
      extra: ['-trace_logs', '-log_file', logFile, '-buff_size', '4194304'],
    });

    // Spread the changes over the run: a rollback after every fourth deploy.
    const swaps: number[] = [];
    const uploadMs: number[] = [];
    const interval = ((SECONDS - 4) * 1000) / (DEPLOYS + ROLLBACKS);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    for (let i = 1; i <= DEPLOYS; i++) {
      const body = await deploy(1000 + i);
      const t = body.timings as { swapMs: number; totalMs: number };
      swaps.push(t.swapMs);
      uploadMs.push(t.totalMs);
      await new Promise((resolve) => setTimeout(resolve, interval));
      if (i % 4 === 0) {
        const back = await admin(url, 'POST', '/v1/tenants/acme/rollback');
        expect(back.status, JSON.stringify(back.body)).toBe(200);
        expect(back.body).toMatchObject({ from: i + 1, to: i });
        activations.push(versionStamp(1000 + i - 1));
        await new Promise((resolve) => setTimeout(resolve, interval));
      }
    }
    const run = await load;

    expectAll(run, CALLS);
    // Every reply named a deployed version; most versions served traffic.
    const seen = readFileSync(logFile, 'latin1')
      .split('\n')
      .map((line) => /^\d+ X-Version: (\d{8})$/.exec(line.trim())?.[1])
      .filter((v): v is string => v !== undefined);
    expect(seen).toHaveLength(CALLS);
    const stamps = new Set([...deployed].map(versionStamp));
    expect(seen.filter((v) => !stamps.has(v))).toEqual([]);
    const distinct = new Set(seen);
    expect(distinct.size).toBeGreaterThanOrEqual(DEPLOYS);
    // Replies follow the activations: once a version is replaced no later request runs on it, so the
    // versions seen, run by run, are the activation sequence (minus any version that got no request).
    const runs = seen.filter((v, i) => i === 0 || v !== seen[i - 1]);
    let at = 0;
    for (const v of runs) {
      while (at < activations.length && activations[at] !== v) at++;
      expect(at, `version ${v} seen out of activation order: ${runs.join(' ')}`).toBeLessThan(
        activations.length,
      );
    }
    expect(runs.at(-1)).toBe(activations.at(-1));
    expect(activations.at(-1)).toBe(versionStamp(1000 + DEPLOYS - 1));
    const metrics = await (
      await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } })
    ).text();
    expect(metrics).not.toMatch(/^kemi_route_failures_total\{/m);
    expect(Number(/^kemi_version_unloads_total\{tenant="acme"\} (\d+)$/m.exec(metrics)?.[1])).toBe(
      DEPLOYS + ROLLBACKS,
    );
    expect(metrics).toMatch(/^kemi_loaded_versions\{tenant="acme"\} 1$/m);
    const sorted = [...swaps].sort((a, b) => a - b);
    const upload = [...uploadMs].sort((a, b) => a - b);
    console.log(
      `${CALLS} requests, ${distinct.size} versions seen; swap median ${sorted[sorted.length >> 1].toFixed(3)} ms, ` +
        `max ${sorted.at(-1)!.toFixed(3)} ms; upload to active median ${upload[upload.length >> 1].toFixed(0)} ms, ` +
        `max ${upload.at(-1)!.toFixed(0)} ms`,
    );
  }, 180_000);
});
