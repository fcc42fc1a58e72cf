// A JavaScript guest waiting in KSR calls on real servers (src/runtime/README.md "Async KSR calls"): two
// `kemi-wasm serve` nodes on loopback run the TypeScript registrar example (guest-examples/js/registrar,
// componentize-js) over one redis-server the test starts, their location in Redis, so registrar.save and
// registrar.lookup answer with a Promise and the route waits (JSPI) in StarlingMonkey's frames. Before, such
// a guest was refused at load. A SIPp UA registers through node 1 (401, then digest credentials) and SIPp
// calls to its AoR through node 2 reach it; an AoR nobody registered gets the example's 404. Every process is
// bounded in calls and time and stopped by PID.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltExample, buildExample, recordLoad, serverStartMs } from '../../fixtures/built-guest.ts';
import { freePort } from '../../fixtures/sipp.ts';
import {
  addSubscriber,
  type ClusterNode,
  callThrough,
  notFound,
  register,
  startClusterNode,
  stopNodes,
} from './cluster-nodes.ts';
import { type RedisServer, startRedis } from './cluster-redis.ts';
import { expectAll } from './harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-cluster-location-js-'));

let redis: RedisServer;
let built: BuiltExample;
let uaPort: number;
const nodes: ClusterNode[] = [];

async function startNode(name: string): Promise<ClusterNode> {
  const node = await startClusterNode(
    dir,
    name,
    redis.url,
    {
      cluster: {
        heartbeat_ms: 300,
        stores: { location: { backend: 'redis', unavailable: 'fail', timeout_ms: 300 } },
      },
      tenants: [{ name: 'acme', route: built.out, relay_allow: { cidrs: ['127.0.0.1/32'] } }],
      registrar: { min_expires: 10 },
    },
    serverStartMs(built),
  );
  recordLoad(built, node.process.lines);
  // The subscriber table is the cluster's (docs/cluster.md, "Shared store: subscribers"): added once.
  if (name === 'node-1') await addSubscriber(node, 'alice@127.0.0.1', 'alice-pw');
  return node;
}

beforeAll(async () => {
  redis = await startRedis();
  built = await buildExample('guest-examples/js/registrar', dir, 'registrar-ts');
  uaPort = await freePort();
  // One after the other: the first records the configured route as the cluster's version 1.
  nodes.push(await startNode('node-1'));
  nodes.push(await startNode('node-2'));
}, 600_000);

afterAll(async () => {
  await stopNodes(nodes);
  await redis?.stop();
});

describe('a JavaScript registrar with its location in Redis', () => {
  it('a UA registered through node 1 is called through node 2; nobody else is found', async () => {
    expect(nodes[1].process.lines.find((l) => l.msg === 'location store open')?.where).toMatch(/^redis /);
    expectAll(await register(nodes[0], 'alice', 'alice-pw', uaPort), 1);
    await callThrough(nodes[1], 'alice', uaPort, 3);
    await notFound(nodes[1], 'bob');
  }, 120_000);
});
