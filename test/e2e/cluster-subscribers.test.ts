// Subscribers shared by two nodes (docs/cluster.md, "Shared store: subscribers"): two `kemi-wasm serve`
// processes on loopback run the registrar example (REGISTER digest-authenticated with auth_check) over one
// redis-server the test starts. A subscriber added through node 1's admin API (HTTP, operator token)
// authenticates a SIPp REGISTER on node 2 at once (the heartbeat is 10 s: only the invalidation can bring
// it in time); deleted through node 2's admin API, node 1 refuses it; with Redis stopped both nodes still
// authenticate from their copies while an admin add answers 503 with its reason. Every process is bounded
// in calls and time and stopped by PID.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../fixtures/sipp.ts';
import { buildGuest } from '../../src/builder/index.ts';
import { ksrModules } from '../../src/kemi/index.ts';
import {
  type ClusterNode,
  cliOn,
  metric,
  register as registerFrom,
  startClusterNode,
  stopNodes,
  tableAdmin,
} from './cluster-nodes.ts';
import { type RedisServer, startRedis } from './cluster-redis.ts';
import { expectAll } from './harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-cluster-subscribers-'));

let redis: RedisServer;
let route: string;
const nodes: ClusterNode[] = [];

function startNode(name: string): Promise<ClusterNode> {
  return startClusterNode(dir, name, redis.url, {
    cluster: {
      heartbeat_ms: 10_000,
      // The bindings stay each node's: with Redis stopped, a REGISTER's outcome is its authentication.
      stores: { subscribers: { backend: 'redis', timeout_ms: 300 }, location: { backend: 'embedded' } },
    },
    tenants: [
      {
        name: 'acme',
        route,
        relay_allow: { cidrs: ['127.0.0.1/32'] },
        capabilities: ksrModules.map((m) => m.name).filter((m) => m !== 'htable'),
      },
    ],
    registrar: { min_expires: 10 },
  });
}

/** node's admin API of acme's subscribers: `method path` with a JSON body, as the operator. */
const admin = (node: ClusterNode, method: string, path: string, body?: unknown) =>
  tableAdmin(node, 'subscribers', method, path, body);

/** One REGISTER of `user` through `node`, answering the digest challenge with `password`. */
const register = async (node: ClusterNode, user: string, password: string) =>
  registerFrom(node, user, password, await freePort());

beforeAll(async () => {
  redis = await startRedis();
  const built = await buildGuest('guest-examples/assemblyscript/registrar', {
    out: join(dir, 'registrar.wasm'),
  });
  if (!built.ok) throw new Error(built.error.message);
  route = built.value.out;
  nodes.push(await startNode('node-1'));
  nodes.push(await startNode('node-2'));
}, 180_000);

afterAll(async () => {
  await stopNodes(nodes);
  await redis?.stop();
});

describe('subscribers shared by two nodes through Redis', () => {
  it('a subscriber added through node 1’s admin API authenticates a REGISTER on node 2 at once', async () => {
    const added = await admin(nodes[0], 'POST', '', {
      username: 'carol',
      domain: '127.0.0.1',
      password: 'carol-pw',
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const sent = Date.now();
    const registered = await register(nodes[1], 'carol', 'carol-pw');
    expectAll(registered, 1);
    // SIPp's own start included: generous, yet far below the 10 s heartbeat.
    expect(Date.now() - sent).toBeLessThan(5000);
    // A wrong password is still refused on node 2.
    expect((await register(nodes[1], 'carol', 'wrong')).failed).toBe(1);
    const listed = await admin(nodes[1], 'GET', '');
    expect(listed.body).toMatchObject({ source: 'redis', total: 1 });
    // Another node's add of the same subscriber is refused: Redis holds one table.
    expect(
      (await admin(nodes[1], 'POST', '', { username: 'carol', domain: '127.0.0.1', password: 'x' })).status,
    ).toBe(409);
  }, 60_000);

  it('deleted through node 2’s admin API, node 1 refuses it', async () => {
    expectAll(await register(nodes[0], 'carol', 'carol-pw'), 1);
    const removed = await admin(nodes[1], 'DELETE', '/127.0.0.1/carol');
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    const refused = await register(nodes[0], 'carol', 'carol-pw');
    expect(refused.failed, refused.output).toBe(1);
  }, 60_000);

  it('Redis stopped: both nodes authenticate from their copies, an admin add answers 503', async () => {
    expect(
      (await admin(nodes[0], 'POST', '', { username: 'dave', domain: '127.0.0.1', password: 'dave-pw' }))
        .status,
    ).toBe(201);
    expectAll(await register(nodes[1], 'dave', 'dave-pw'), 1);
    await redis.stop();
    expectAll(await register(nodes[0], 'dave', 'dave-pw'), 1);
    expectAll(await register(nodes[1], 'dave', 'dave-pw'), 1);
    const refused = await admin(nodes[0], 'POST', '', {
      username: 'erin',
      domain: '127.0.0.1',
      password: 'erin-pw',
    });
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({
      error: 'cluster-unavailable',
      reason: expect.stringContaining("the cluster's Redis did not answer"),
    });
    expect((await admin(nodes[1], 'GET', '')).body).toMatchObject({ source: 'copy', total: 1 });
    const listed = await cliOn(nodes[1], ['subscriber', 'list']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('dave');
    expect(listed.stderr).toContain("this node's copy");
    expect(
      await metric(nodes[0], 'kemi_cluster_store_failures_total{store="subscribers",cause="down"}'),
    ).toEqual([expect.stringMatching(/ [1-9]\d*$/)]);
    expect(await metric(nodes[1], 'kemi_cluster_store_cache_answers_total{store="subscribers"}')).toEqual([
      expect.stringMatching(/ [1-9]\d*$/),
    ]);
  }, 60_000);
});
