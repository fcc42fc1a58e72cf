// The registrar's location shared by three nodes (docs/cluster.md, "Location"): three `kemi-wasm serve`
// processes on loopback run the registrar example (guest-examples/assemblyscript/registrar) over one
// redis-server the test starts, their location in Redis (nodes 1 and 2 `unavailable = "fail"`, node 3
// `"cache"`). A SIPp UA registers through node 1 (401, then digest credentials: the subscriber is
// provisioned once, through node 1) and SIPp calls to its AoR through nodes 2 and 3 reach it; node 1 killed with
// SIGKILL loses no registration and nodes 2 and 3 keep serving; with Redis stopped a REGISTER through node 2
// gets save's 500 and a call through it lookup's failure (the example's 404), while node 3 serves the call
// from its cache; Redis restarted (empty: no persistence) takes the UA's next REGISTER and every node finds
// it again. Every process is bounded in calls and time and stopped by PID.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../fixtures/sipp.ts';
import { buildGuest } from '../../src/builder/index.ts';
import { ksrModules } from '../../src/kemi/index.ts';
import {
  addSubscriber,
  type ClusterNode,
  callThrough,
  killNode,
  metric,
  notFound,
  register,
  startClusterNode,
  stopNodes,
} from './cluster-nodes.ts';
import { type RedisServer, startRedis } from './cluster-redis.ts';
import { expectAll } from './harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-cluster-location-'));

let redis: RedisServer;
let route: string;
let uaPort: number;
const nodes: ClusterNode[] = [];

async function startNode(name: string, unavailable: 'fail' | 'cache'): Promise<ClusterNode> {
  const node = await startClusterNode(dir, name, redis.url, {
    cluster: { heartbeat_ms: 300, stores: { location: { backend: 'redis', unavailable, timeout_ms: 300 } } },
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
  // The subscriber table is the cluster's (docs/cluster.md, "Shared store: subscribers"): added once.
  if (name === 'node-1') await addSubscriber(node, 'alice@127.0.0.1', 'alice-pw');
  return node;
}

/** alice's REGISTER of her own address (uaPort) through `node`, answering the digest challenge. */
const registerAlice = (node: ClusterNode) => register(node, 'alice', 'alice-pw', uaPort);

/** `calls` calls to alice through `node`, each reaching the callee on her registered address. */
const callAlice = (node: ClusterNode, calls = 2) => callThrough(node, 'alice', uaPort, calls);

async function redisReady(node: ClusterNode): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await metric(node, 'kemi_cluster_redis_up')).some((l) => l.endsWith(' 1'))) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${node.name} did not reconnect to Redis`);
}

beforeAll(async () => {
  redis = await startRedis();
  const built = await buildGuest('guest-examples/assemblyscript/registrar', {
    out: join(dir, 'registrar.wasm'),
  });
  if (!built.ok) throw new Error(built.error.message);
  route = built.value.out;
  uaPort = await freePort();
  // One after the other: the first records the configured route as the cluster's version 1.
  nodes.push(await startNode('node-1', 'fail'));
  nodes.push(await startNode('node-2', 'fail'));
  nodes.push(await startNode('node-3', 'cache'));
}, 180_000);

afterAll(async () => {
  await stopNodes(nodes);
  await redis?.stop();
});

describe('the location shared by three nodes through Redis', () => {
  it('a UA registered through node 1 is called through nodes 2 and 3', async () => {
    expectAll(await registerAlice(nodes[0]), 1);
    await callAlice(nodes[1]);
    await callAlice(nodes[2]);
    expect(nodes[1].process.lines.find((l) => l.msg === 'location store open')?.where).toMatch(/^redis /);
  }, 90_000);

  it('node 1 killed with SIGKILL loses no registration: nodes 2 and 3 keep calling it', async () => {
    killNode(nodes[0]);
    await callAlice(nodes[1]);
    await callAlice(nodes[2]);
  }, 60_000);

  it('Redis stopped: node 2 (fail) answers REGISTER with 500 and finds nobody, node 3 (cache) still calls', async () => {
    await redis.stop();
    const refused = await registerAlice(nodes[1]);
    expect(refused.failed, refused.output).toBe(1);
    await notFound(nodes[1], 'alice');
    await callAlice(nodes[2]);
    expect(await metric(nodes[1], 'kemi_registrar_refused_total')).toEqual([
      expect.stringMatching(/status="500"} [1-9]/),
    ]);
    // Besides these, the scrapes' background counts fail too (op="count").
    expect(await metric(nodes[1], 'kemi_location_unavailable_total')).toEqual(
      expect.arrayContaining([expect.stringMatching(/op="read",outcome="failed"} [1-9]/)]),
    );
    expect(await metric(nodes[2], 'kemi_location_unavailable_total')).toEqual(
      expect.arrayContaining([expect.stringMatching(/op="read",outcome="cached"} [1-9]/)]),
    );
  }, 60_000);

  it('Redis restarted empty: the UA’s next REGISTER is taken, and every node finds it again', async () => {
    await redis.restart();
    await redisReady(nodes[1]);
    await redisReady(nodes[2]);
    // Redis lost the binding (no persistence): nodes read Redis again, not their caches.
    await notFound(nodes[2], 'alice');
    expectAll(await registerAlice(nodes[1]), 1);
    await callAlice(nodes[2]);
    await callAlice(nodes[1]);
  }, 90_000);
});
