// The permissions address table shared by two nodes (docs/cluster.md, "Shared store: addresses"): two
// `kemi-wasm serve` processes on loopback over one redis-server the test starts run a route answering 200
// to a source allowed by `allow_source_address(1)` and 403 otherwise. A range added through node 1's admin
// API is allowed on node 2 at once (the heartbeat is 10 s: only the invalidation can bring it in time);
// removed through node 2's admin API, node 1 refuses it; with Redis stopped both nodes still answer from
// their copies while an admin add answers 503. The peer is a raw UDP socket on 127.0.0.2.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStampedRoute, PLACEHOLDER } from '../registry/fixtures.ts';
import { type ClusterNode, cliOn, startClusterNode, stopNodes, tableAdmin } from './cluster-nodes.ts';
import { type RedisServer, startRedis } from './cluster-redis.ts';
import { type UdpPeer, udpPeer, until } from './raw-peer.ts';

const ROUTE = `
import { KSR } from '../../sdk';

export * from '../../sdk/exports';

export function request_route(): void {
  KSR.hdr.append_to_reply('X-Build: ${PLACEHOLDER}\\r\\n');
  if (KSR.permissions.allow_source_address(1) > 0) KSR.sl.sl_send_reply(200, 'Allowed');
  else KSR.sl.sl_send_reply(403, 'Forbidden');
}

export function reply_route(): void {}

export function named_route(name: string): void {}
`;

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-cluster-addresses-'));
let redis: RedisServer;
let peer: UdpPeer;
const nodes: ClusterNode[] = [];

function startNode(name: string, route: string): Promise<ClusterNode> {
  return startClusterNode(dir, name, redis.url, {
    cluster: { heartbeat_ms: 10_000, stores: { addresses: { backend: 'redis', timeout_ms: 300 } } },
    tenants: [{ name: 'acme', route, relay_allow: { cidrs: ['127.0.0.1/32'] } }],
  });
}

/** node's admin API of acme's addresses: `method path` with a JSON body, as the operator. */
const admin = (node: ClusterNode, method: string, path: string, body?: unknown) =>
  tableAdmin(node, 'addresses', method, path, body);

let sequence = 0;

/** One OPTIONS from the peer to `node`: the final status, or 0 without one within 3 s. */
async function ask(node: ClusterNode): Promise<number> {
  const callId = `addr-${++sequence}-${Date.now()}`;
  const text = [
    'OPTIONS sip:ping@127.0.0.1 SIP/2.0',
    `Via: SIP/2.0/UDP ${peer.address}:${peer.port};branch=z9hG4bK-${callId};rport`,
    'Max-Forwards: 70',
    `From: <sip:peer@${peer.address}>;tag=${callId}`,
    'To: <sip:ping@127.0.0.1>',
    `Call-ID: ${callId}`,
    'CSeq: 1 OPTIONS',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  await peer.send(text, node.port);
  const reply = () => peer.received.find((r) => r.includes(`Call-ID: ${callId}\r\n`));
  await until(() => reply() !== undefined, 3000);
  const found = reply();
  return found === undefined ? 0 : Number(found.slice(8, 11));
}

/** Asks `node` until it answers `status`, for at most one second after `since`: the status last seen. */
async function answersWithinOneSecond(node: ClusterNode, status: number, since: number): Promise<number> {
  let seen = await ask(node);
  while (seen !== status && Date.now() - since < 1000) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    seen = await ask(node);
  }
  return seen;
}

beforeAll(async () => {
  redis = await startRedis();
  peer = await udpPeer('127.0.0.2');
  const route = join(dir, 'route.wasm');
  writeFileSync(route, (await buildStampedRoute(ROUTE)).stamp(1));
  nodes.push(await startNode('node-1', route));
  nodes.push(await startNode('node-2', route));
}, 180_000);

afterAll(async () => {
  await stopNodes(nodes);
  await peer?.close();
  await redis?.stop();
});

describe('the permissions address table shared by two nodes through Redis', () => {
  it('a range added through node 1’s admin API is allowed on node 2 at once', async () => {
    expect(await ask(nodes[1])).toBe(403);
    const added = await admin(nodes[0], 'POST', '', { group: 1, address: '127.0.0.2/32' });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(await answersWithinOneSecond(nodes[1], 200, Date.now())).toBe(200);
    expect((await admin(nodes[1], 'GET', '')).body).toMatchObject({
      source: 'redis',
      addresses: [expect.objectContaining({ address: '127.0.0.2' })],
    });
    // The same row through node 2 is a duplicate: Redis holds one table.
    expect((await admin(nodes[1], 'POST', '', { group: 1, address: '127.0.0.2' })).status).toBe(409);
  }, 30_000);

  it('removed through node 2’s admin API, node 1 refuses it', async () => {
    expect(await ask(nodes[0])).toBe(200);
    const id = ((await admin(nodes[1], 'GET', '')).body.addresses as { id: number }[])[0]!.id;
    expect((await admin(nodes[1], 'DELETE', `/${id}`)).status).toBe(200);
    expect(await answersWithinOneSecond(nodes[0], 403, Date.now())).toBe(403);
  }, 30_000);

  it('Redis stopped: both nodes answer from their copies, an admin add answers 503', async () => {
    expect((await admin(nodes[0], 'POST', '', { group: 1, address: '127.0.0.0/24' })).status).toBe(201);
    expect(await answersWithinOneSecond(nodes[1], 200, Date.now())).toBe(200);
    await redis.stop();
    expect(await ask(nodes[0])).toBe(200);
    expect(await ask(nodes[1])).toBe(200);
    const refused = await admin(nodes[1], 'POST', '', { group: 2, address: '192.0.2.1' });
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ error: 'cluster-unavailable' });
    expect((await admin(nodes[0], 'GET', '')).body).toMatchObject({ source: 'copy' });
    const listed = await cliOn(nodes[0], ['address', 'list']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('127.0.0.0/24');
    expect(listed.stderr).toContain("this node's copy");
  }, 30_000);
});
