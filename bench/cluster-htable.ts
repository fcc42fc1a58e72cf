// What a call limit costs with its counter in the cluster's Redis against the embedded htable, in the same
// run: one `kemi-wasm serve` node (with [cluster]) runs a route that counts every INVITE up (sht_inc) and
// every BYE down (sht_dec) and answers statelessly; raw UDP requests, 32 in flight. Per request: the
// node's CPU (utime+stime of its process, all threads) and redis-server's, and the mean reply latency.
// The two backends take turns, `--rounds` times each (medians reported).
//
//   node_modules/.bin/node bench/cluster-htable.ts [--requests 20000] [--rounds 3]
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGuest } from '../src/builder/index.ts';
import { cpuMs } from './lib/proc-usage.ts';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const REQUESTS = arg('requests', 20_000);
const ROUNDS = arg('rounds', 3);
const IN_FLIGHT = 32;
const root = new URL('..', import.meta.url).pathname;

const ROUTE = `
import { KSR } from '../../sdk';

export * from '../../sdk/exports';

export function request_route(): void {
  if (KSR.is_method('INVITE')) {
    const n = KSR.htable.sht_inc('calls', 'acme');
    KSR.sl.sl_send_reply(n > 1000000 ? 486 : 200, 'OK');
    return;
  }
  KSR.htable.sht_dec('calls', 'acme');
  KSR.sl.sl_send_reply(200, 'OK');
}

export function reply_route(): void {}

export function named_route(name: string): void {}
`;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function buildRoute(dir: string): Promise<string> {
  cpSync(join(root, 'guest-examples/assemblyscript/sdk'), join(dir, 'sdk'), { recursive: true });
  const project = join(dir, 'route');
  mkdirSync(join(project, 'assembly'), { recursive: true });
  writeFileSync(join(project, 'asconfig.json'), JSON.stringify({ entries: ['assembly/index.ts'] }));
  writeFileSync(join(project, 'assembly/index.ts'), ROUTE);
  const out = join(dir, 'route.wasm');
  const built = await buildGuest(project, { out });
  if (!built.ok) throw new Error(built.error.message);
  return out;
}

/** Starts a process and resolves once a line of its stdout passes `ready`. */
function start(command: string, args: string[], ready: (line: string) => boolean): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let buffered = '';
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      if (buffered.split('\n').some(ready)) {
        buffered = '';
        resolve(child);
      }
    });
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}`)));
  });
}

/** INVITE/BYE pairs, IN_FLIGHT at a time: the mean latency (ms) of a request. */
async function load(port: number, requests: number): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const local = socket.address().port;
  const waiting = new Map<string, () => void>();
  socket.on('message', (msg) => {
    const branch = /branch=(z9hG4bK-[^;\r\n]+)/.exec(msg.toString('latin1'))?.[1];
    if (branch) waiting.get(branch)?.();
  });
  let sent = 0;
  let latency = 0;
  const one = (i: number) =>
    new Promise<void>((resolve) => {
      const method = i % 2 === 0 ? 'INVITE' : 'BYE';
      const branch = `z9hG4bK-${i}-${Math.random()}`;
      const t0 = performance.now();
      const retry = setInterval(() => socket.send(text, port, '127.0.0.1'), 500);
      waiting.set(branch, () => {
        clearInterval(retry);
        waiting.delete(branch);
        latency += performance.now() - t0;
        resolve();
      });
      const text = [
        `${method} sip:limit@127.0.0.1:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=${branch}`,
        'From: <sip:caller@127.0.0.1>;tag=c1',
        `To: <sip:limit@127.0.0.1>${method === 'BYE' ? ';tag=u1' : ''}`,
        `Call-ID: bench-${i >> 1}`,
        `CSeq: ${method === 'BYE' ? 2 : 1} ${method}`,
        'Max-Forwards: 70',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      socket.send(text, port, '127.0.0.1');
    });
  const worker = async () => {
    while (sent < requests) await one(sent++);
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  socket.close();
  return latency / requests;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const dir = mkdtempSync(join(tmpdir(), 'kemi-bench-cluster-htable-'));
const module = await buildRoute(dir);
const redisPort = await freePort();
const redis = await start(
  'redis-server',
  ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
  (line) => line.includes('Ready to accept connections'),
);
const results: Record<string, { node: number[]; redis: number[]; latency: number[] }> = {
  embedded: { node: [], redis: [], latency: [] },
  redis: { node: [], redis: [], latency: [] },
};
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const backend of ['embedded', 'redis'] as const) {
      const sipPort = await freePort();
      const config = join(dir, `${backend}-${round}.yaml`);
      writeFileSync(
        config,
        JSON.stringify({
          listen: [`udp:127.0.0.1:${sipPort}`],
          log_level: 'warn',
          data_dir: join(dir, `${backend}-${round}`),
          cluster: {
            redis: `redis://127.0.0.1:${redisPort}/0`,
            prefix: `b${round}${backend}:`,
            stores: { htable: { backend } },
          },
          tenants: [{ name: 'acme', module, htables: { calls: { autoexpire: 3600 } } }],
        }),
      );
      const node = spawn(process.execPath, [join(root, 'bin/kemi-wasm.js'), 'serve', '--config', config], {
        stdio: 'ignore',
      });
      // Ready when it answers.
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (let i = 0; i < 200; i++) {
        const answered = await Promise.race([
          load(sipPort, 2).then(() => true),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 100)),
        ]);
        if (answered) break;
      }
      await load(sipPort, 2000); // warm-up
      const before = { node: cpuMs([node.pid!]), redis: cpuMs([redis.pid!]) };
      const latency = await load(sipPort, REQUESTS);
      results[backend].node.push(((cpuMs([node.pid!]) - before.node) * 1000) / REQUESTS);
      results[backend].redis.push(((cpuMs([redis.pid!]) - before.redis) * 1000) / REQUESTS);
      results[backend].latency.push(latency);
      node.kill('SIGTERM');
      await new Promise((resolve) => node.once('exit', resolve));
    }
  }
} finally {
  redis.kill('SIGTERM');
}
for (const [backend, r] of Object.entries(results)) {
  console.log(
    `${backend.padEnd(8)} node CPU ${median(r.node).toFixed(1)} µs/request, redis-server CPU ${median(r.redis).toFixed(1)} µs/request, latency ${(median(r.latency) * 1000).toFixed(0)} µs (${IN_FLIGHT} in flight; ${REQUESTS} requests x ${ROUNDS} rounds, medians)`,
  );
}
