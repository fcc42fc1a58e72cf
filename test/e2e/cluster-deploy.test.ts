// Deploys across three nodes (docs/cluster.md): three `kemi-wasm serve` processes on loopback share one
// redis-server the test starts. Each node runs the stamped proxy route (every relayed request carries
// `X-Req-Version`, every forwarded reply `X-Reply-Version`: SIPp's caller fails a call whose versions
// differ). A deploy on node 3 and a rollback on node 2 reach every node within a second while SIPp calls
// flow through nodes 1 and 2 with no failed call; a version one node cannot load (its own component size
// limit) is reported by that node, which keeps serving its previous version; a version that fails every
// request trips node 1's circuit breaker, whose rollback every node follows; with Redis stopped, deploys
// are refused with 503 and calls continue, and after Redis restarts (empty) the nodes fill it again and
// deploys reach every node; a node killed with SIGKILL is shown as lost while the others keep serving, and
// started again it catches up to the cluster's active version.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runSipp, scenario } from '../../fixtures/sipp.ts';
import { type SippUas, startSippUas } from '../../fixtures/sipp-uas.ts';
import { buildStampedRoute, STAMPED_PROXY_ROUTE, type StampedRoute } from '../registry/fixtures.ts';
import {
  activeOn,
  type ClusterNode,
  killNode,
  launchNode,
  startClusterNode,
  stopNodes,
} from './cluster-nodes.ts';
import { type RedisServer, startRedis } from './cluster-redis.ts';
import { admin, OPERATOR_TOKEN, optionsOnce, runCli } from './registry-server.ts';

/** Node 2 refuses components larger than this (its own limits): the padded version is one. */
const NODE2_MAX_COMPONENT_BYTES = 150_000;
/** The proxy route with a large string it never uses in practice: a component past node 2's limit. */
const PADDED_PROXY_ROUTE = STAMPED_PROXY_ROUTE.replace(
  'function relay(): void {',
  `const PAD = '${'p'.repeat(120_000)}';\n\nfunction relay(): void {\n  if (KSR.kx.get_def('NEVER_SET') !== null) KSR.info(PAD);`,
);

/** The proxy route failing every request (a trap): the circuit breaker's case. */
const TRAPPING_PROXY_ROUTE = STAMPED_PROXY_ROUTE.replace(
  'export function request_route(): void {',
  "export function request_route(): void {\n  if (KSR.kx.get_def('NEVER_SET') === null) unreachable();",
);
/** Failures of the active version that trip a node's breaker. */
const BREAKER_FAILURES = 3;
/**
 * The bound of propagations that are not what a test is about (the deploy test holds the 1 s bound): the
 * machine running the suite may be loaded, and each node compiles before it swaps.
 */
const SETTLE_MS = 10_000;

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-cluster-'));
let redis: RedisServer;
let uas: SippUas | undefined;
const nodes: ClusterNode[] = [];
let route: StampedRoute;
let padded: StampedRoute;
let trapping: StampedRoute;
let uasPort: number;

function startNode(name: string, extraLimits: Record<string, number> = {}): Promise<ClusterNode> {
  return startClusterNode(dir, name, redis.url, {
    cluster: { heartbeat_ms: 300 },
    tenants: [
      {
        name: 'acme',
        retain: 20,
        dialog_grace_s: 5,
        relay_allow: { cidrs: ['127.0.0.1/32'], ports: [uasPort] },
        // Only the trapping version fails: a loaded machine must not make routes miss their deadline.
        limits: { deadline_ms: 2000, ...extraLimits },
        circuit_breaker: { failures: BREAKER_FAILURES, window_s: 60 },
      },
    ],
    defines: { PRIMARY: `sip:127.0.0.1:${uasPort}` },
  });
}

/** Milliseconds until every node in `on` runs `version` (polled every 10 ms), or Infinity after `ms`. */
async function reachedAll(on: readonly ClusterNode[], version: number, ms = 10_000): Promise<number> {
  const start = performance.now();
  const pending = new Set(on);
  while (performance.now() - start < ms) {
    for (const node of [...pending]) if ((await activeOn(node)) === version) pending.delete(node);
    if (pending.size === 0) return performance.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Number.POSITIVE_INFINITY;
}

/** The nodes' cluster and breaker log lines: the message of a propagation that took too long. */
function clusterLines(): string {
  return nodes
    .flatMap((n) =>
      n.process.lines
        .filter(
          (l) => l.layer === 'cluster' || String(l.msg).includes('breaker') || l.msg === 'version activated',
        )
        .slice(-12)
        .map(
          (l) =>
            `${n.name} ${l.time} ${l.msg} ${JSON.stringify({ ...l, msg: undefined, time: undefined, level: undefined })}`,
        ),
    )
    .join('\n');
}

/** SIPp calls (INVITE, 180, 1 s, 200, ACK, BYE, 200) through a node, as the stamped caller. */
function calls(node: ClusterNode, count: number, rate: number) {
  return runSipp(scenario('uac-stamped.xml'), {
    transport: 'udp',
    port: node.process.ports.udp!,
    calls: count,
    rate,
    timeoutSeconds: 60,
    extra: ['-default_behaviors', 'all,-abortunexp'],
  });
}

beforeAll(async () => {
  [route, padded, trapping] = await Promise.all([
    buildStampedRoute(STAMPED_PROXY_ROUTE),
    buildStampedRoute(PADDED_PROXY_ROUTE),
    buildStampedRoute(TRAPPING_PROXY_ROUTE),
  ]);
  redis = await startRedis();
  uasPort = await freePort();
  uas = await startSippUas(scenario('uas-stamped.xml'), {
    transport: 'udp',
    port: uasPort,
    calls: 100_000,
    timeoutSeconds: 600,
    extra: ['-default_behaviors', 'all,-abortunexp'],
  });
  nodes.push(await startNode('node-1'));
  nodes.push(await startNode('node-2', { max_component_bytes: NODE2_MAX_COMPONENT_BYTES }));
  nodes.push(await startNode('node-3'));
}, 240_000);

afterAll(async () => {
  await stopNodes(nodes);
  await uas?.stop();
  await redis?.stop();
}, 120_000);

describe('three nodes sharing deploys through Redis', () => {
  it('a deploy on node 3 and a rollback on node 2 reach every node within 1 s while calls flow through nodes 1 and 2', async () => {
    const [n1, n2, n3] = nodes;
    const first = await admin(n1.url, 'POST', '/v1/tenants/acme/versions?activate=1', route.stamp(4001));
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const v1 = first.body.version as number;
    expect(await reachedAll(nodes, v1, 60_000), clusterLines()).toBeLessThan(60_000);

    const load1 = calls(n1, 150, 10);
    const load2 = calls(n2, 150, 10);
    await new Promise((resolve) => setTimeout(resolve, 3000));

    const deployed = await admin(n3.url, 'POST', '/v1/tenants/acme/versions?activate=1', route.stamp(4002));
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
    const v2 = deployed.body.version as number;
    expect(v2).toBe(v1 + 1);
    const deployMs = await reachedAll(nodes, v2);
    // What each node took from the activation's write in Redis to its swap (compile included).
    const applied = (version: number) =>
      nodes.flatMap((n) =>
        n.process.lines
          .filter((l) => l.msg === 'cluster activation applied' && l.version === version)
          .map((l) => `${n.name}: ${l.sinceWrittenMs} ms (apply ${l.applyMs} ms, ${l.how})`),
      );
    expect(deployMs, applied(v2).join('; ')).toBeLessThan(1000);

    await new Promise((resolve) => setTimeout(resolve, 3000));
    const back = await admin(n2.url, 'POST', '/v1/tenants/acme/rollback');
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    expect(back.body.to).toBe(v1);
    const rollbackMs = await reachedAll(nodes, v1);
    expect(rollbackMs, applied(v1).join('; ')).toBeLessThan(1000);

    const [run1, run2] = await Promise.all([load1, load2]);
    expect(run1.failed, run1.output).toBe(0);
    expect(run2.failed, run2.output).toBe(0);
    expect(run1.successful + run2.successful).toBe(300);

    // Every node's report: the cluster's version, and the numbers are the cluster's.
    const cluster = await admin(n1.url, 'GET', '/v1/cluster');
    expect(cluster.status).toBe(200);
    const reports = cluster.body.nodes as {
      node: string;
      state: string;
      report: { tenants: { version: number }[] };
    }[];
    expect(reports.map((r) => [r.node, r.state, r.report.tenants[0].version]).sort()).toEqual([
      ['node-1', 'up', v1],
      ['node-2', 'up', v1],
      ['node-3', 'up', v1],
    ]);
    const status = await runCli(['status', '--server', n3.url, '--token', OPERATOR_TOKEN]);
    expect(status.code, status.stderr).toBe(0);
    for (const name of ['node-1', 'node-2', 'node-3'])
      expect(status.stdout).toMatch(new RegExp(`^${name}\\s+up\\s+acme\\s+${v1}\\s+${v1}\\s+\\d+`, 'm'));
    console.log(
      `deploy reached 3 nodes in ${deployMs.toFixed(0)} ms (${applied(v2).join('; ')}), rollback in ${rollbackMs.toFixed(0)} ms`,
    );
  }, 120_000);

  it('a version one node cannot load is reported by that node, which keeps serving its previous one', async () => {
    const [n1, n2, n3] = nodes;
    const before = (await activeOn(n2))!;
    const bad = await admin(n1.url, 'POST', '/v1/tenants/acme/versions?activate=1', padded.stamp(4003));
    expect(bad.status, JSON.stringify(bad.body)).toBe(201);
    const v = bad.body.version as number;
    expect(await reachedAll([n1, n3], v), clusterLines()).toBeLessThan(SETTLE_MS);
    let error: { version: number; code: string; reason: string } | undefined;
    for (let i = 0; i < 100 && !error; i++) {
      const cluster = await admin(n1.url, 'GET', '/v1/cluster');
      const node2 = (
        cluster.body.nodes as { node: string; report?: { tenants: { error?: typeof error }[] } }[]
      ).find((n) => n.node === 'node-2');
      error = node2?.report?.tenants[0].error;
      if (!error) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(error?.version).toBe(v);
    expect(error?.code).toBe('too-large');
    expect(await activeOn(n2)).toBe(before);
    expect(
      n2.process.lines.some((l) =>
        String(l.msg).startsWith("cluster: this node cannot load the cluster's active version"),
      ),
    ).toBe(true);
    const metrics = await (
      await fetch(`${n2.url}/metrics`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } })
    ).text();
    expect(metrics).toMatch(/^kemi_cluster_activations_total\{outcome="failed"\} [1-9]/m);
    const run = await calls(n2, 20, 10);
    expect(run.failed, run.output).toBe(0);
    // Back to a version every node loads.
    const good = await admin(n3.url, 'POST', '/v1/tenants/acme/versions?activate=1', route.stamp(4004));
    expect(good.status, JSON.stringify(good.body)).toBe(201);
    expect(await reachedAll(nodes, good.body.version as number), clusterLines()).toBeLessThan(SETTLE_MS);
  }, 60_000);

  it("one node's circuit breaker rollback becomes the cluster's: every node leaves the failing version", async () => {
    const [n1, n2, n3] = nodes;
    const good = (await activeOn(n1))!;
    const failing = await admin(n3.url, 'POST', '/v1/tenants/acme/versions?activate=1', trapping.stamp(4010));
    expect(failing.status, JSON.stringify(failing.body)).toBe(201);
    const bad = failing.body.version as number;
    expect(await reachedAll(nodes, bad), clusterLines()).toBeLessThan(SETTLE_MS);
    // Requests through node 1 only: its breaker trips and rolls back to the last good version.
    for (let i = 0; i < BREAKER_FAILURES; i++) {
      const reply = await optionsOnce(n1.process.ports.udp!, `sip:probe@127.0.0.1:${uasPort}`);
      expect(reply).toMatch(/^SIP\/2\.0 500 /);
    }
    expect(await reachedAll(nodes, good), clusterLines()).toBeLessThan(SETTLE_MS);
    const history = await admin(n2.url, 'GET', '/v1/tenants/acme/activations');
    expect((history.body.activations as { version: number; kind: string }[])[0]).toMatchObject({
      version: good,
      kind: 'breaker',
    });
    const cluster = await admin(n3.url, 'GET', '/v1/cluster');
    expect(
      (cluster.body.active as Record<string, { version: number; kind: string; node: string }>).acme,
    ).toMatchObject({
      version: good,
      kind: 'breaker',
      node: 'node-1',
    });
  }, 60_000);

  it('with Redis stopped deploys are refused with 503 and calls continue; after its restart the nodes catch up', async () => {
    const [n1, n2, n3] = nodes;
    const active = (await activeOn(n1))!;
    await redis.stop();
    const refused = await admin(n3.url, 'POST', '/v1/tenants/acme/versions?activate=1', route.stamp(4005));
    expect(refused.status).toBe(503);
    expect(refused.body.error).toBe('cluster-unavailable');
    expect(String(refused.body.reason)).toMatch(/Redis .* cannot be reached/);
    const rollback = await admin(n1.url, 'POST', '/v1/tenants/acme/rollback');
    expect(rollback.status).toBe(503);
    const run = await calls(n2, 30, 10);
    expect(run.failed, run.output).toBe(0);
    for (const node of nodes) expect(await activeOn(node)).toBe(active);

    await redis.restart();
    // Every node reconnects (each within its retry interval, at most 1 s) and the first one back fills the
    // empty Redis again with its versions: every node reports it runs the cluster's active version.
    const caughtUp = async () => {
      const answers = await Promise.all(nodes.map((n) => admin(n.url, 'GET', '/v1/cluster')));
      if (answers.some((a) => a.status !== 200)) return false;
      const body = answers[0].body as {
        active: Record<string, { version: number } | null>;
        nodes: { state: string; report?: { tenants: { version: number }[] } }[];
      };
      return (
        body.active.acme?.version === active &&
        body.nodes.filter((n) => n.state === 'up' && n.report?.tenants[0].version === active).length === 3
      );
    };
    let back = false;
    for (let i = 0; i < 100 && !back; i++) {
      back = await caughtUp();
      if (!back) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(back, clusterLines()).toBe(true);
    const deployed = await admin(n2.url, 'POST', '/v1/tenants/acme/versions?activate=1', route.stamp(4006));
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
    // Numbers go on after the highest version the refilling node kept (every node holds the same ones).
    const v = deployed.body.version as number;
    const held = await Promise.all(nodes.map((n) => admin(n.url, 'GET', '/v1/tenants/acme/versions')));
    const before = held.flatMap((h) =>
      (h.body.versions as { version: number }[]).map((r) => r.version).filter((n) => n !== v),
    );
    expect(v).toBe(Math.max(...before) + 1);
    expect(await reachedAll(nodes, v), clusterLines()).toBeLessThan(SETTLE_MS);
    const metrics = await (
      await fetch(`${n1.url}/metrics`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } })
    ).text();
    expect(metrics).toMatch(/^kemi_cluster_redis_disconnects_total [1-9]/m);
    expect(metrics).toMatch(/^kemi_cluster_redis_up 1$/m);
  }, 90_000);

  it('kill -9 of one node: the others keep serving and deploying; started again it catches up', async () => {
    const [n1, n2, n3] = nodes;
    killNode(n3);
    const run = calls(n1, 30, 10);
    const deployed = await admin(n2.url, 'POST', '/v1/tenants/acme/versions?activate=1', route.stamp(4007));
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
    const v = deployed.body.version as number;
    expect(await reachedAll([n1, n2], v), clusterLines()).toBeLessThan(SETTLE_MS);
    expect((await run).failed).toBe(0);
    let lost = false;
    for (let i = 0; i < 50 && !lost; i++) {
      const cluster = await admin(n1.url, 'GET', '/v1/cluster');
      lost = (cluster.body.nodes as { node: string; state: string }[]).some(
        (n) => n.node === 'node-3' && n.state === 'lost',
      );
      if (!lost) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(lost).toBe(true);
    await launchNode(n3);
    expect(await activeOn(n3)).toBe(v);
    const again = await calls(n3, 20, 10);
    expect(again.failed, again.output).toBe(0);
  }, 120_000);
});
