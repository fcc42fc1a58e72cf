// The nodes of the cluster e2e tests: `kemi-wasm serve` processes joined to the redis-server a test starts
// (cluster-redis.ts), each from its own config file (so a node killed can be started again on it), and the
// calls the tests make of them: admin API, metrics, CLI, and SIPp registering and calling through them.
import { join } from 'node:path';
import { expect } from 'vitest';
import { runSipp, scenario } from '../../fixtures/sipp.ts';
import { finished, startSippUas } from '../../fixtures/sipp-uas.ts';
import { expectAll, type ServerProcess, startServerProcess } from './harness.ts';
import { admin, adminUrlOf, OPERATOR_TOKEN, runCli, writeServerConfig } from './registry-server.ts';

/** SIPp's defaults abort on an unexpected message; the cluster tests count such calls as failed instead. */
export const TOLERANT = ['-default_behaviors', 'all,-abortunexp'];

export interface ClusterNode {
  readonly name: string;
  readonly configPath: string;
  process: ServerProcess;
  /** The admin API's URL. */
  url: string;
  /** Its SIP UDP port. */
  port: number;
  /** Killed with SIGKILL and not started again: nothing to stop. */
  killed?: boolean;
}

/**
 * Writes node `name`'s config in `dir` (writeServerConfig; `config.cluster` joined to the Redis at
 * `redisUrl` as `name`) and starts it, allowing `startMs` for it to listen.
 */
export function startClusterNode(
  dir: string,
  name: string,
  redisUrl: string,
  config: Record<string, unknown> & { cluster?: Record<string, unknown> },
  startMs = 60_000,
): Promise<ClusterNode> {
  const configPath = join(dir, `${name}.yaml`);
  writeServerConfig(configPath, { ...config, cluster: { redis: redisUrl, node: name, ...config.cluster } });
  return launchNode({ name, configPath } as ClusterNode, startMs);
}

/** Starts `node` on its config file (again, after a kill). */
export async function launchNode(node: ClusterNode, startMs = 60_000): Promise<ClusterNode> {
  node.process = await startServerProcess(['--config', node.configPath], startMs);
  node.killed = false;
  node.url = adminUrlOf(node.process);
  node.port = node.process.ports.udp!;
  return node;
}

/** Stops every node not killed. */
export async function stopNodes(nodes: readonly ClusterNode[]): Promise<void> {
  for (const node of nodes) if (!node.killed) await node.process?.stop();
}

/** Kills `node` with SIGKILL (no goodbye to the cluster). */
export function killNode(node: ClusterNode): void {
  process.kill(node.process.pid, 'SIGKILL');
  node.killed = true;
}

/** The lines of node's metrics that start with `name`. */
export async function metric(node: ClusterNode, name: string): Promise<string[]> {
  const r = await fetch(`${node.url}/metrics`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
  return (await r.text()).split('\n').filter((line) => line.startsWith(name));
}

/** The version tenant acme runs on `node`. */
export async function activeOn(node: ClusterNode): Promise<number | undefined> {
  return (await admin(node.url, 'GET', '/v1/tenants/acme')).body.active as number | undefined;
}

/** Deploys and activates `component` for tenant acme through the first node, then waits for every node to run it. */
export async function deployEverywhere(nodes: readonly ClusterNode[], component: Uint8Array): Promise<void> {
  const deployed = await admin(nodes[0]!.url, 'POST', '/v1/tenants/acme/versions?activate=1', component);
  expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
  const version = deployed.body.version as number;
  // Every node follows the activation (compiling first).
  for (const node of nodes) {
    for (let i = 0; i < 600; i++) {
      if ((await activeOn(node)) === version) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** One admin call of tenant acme's `table` API (`subscribers`, `addresses`) on `node`, JSON both ways. */
export async function tableAdmin(
  node: ClusterNode,
  table: string,
  method: string,
  path: string,
  body?: unknown,
) {
  const reply = await fetch(`${node.url}/v1/tenants/acme/${table}${path}`, {
    method,
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: reply.status, body: (await reply.json()) as Record<string, unknown> };
}

/** `kemi-wasm ARGS` against node's admin API, as the operator, for tenant acme. */
export function cliOn(node: ClusterNode, args: string[]) {
  return runCli(args, {
    KEMI_WASM_SERVER: node.url,
    KEMI_WASM_TOKEN: OPERATOR_TOKEN,
    KEMI_WASM_TENANT: 'acme',
  });
}

/** Adds subscriber `aor` (password `password`) through node's admin API with the CLI. */
export async function addSubscriber(node: ClusterNode, aor: string, password: string): Promise<void> {
  const run = await cliOn(node, ['subscriber', 'add', aor, '--password', password]);
  expect(run.code, run.stderr).toBe(0);
}

/** One REGISTER of `user` from `localPort` through `node`, answering the digest challenge with `password`. */
export function register(node: ClusterNode, user: string, password: string, localPort: number) {
  return runSipp(scenario('register.xml'), {
    transport: 'udp',
    port: node.port,
    calls: 1,
    service: user,
    localPort,
    extra: [...TOLERANT, '-au', user, '-ap', password],
  });
}

/** `calls` calls to `user` through `node`, each reaching the callee SIPp on `uaPort` (where it registered). */
export async function callThrough(
  node: ClusterNode,
  user: string,
  uaPort: number,
  calls: number,
): Promise<void> {
  const callee = await startSippUas(scenario('uas-call.xml'), {
    transport: 'udp',
    port: uaPort,
    calls,
    extra: TOLERANT,
  });
  expectAll(
    await runSipp(scenario('uac-call.xml'), {
      transport: 'udp',
      port: node.port,
      calls,
      rate: 10,
      service: user,
      extra: TOLERANT,
    }),
    calls,
  );
  expectAll(await finished(callee), calls);
}

/** `calls` calls to `user` through `node` that get 404 (the registrar example's negative lookup). */
export async function notFound(node: ClusterNode, user: string, calls = 1): Promise<void> {
  expectAll(
    await runSipp(scenario('invite-404.xml'), {
      transport: 'udp',
      port: node.port,
      calls,
      service: user,
      extra: TOLERANT,
    }),
    calls,
  );
}
