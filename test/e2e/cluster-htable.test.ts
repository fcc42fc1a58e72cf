// A per-tenant call limit held across three nodes (docs/cluster.md, "htable"): three `kemi-wasm serve`
// processes on loopback share one redis-server the test starts; tenant acme's table `calls` is in Redis
// ([cluster.stores.htable], the default). The route counts a call up on INVITE (sht_inc) and refuses it
// with 486 past the limit, and counts it down on BYE (sht_dec): INVITEs sent to all three nodes at once get
// exactly `LIMIT` 200s, a BYE through another node frees a place, and a node-local table counts per node.
// With Redis stopped, `unavailable = "cache"` counts on each node's copy (counted in the metrics), and when
// Redis is back (empty) the nodes count in it again.
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStampedRoute, PLACEHOLDER } from '../registry/fixtures.ts';
import { type ClusterNode, deployEverywhere, metric, startClusterNode, stopNodes } from './cluster-nodes.ts';
import { type RedisServer, startRedis } from './cluster-redis.ts';

const LIMIT = 5;

/** The call limit: shared table `calls` (one counter for the tenant), node-local table `here`. */
const CALL_LIMIT_ROUTE = `
import { KSR } from '../../sdk';

export * from '../../sdk/exports';

export function request_route(): void {
  const method = KSR.pv.get('$rm');
  // X-Table picks the table: 'calls' (shared through Redis) or 'here' (node-local).
  let table = KSR.pv.get('$hdr(X-Table)');
  if (table === null) table = 'calls';
  KSR.hdr.append_to_reply('X-Build: ${PLACEHOLDER}\\r\\n');
  if (method == 'INVITE') {
    const n = KSR.htable.sht_inc(table!, 'acme');
    KSR.hdr.append_to_reply('X-Calls: ' + n.toString() + '\\r\\n');
    if (n > ${LIMIT}) {
      KSR.htable.sht_dec(table!, 'acme');
      KSR.sl.sl_send_reply(486, 'Call Limit Reached');
      return;
    }
    KSR.sl.sl_send_reply(200, 'OK');
    return;
  }
  if (method == 'BYE') {
    const n = KSR.htable.sht_dec(table!, 'acme');
    KSR.hdr.append_to_reply('X-Calls: ' + n.toString() + '\\r\\n');
    KSR.sl.sl_send_reply(200, 'OK');
    return;
  }
  KSR.sl.sl_send_reply(200, 'OK');
}

export function reply_route(): void {}

export function named_route(name: string): void {}
`;

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-cluster-htable-'));
let redis: RedisServer;
const nodes: ClusterNode[] = [];
let socket: Socket;
let sequence = 0;

function startNode(name: string): Promise<ClusterNode> {
  return startClusterNode(dir, name, redis.url, {
    cluster: { heartbeat_ms: 300, stores: { htable: { unavailable: 'cache', timeout_ms: 2000 } } },
    tenants: [
      {
        name: 'acme',
        limits: { deadline_ms: 2000 },
        htables: { calls: { autoexpire: 3600 }, here: { node_local: true } },
      },
    ],
  });
}

/** Sends `method` for call `callId` to a node and waits for its final reply: [status, X-Calls]. */
function send(node: ClusterNode, method: 'INVITE' | 'BYE', callId: string, table = 'calls') {
  const branch = `z9hG4bK-${callId}-${++sequence}`;
  const local = socket.address().port;
  const text = [
    `${method} sip:limit@127.0.0.1:${node.port} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=${branch}`,
    'From: <sip:caller@127.0.0.1>;tag=c1',
    `To: <sip:limit@127.0.0.1>${method === 'BYE' ? ';tag=u1' : ''}`,
    `Call-ID: ${callId}`,
    `CSeq: ${method === 'BYE' ? 2 : 1} ${method}`,
    'Max-Forwards: 70',
    `X-Table: ${table}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  return new Promise<[number, number]>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('message', on);
      reject(new Error(`no reply to ${method} ${callId} from ${node.name}`));
    }, 10_000);
    const on = (msg: Buffer) => {
      const reply = msg.toString('latin1');
      if (!reply.includes(`branch=${branch}`)) return;
      const status = Number(/^SIP\/2\.0 (\d{3})/.exec(reply)?.[1]);
      if (status < 200) return;
      clearTimeout(timer);
      socket.off('message', on);
      resolve([status, Number(/^X-Calls: (-?\d+)\r?$/m.exec(reply)?.[1])]);
    };
    socket.on('message', on);
    socket.send(text, node.port, '127.0.0.1');
  });
}

/** INVITEs of new calls, `perNode` to each node, all at once: the statuses answered. */
async function inviteEverywhere(perNode: number, table = 'calls'): Promise<number[]> {
  const tag = `${Date.now()}-${Math.random()}`;
  const invites = nodes.flatMap((node) =>
    Array.from({ length: perNode }, (_, i) => send(node, 'INVITE', `${node.name}-${i}-${tag}`, table)),
  );
  return (await Promise.all(invites)).map(([status]) => status);
}

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

beforeAll(async () => {
  const route = await buildStampedRoute(CALL_LIMIT_ROUTE);
  redis = await startRedis();
  socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  for (const name of ['node-1', 'node-2', 'node-3']) nodes.push(await startNode(name));
  await deployEverywhere(nodes, route.stamp(1));
}, 240_000);

afterAll(async () => {
  socket?.close();
  await stopNodes(nodes);
  await redis?.stop();
}, 120_000);

describe('a per-tenant call limit across three nodes sharing one Redis', () => {
  it('INVITEs to all three nodes at once: exactly LIMIT calls get through; a BYE on another node frees one', async () => {
    const statuses = await inviteEverywhere(4);
    expect(count(statuses, 200), statuses.join(' ')).toBe(LIMIT);
    expect(count(statuses, 486), statuses.join(' ')).toBe(12 - LIMIT);
    // The counter is one value: node 3 sees every node's calls.
    expect(await send(nodes[2], 'INVITE', `over-${Date.now()}`)).toEqual([486, LIMIT + 1]);
    expect(await send(nodes[1], 'BYE', 'any-call')).toEqual([200, LIMIT - 1]);
    expect(await send(nodes[0], 'INVITE', `again-${Date.now()}`)).toEqual([200, LIMIT]);
    expect(await redis.command('GET', 'kemi-wasm:tenant:acme:htable:calls:item:acme')).toContain(`i${LIMIT}`);
    // The route's sht_inc suspended the guest while Redis answered: no route failed, Redis always answered.
    for (const node of nodes) {
      const failures = node.process.lines.filter(
        (l) =>
          String(l.msg).startsWith('route failed') || String(l.logCause).startsWith('cluster-store-htable'),
      );
      expect(failures.map((l) => l.msg)).toEqual([]);
    }
  }, 60_000);

  it('a node-local table counts on each node alone', async () => {
    const statuses = await inviteEverywhere(LIMIT + 1, 'here');
    expect(count(statuses, 200)).toBe(3 * LIMIT);
    expect(count(statuses, 486)).toBe(3);
  }, 60_000);

  it('Redis stopped: each node counts on its own copy (cache), counted; Redis back: the nodes count in it again', async () => {
    // Every node sees the counter at the limit (its INVITE is refused, one node after the other): its
    // copy holds LIMIT.
    for (const node of nodes)
      expect(await send(node, 'INVITE', `full-${Date.now()}`)).toEqual([486, LIMIT + 1]);
    await redis.stop();
    // Each node counts on its copy: refused at the limit; a BYE on node 1 frees a place on node 1 only.
    const during = await inviteEverywhere(1);
    expect(count(during, 486), during.join(' ')).toBe(3);
    expect(await send(nodes[0], 'BYE', 'any-call')).toEqual([200, LIMIT - 1]);
    expect((await send(nodes[0], 'INVITE', `local-${Date.now()}`))[0]).toBe(200);
    expect((await send(nodes[1], 'INVITE', `local-${Date.now()}`))[0]).toBe(486);
    for (const node of nodes) {
      const cached = await metric(node, 'kemi_cluster_store_cache_answers_total{store="htable"}');
      expect(cached.length).toBe(1);
      expect(Number(cached[0].split(' ').pop())).toBeGreaterThan(0);
      const down = await metric(node, 'kemi_cluster_store_failures_total{store="htable",cause="down"}');
      expect(Number(down[0]?.split(' ').pop())).toBeGreaterThan(0);
      expect(node.process.lines.some((l) => l.logCause === 'cluster-store-htable-down')).toBe(true);
    }
    await redis.restart();
    // An empty Redis: the count starts again, shared, once the nodes have reconnected (within a second).
    let after: number[] = [];
    for (let i = 0; i < 50; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      if (
        (await Promise.all(nodes.map((n) => metric(n, 'kemi_cluster_redis_up')))).every((m) =>
          m[0]?.endsWith(' 1'),
        )
      )
        break;
    }
    after = await inviteEverywhere(3);
    expect(count(after, 200), after.join(' ')).toBe(LIMIT);
    expect(count(after, 486), after.join(' ')).toBe(9 - LIMIT);
  }, 60_000);
});
