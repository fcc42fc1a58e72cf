// A dialog pinned to a version on node A keeps that version when its in-dialog requests reach node B
// (docs/cluster.md): two nodes share one redis-server the test starts, and the dialog pin key through it.
// Both nodes answer to the shared domain proxy.cluster.test (a load balancer's name). An INVITE through
// node A on version 1 gets node A's Record-Route with its signed `kwv` pin; version 2 is then deployed on
// node B and reaches both; a BYE of that dialog sent to node B, its Route naming the shared domain with
// node A's pin, runs on version 1 there (the relayed BYE says X-Req-Version of version 1), while the same
// BYE with the pin's MAC altered runs on the active version 2.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStampedRoute, STAMPED_PROXY_ROUTE, versionStamp } from '../registry/fixtures.ts';
import { type ClusterNode, startClusterNode, stopNodes } from './cluster-nodes.ts';
import { type RedisServer, startRedis } from './cluster-redis.ts';
import { type UdpPeer, udpPeer } from './raw-peer.ts';
import { admin } from './registry-server.ts';

const SHARED_DOMAIN = 'proxy.cluster.test';
const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-cluster-pins-'));
let redis: RedisServer;
let uas: UdpPeer;
let uac: UdpPeer;
const nodes: ClusterNode[] = [];

async function startNode(name: string): Promise<void> {
  nodes.push(
    await startClusterNode(dir, name, redis.url, {
      domains: [SHARED_DOMAIN],
      tenants: [
        {
          name: 'acme',
          dialog_grace_s: 60,
          relay_allow: { cidrs: ['127.0.0.1/32'], ports: [uas.port] },
        },
      ],
      defines: { PRIMARY: `sip:127.0.0.1:${uas.port}` },
    }),
  );
}

async function waitFor<T>(what: string, find: () => T | undefined, ms = 10_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() - start > ms)
      throw new Error(`timed out waiting for ${what}; the caller received: ${uac.received.join('\n---\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function activeEverywhere(version: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const active = await Promise.all(nodes.map((n) => admin(n.url, 'GET', '/v1/tenants/acme')));
    if (active.every((r) => r.body.active === version)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`version ${version} did not become active on every node`);
}

function header(message: string, name: string): string | undefined {
  return new RegExp(`^${name}:\\s*(.*?)\\r?$`, 'im').exec(message)?.[1];
}

beforeAll(async () => {
  redis = await startRedis();
  uas = await udpPeer();
  uac = await udpPeer();
  await startNode('node-a');
  await startNode('node-b');
}, 180_000);

afterAll(async () => {
  await stopNodes(nodes);
  await uas?.close();
  await uac?.close();
  await redis?.stop();
});

describe('dialog pins across nodes', () => {
  it('a BYE through node B runs on the version its INVITE ran on at node A', async () => {
    const route = await buildStampedRoute(STAMPED_PROXY_ROUTE);
    const v1 = await admin(nodes[0].url, 'POST', '/v1/tenants/acme/versions?activate=1', route.stamp(6001));
    expect(v1.status, JSON.stringify(v1.body)).toBe(201);
    await activeEverywhere(v1.body.version as number);

    const [a, b] = nodes;
    const tag = `pin-${Date.now()}`;
    const callId = `${tag}@cluster`;
    const target = `sip:bob@127.0.0.1:${uas.port}`;
    const invite = [
      `INVITE ${target} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${uac.port};branch=z9hG4bK-inv-${tag}`,
      `From: <sip:alice@127.0.0.1>;tag=alice-1`,
      `To: <${target}>`,
      `Call-ID: ${callId}`,
      'CSeq: 1 INVITE',
      `Contact: <sip:alice@127.0.0.1:${uac.port}>`,
      'Max-Forwards: 70',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    await uac.send(invite, a.port);
    const relayed = await waitFor('the INVITE at the callee', () =>
      uas.received.find((m) => m.startsWith('INVITE ') && m.includes(callId)),
    );
    expect(header(relayed, 'X-Req-Version')).toBe(versionStamp(6001));
    const recordRoute = header(relayed, 'Record-Route')!;
    const pin = /;kwv=([^;>]+)/.exec(recordRoute)?.[1];
    expect(pin, recordRoute).toMatch(/^1\./);

    const v2 = await admin(nodes[1].url, 'POST', '/v1/tenants/acme/versions?activate=1', route.stamp(6002));
    expect(v2.status, JSON.stringify(v2.body)).toBe(201);
    await activeEverywhere(v2.body.version as number);

    const bye = (cseq: number, kwv: string) =>
      [
        `BYE ${target} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${uac.port};branch=z9hG4bK-bye${cseq}-${tag}`,
        `Route: <sip:${SHARED_DOMAIN};lr;kwv=${kwv}>`,
        `From: <sip:alice@127.0.0.1>;tag=alice-1`,
        `To: <${target}>;tag=bob-1`,
        `Call-ID: ${callId}`,
        `CSeq: ${cseq} BYE`,
        'Max-Forwards: 70',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
    const byeAt = async (cseq: number) =>
      waitFor(`BYE ${cseq} at the callee`, () =>
        uas.received.find((m) => m.startsWith('BYE ') && m.includes(`CSeq: ${cseq} BYE`)),
      );
    await uac.send(bye(2, pin!), b.port);
    expect(header(await byeAt(2), 'X-Req-Version')).toBe(versionStamp(6001));

    // The pin's MAC altered: node B does not take it, the BYE runs on the active version.
    const forged = pin!.replace(/\.(.)/, (_, c: string) => `.${c === 'A' ? 'B' : 'A'}`);
    await uac.send(bye(3, forged), b.port);
    expect(header(await byeAt(3), 'X-Req-Version')).toBe(versionStamp(6002));
  }, 120_000);
});
