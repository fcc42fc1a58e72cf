// The circuit breaker's failures counted across three nodes (docs/cluster.md, "Shared store: breaker"):
// three `kemi-wasm serve` processes share one redis-server the test starts; the breaker trips at 6
// failures in 60 s. A version failing every request gets 2 requests on each node: no node alone sees 6,
// the three together do, so one node trips, its rollback is the cluster's activation, and every node runs
// the previous version again (marked tripped).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStampedRoute, PLACEHOLDER } from '../registry/fixtures.ts';
import { activeOn, type ClusterNode, startClusterNode, stopNodes } from './cluster-nodes.ts';
import { type RedisServer, startRedis } from './cluster-redis.ts';
import { admin, optionsOnce } from './registry-server.ts';

const FAILURES = 6;

const route = (body: string) => `
import { KSR } from '../../sdk';

export * from '../../sdk/exports';

export function request_route(): void {
  ${body}
  KSR.hdr.append_to_reply('X-Version: ${PLACEHOLDER}\\r\\n');
  KSR.sl.sl_send_reply(200, 'OK');
}

export function reply_route(): void {}

export function named_route(name: string): void {}
`;
const GOOD_ROUTE = route('');
/** Fails every request (a trap). */
const TRAPPING_ROUTE = route("if (KSR.kx.get_def('NEVER_SET') === null) unreachable();");

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-cluster-breaker-'));
let redis: RedisServer;
const nodes: ClusterNode[] = [];

function startNode(name: string): Promise<ClusterNode> {
  return startClusterNode(dir, name, redis.url, {
    cluster: { heartbeat_ms: 300 },
    tenants: [
      {
        name: 'acme',
        limits: { deadline_ms: 2000 },
        circuit_breaker: { failures: FAILURES, window_s: 60 },
      },
    ],
  });
}

/** True once every node runs `version` (polled), false after `ms`. */
async function allOn(version: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if ((await Promise.all(nodes.map(activeOn))).every((v) => v === version)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

beforeAll(async () => {
  redis = await startRedis();
  for (const name of ['node-1', 'node-2', 'node-3']) nodes.push(await startNode(name));
}, 240_000);

afterAll(async () => {
  await stopNodes(nodes);
  await redis?.stop();
}, 120_000);

describe('the circuit breaker across three nodes sharing one Redis', () => {
  it('two failures on each node trip it (6 in the window): every node rolls back to the good version', async () => {
    const [good, trapping] = await Promise.all([
      buildStampedRoute(GOOD_ROUTE),
      buildStampedRoute(TRAPPING_ROUTE),
    ]);
    const first = await admin(nodes[0].url, 'POST', '/v1/tenants/acme/versions?activate=1', good.stamp(1));
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const v1 = first.body.version as number;
    expect(await allOn(v1, 60_000)).toBe(true);
    const bad = await admin(nodes[1].url, 'POST', '/v1/tenants/acme/versions?activate=1', trapping.stamp(2));
    expect(bad.status, JSON.stringify(bad.body)).toBe(201);
    const v2 = bad.body.version as number;
    expect(await allOn(v2, 60_000)).toBe(true);

    // Two failing requests on each node, one node after the other: none sees more than two.
    for (const node of nodes) {
      for (let i = 0; i < 2; i++) {
        const reply = await optionsOnce(node.port);
        expect(reply, `${node.name} answered nothing`).toMatch(/^SIP\/2\.0 5\d\d /);
      }
    }
    expect(await allOn(v1, 10_000), JSON.stringify(await Promise.all(nodes.map(activeOn)))).toBe(true);
    const tripped = nodes.filter((n) =>
      n.process.lines.some((l) => String(l.msg).startsWith('circuit breaker tripped: rolling back')),
    );
    expect(tripped.length).toBeGreaterThanOrEqual(1);
    const history = await admin(nodes[2].url, 'GET', '/v1/tenants/acme/activations');
    expect(JSON.stringify(history.body)).toContain('"kind":"breaker"');
    const reply = await optionsOnce(nodes[2].port);
    expect(reply).toMatch(/^SIP\/2\.0 200 OK\r\n/);
    expect(reply).toContain(`X-Version: ${String(1).padStart(8, '0')}`);
  }, 180_000);
});
