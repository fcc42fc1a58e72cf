// Dialog profile sizes across three nodes (docs/cluster.md, "Shared store: dialog"): three `kemi-wasm
// serve` processes share one redis-server the test starts. Each INVITE makes a dialog (dlg_manage) in
// profile `calls` and is relayed to a callee that never answers, so the dialogs stay (early) for the
// test. get_profile_size on any node counts the dialogs of all nodes; a node killed with SIGKILL stops
// counting within node_ttl_ms (its contribution expires in Redis), and the others keep serving.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStampedRoute, PLACEHOLDER } from '../registry/fixtures.ts';
import {
  type ClusterNode,
  deployEverywhere,
  killNode,
  startClusterNode,
  stopNodes,
} from './cluster-nodes.ts';
import { type RedisServer, startRedis } from './cluster-redis.ts';
import { type UdpPeer, udpPeer, until } from './raw-peer.ts';
import { optionsOnce } from './registry-server.ts';

const HEARTBEAT_MS = 300;
const NODE_TTL_MS = 900;

const PROFILE_ROUTE = `
import { KSR } from '../../sdk';

export * from '../../sdk/exports';

export function request_route(): void {
  if (KSR.is_method('OPTIONS')) {
    KSR.dialog.get_profile_size_static('calls', '$var(n)');
    KSR.hdr.append_to_reply('X-Calls: ' + KSR.pv.gete('$var(n)') + '\\r\\n');
    KSR.hdr.append_to_reply('X-Build: ${PLACEHOLDER}\\r\\n');
    KSR.sl.sl_send_reply(200, 'OK');
    return;
  }
  if (KSR.is_method('INVITE')) {
    if (KSR.dialog.dlg_manage() < 0) {
      KSR.sl.sl_send_reply(503, 'No Dialog');
      return;
    }
    KSR.dialog.set_dlg_profile_static('calls');
    KSR.setdsturi(KSR.kx.get_def('CALLEE')!);
    KSR.tm.t_relay();
  }
}

export function reply_route(): void {}

export function named_route(name: string): void {}
`;

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-cluster-dialog-'));
let redis: RedisServer;
let caller: UdpPeer;
let callee: UdpPeer;
const nodes: ClusterNode[] = [];

function startNode(name: string): Promise<ClusterNode> {
  return startClusterNode(dir, name, redis.url, {
    cluster: { heartbeat_ms: HEARTBEAT_MS, node_ttl_ms: NODE_TTL_MS },
    tenants: [
      {
        name: 'acme',
        limits: { deadline_ms: 2000 },
        relay_allow: { cidrs: ['127.0.0.1/32'], ports: [callee.port] },
        dialog: { profiles_no_value: ['calls'] },
      },
    ],
    defines: { CALLEE: `sip:127.0.0.1:${callee.port}` },
  });
}

/** An INVITE of a new call through `node`; resolves once the callee received it (the dialog exists). */
async function invite(node: ClusterNode, n: number): Promise<void> {
  const callId = `call-${node.name}-${n}-${Date.now()}`;
  const text = [
    `INVITE sip:bob@127.0.0.1:${node.port} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${caller.port};branch=z9hG4bK-${callId}`,
    'Max-Forwards: 70',
    `From: <sip:alice@127.0.0.1>;tag=${callId}`,
    'To: <sip:bob@127.0.0.1>',
    `Call-ID: ${callId}`,
    'CSeq: 1 INVITE',
    `Contact: <sip:alice@127.0.0.1:${caller.port}>`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  await caller.send(text, node.port);
  await until(() => callee.received.some((t) => t.includes(`Call-ID: ${callId}`)), 5000);
  expect(
    callee.received.some((t) => t.includes(`Call-ID: ${callId}`)),
    `${callId} not relayed`,
  ).toBe(true);
}

/** The profile size node `node` answers (get_profile_size_static of `calls`). */
async function calls(node: ClusterNode): Promise<number> {
  const reply = await optionsOnce(node.port);
  expect(reply, `no answer from ${node.name}`).toMatch(/^SIP\/2\.0 200 OK\r\n/);
  return Number(/^X-Calls: (\d+)\r?$/m.exec(reply!)?.[1]);
}

beforeAll(async () => {
  const route = await buildStampedRoute(PROFILE_ROUTE);
  redis = await startRedis();
  caller = await udpPeer();
  callee = await udpPeer();
  for (const name of ['node-1', 'node-2', 'node-3']) nodes.push(await startNode(name));
  await deployEverywhere(nodes, route.stamp(1));
}, 240_000);

afterAll(async () => {
  await stopNodes(nodes);
  await caller?.close();
  await callee?.close();
  await redis?.stop();
}, 120_000);

describe('dialog profile sizes across three nodes sharing one Redis', () => {
  it("every node counts all nodes' dialogs; a node killed with SIGKILL stops counting within node_ttl_ms", async () => {
    const [n1, n2, n3] = nodes;
    await invite(n1, 1);
    await invite(n1, 2);
    await invite(n2, 1);
    await invite(n3, 1);
    await invite(n3, 2);
    expect(await Promise.all(nodes.map(calls))).toEqual([5, 5, 5]);

    killNode(n3);
    const killedAt = Date.now();
    let after = 5;
    while (after !== 3 && Date.now() - killedAt < 10_000) {
      after = await calls(n1);
      if (after !== 3) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const tookMs = Date.now() - killedAt;
    expect(after).toBe(3);
    // Its last heartbeat was at most one heartbeat before the kill; the hash expires node_ttl_ms after it.
    expect(tookMs).toBeLessThan(NODE_TTL_MS + HEARTBEAT_MS + 1000);
    expect(await calls(n2)).toBe(3);
    await invite(n2, 2);
    expect(await calls(n1)).toBe(4);
    console.log(`a killed node's dialogs stopped counting after ${tookMs} ms (node_ttl_ms ${NODE_TTL_MS})`);
  }, 60_000);
});
