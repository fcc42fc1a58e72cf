// A JavaScript guest waiting in KSR calls on real servers (src/runtime/README.md "Async KSR calls"): two
// `kemi-wasm serve` nodes on loopback run the TypeScript registrar example (guest-examples/js/registrar,
// componentize-js) over one redis-server the test starts, their location in Redis, so registrar.save and
// registrar.lookup answer with a Promise and the route waits (JSPI) in StarlingMonkey's frames. Before, such
// a guest was refused at load. A SIPp UA registers through node 1 (401, then digest credentials) and SIPp
// calls to its AoR through node 2 reach it; an AoR nobody registered gets the example's 404. Every process is
// bounded in calls and time and stopped by PID.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltExample, buildExample, recordLoad, serverStartMs } from '../../fixtures/built-guest.ts';
import { freePort, runSipp, scenario } from '../../fixtures/sipp.ts';
import { finished, startSippUas } from '../../fixtures/sipp-uas.ts';
import { type RedisServer, startRedis } from './cluster-redis.ts';
import { expectAll, type ServerProcess, startServerProcess } from './harness.ts';
import { OPERATOR_TOKEN, runCli } from './registry-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-cluster-location-js-'));
const TOLERANT = ['-default_behaviors', 'all,-abortunexp'];

let redis: RedisServer;
let built: BuiltExample;
let uaPort: number;
const nodes: ServerProcess[] = [];

async function startNode(name: string): Promise<ServerProcess> {
  const configPath = join(dir, `${name}.yaml`);
  writeFileSync(
    configPath,
    JSON.stringify({
      listen: ['udp:127.0.0.1:0'],
      log_level: 'info',
      admin: { listen: '127.0.0.1:0', operator_token: OPERATOR_TOKEN },
      cluster: {
        redis: redis.url,
        node: name,
        heartbeat_ms: 300,
        stores: { location: { backend: 'redis', unavailable: 'fail', timeout_ms: 300 } },
      },
      tenants: [{ name: 'acme', route: built.out, relay_allow: { cidrs: ['127.0.0.1/32'] } }],
      registrar: { min_expires: 10 },
    }),
  );
  const node = await startServerProcess(['--config', configPath], serverStartMs(built));
  recordLoad(built, node.lines);
  // The subscriber table is the cluster's (docs/cluster.md, "Shared store: subscribers"): added once.
  if (name !== 'node-1') return node;
  const admin = node.lines.find((l) => l.msg === 'admin listening');
  const run = await runCli(['subscriber', 'add', 'alice@127.0.0.1', '--password', 'alice-pw'], {
    KEMI_WASM_SERVER: String(admin?.url),
    KEMI_WASM_TOKEN: OPERATOR_TOKEN,
    KEMI_WASM_TENANT: 'acme',
  });
  expect(run.code, run.stderr).toBe(0);
  return node;
}

const port = (node: ServerProcess) => node.ports.udp!;

beforeAll(async () => {
  redis = await startRedis();
  built = await buildExample('guest-examples/js/registrar', dir, 'registrar-ts');
  uaPort = await freePort();
  // One after the other: the first records the configured route as the cluster's version 1.
  nodes.push(await startNode('node-1'));
  nodes.push(await startNode('node-2'));
}, 600_000);

afterAll(async () => {
  for (const node of nodes) await node.stop();
  await redis?.stop();
});

describe('a JavaScript registrar with its location in Redis', () => {
  it('a UA registered through node 1 is called through node 2; nobody else is found', async () => {
    expect(nodes[1].lines.find((l) => l.msg === 'location store open')?.where).toMatch(/^redis /);
    expectAll(
      await runSipp(scenario('register.xml'), {
        transport: 'udp',
        port: port(nodes[0]),
        calls: 1,
        service: 'alice',
        localPort: uaPort,
        extra: [...TOLERANT, '-au', 'alice', '-ap', 'alice-pw'],
      }),
      1,
    );
    const calls = 3;
    const callee = await startSippUas(scenario('uas-call.xml'), {
      transport: 'udp',
      port: uaPort,
      calls,
      extra: TOLERANT,
    });
    expectAll(
      await runSipp(scenario('uac-call.xml'), {
        transport: 'udp',
        port: port(nodes[1]),
        calls,
        rate: 10,
        service: 'alice',
        extra: TOLERANT,
      }),
      calls,
    );
    expectAll(await finished(callee), calls);
    expectAll(
      await runSipp(scenario('invite-404.xml'), {
        transport: 'udp',
        port: port(nodes[1]),
        calls: 1,
        service: 'bob',
        extra: TOLERANT,
      }),
      1,
    );
  }, 120_000);
});
