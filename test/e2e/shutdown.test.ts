// A server stops on SIGTERM whatever its Redis does (src/shutdown.ts, src/server.ts). Real `kemi-wasm serve`
// cluster nodes run the TypeScript registrar example (JSPI: registrar.lookup waits for Redis) over a real
// redis-server that the test freezes (SIGSTOP: connections stay open, commands get no answer, as with a
// hung Redis or a network cut). A deploy waiting for the frozen Redis held the registry's lock and the stop
// waited for it forever (the node outlived its test run until SIGKILL); now the Redis connection is let go
// first and the node exits at once. A stop that waits longer than shutdown_timeout_ms (routes suspended on
// the frozen Redis, each wait allowed 10 s here) ends at the deadline with status 75, the log naming the
// step it was waiting for. Every process is bounded in time and stopped by PID.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltExample, buildExample, recordLoad, serverStartMs } from '../../fixtures/built-guest.ts';
import { type ClusterNode, startClusterNode, stopNodes } from './cluster-nodes.ts';
import { type RedisServer, startRedis } from './cluster-redis.ts';
import { requestText, sleep } from './raw-peer.ts';
import { closeSockets, udpSocket } from './raw-sip.ts';
import { admin } from './registry-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-shutdown-'));
/** Generous for a loaded machine; a stop that hangs never ends (it outlived its test run before the fix). */
const EXIT_WITHIN_MS = 8000;

let redis: RedisServer;
let built: BuiltExample;
const nodes: ClusterNode[] = [];

async function startNode(name: string, extra: Record<string, unknown> = {}): Promise<ClusterNode> {
  const node = await startClusterNode(
    dir,
    name,
    redis.url,
    {
      cluster: {
        heartbeat_ms: 300,
        stores: { location: { backend: 'redis', unavailable: 'fail', timeout_ms: 10_000 } },
      },
      tenants: [
        {
          name: 'acme',
          route: built.out,
          relay_allow: { cidrs: ['127.0.0.1/32'] },
          // A lookup may wait for Redis as long as the location store allows (10 s).
          limits: { async_timeout_ms: 20_000, js_deadline_ms: 30_000 },
        },
      ],
      ...extra,
    },
    serverStartMs(built),
  );
  recordLoad(built, node.process.lines);
  nodes.push(node);
  return node;
}

/** Sends SIGTERM to `node`; its exit status and signal, or undefined when it still runs after `ms`. */
async function terminate(node: ClusterNode, ms: number) {
  process.kill(node.process.pid, 'SIGTERM');
  return Promise.race([node.process.exited, sleep(ms).then(() => undefined)]);
}

beforeAll(async () => {
  redis = await startRedis();
  built = await buildExample('guest-examples/js/registrar', dir, 'registrar-ts');
}, 600_000);

afterEach(() => {
  redis.thaw();
  closeSockets();
});

afterAll(async () => {
  await stopNodes(nodes);
  await redis?.stop();
});

describe('SIGTERM with the cluster Redis frozen', () => {
  it('a deploy waiting for Redis does not hold the stop: the node exits at once, status 0', async () => {
    const node = await startNode('node-1');
    redis.freeze();
    // The same component again: compiled already, so the upload goes straight to Redis (numbering) and waits.
    let answered = false;
    void admin(node.url, 'POST', '/v1/tenants/acme/versions?activate=1', built.component).then(
      () => {
        answered = true;
      },
      () => {
        answered = true;
      },
    );
    await sleep(1000);
    expect(answered, 'the deploy waits for the frozen Redis').toBe(false);
    const exit = await terminate(node, EXIT_WITHIN_MS);
    expect(exit, `still running ${EXIT_WITHIN_MS} ms after SIGTERM`).toEqual({ code: 0, signal: null });
    expect(node.process.lines.some((l) => String(l.msg).startsWith('shutdown deadline'))).toBe(false);
  }, 600_000);

  it('routes waiting for Redis past shutdown_timeout_ms: exit 75 at the deadline, naming the wait', async () => {
    const node = await startNode('node-2', { shutdown_timeout_ms: 1000 });
    redis.freeze();
    const socket = await udpSocket();
    for (let i = 0; i < 3; i++) {
      const invite = requestText({
        method: 'INVITE',
        uri: 'sip:bob@127.0.0.1',
        via: `SIP/2.0/UDP 127.0.0.1:${socket.port};rport;branch=z9hG4bK-stop${i}`,
        callId: `shutdown-${i}`,
      });
      socket.send(invite, node.port, '127.0.0.1');
    }
    // Each INVITE's registrar.lookup now waits for Redis (up to the store's 10 s).
    await sleep(500);
    const exit = await terminate(node, EXIT_WITHIN_MS);
    expect(exit, `still running ${EXIT_WITHIN_MS} ms after SIGTERM`).toEqual({ code: 75, signal: null });
    const deadline = node.process.lines.find((l) => String(l.msg).startsWith('shutdown deadline passed'));
    const waitingFor = (deadline?.waitingFor ?? []) as string[];
    expect(waitingFor[0], JSON.stringify(deadline)).toBe('routes waiting for KSR answers');
    expect(waitingFor).toEqual(expect.arrayContaining(['registry', 'cluster connection']));
  }, 600_000);
});
