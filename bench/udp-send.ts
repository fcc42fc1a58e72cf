// The transport's per-datagram send cost, A/B in one process: this checkout's Transport and another
// checkout's (`--tree`), each sending `--sends` datagrams to a loopback port nothing reads, as the hot
// callers do: `--mode done` waits for each result as a transaction does (a callback, or `.then` on a tree
// whose send returns a Promise), `--mode forget` drops it as a stateless forward does. Sends go in batches of
// 64 with a turn of the event loop between, so dgram's callbacks run as they do under load. Prints the CPU
// time (process.cpuUsage: JS, GC and the sendmsg syscalls) per send of each run, alternating trees, and
// the medians' ratio.
//   node_modules/.bin/node bench/udp-send.ts --tree /work/main [--sends 200000] [--runs 5] [--mode done|forget]
import { createSocket } from 'node:dgram';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { median } from './lib/stats.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const other = option('tree');
if (other === undefined) throw new Error('usage: udp-send.ts --tree <checkout> [--sends N] [--runs N]');
const SENDS = Number(option('sends') ?? 200_000);
const RUNS = Number(option('runs') ?? 5);
const MODE = option('mode') ?? 'done';
const BATCH = 64;

type Done = (result: { ok: boolean }) => void;
/** Either tree's Transport.send: a Promise (before the callback form) or a callback. */
interface AnySend {
  send(target: object, bytes: Buffer, done?: Done): unknown;
  close(): Promise<void>;
}

async function transportOf(tree: string): Promise<AnySend> {
  const { Transport } = await import(resolve(tree, 'src/transport/transport.ts'));
  const started = await Transport.start({
    listen: ['udp:127.0.0.1:0'],
    logger: pino({ level: 'silent' }),
    onMessage: () => {},
  });
  if (!started.ok) throw new Error(started.error);
  return started.value;
}

/** A loopback port with nothing bound: bound once, then closed (unconnected sends to it succeed). */
async function deadPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  const { port } = socket.address();
  await new Promise<void>((r) => socket.close(r));
  return port;
}

const turn = () => new Promise<void>((r) => setImmediate(r));

async function run(transport: AnySend, port: number): Promise<number> {
  const target = { proto: 'udp', address: '127.0.0.1', port };
  const bytes = Buffer.alloc(600, 0x41); // about an INVITE
  let failed = 0;
  const done: Done = (result) => {
    if (!result.ok) failed++;
  };
  const start = process.cpuUsage();
  for (let sent = 0; sent < SENDS; sent += BATCH) {
    for (let i = 0; i < BATCH; i++) {
      if (MODE === 'forget') {
        transport.send(target, bytes);
        continue;
      }
      const promise = transport.send(target, bytes, done);
      if (promise instanceof Promise) void promise.then(done);
    }
    await turn();
  }
  await turn();
  const used = process.cpuUsage(start);
  if (failed > 0) throw new Error(`${failed} sends failed`);
  return (used.user + used.system) / SENDS;
}

const trees = [
  { name: 'this checkout', transport: await transportOf(root) },
  { name: resolve(other), transport: await transportOf(other) },
];
const port = await deadPort();
const figures = trees.map(() => [] as number[]);
console.log(`${SENDS} UDP sends of 600 bytes per run, mode ${MODE}, ${RUNS} runs`);
await run(trees[0].transport, port); // warm-up of the shared parts (dgram, the JIT)
await run(trees[1].transport, port);
for (let r = 0; r < RUNS; r++) {
  for (const [i, tree] of trees.entries()) {
    const us = await run(tree.transport, port);
    figures[i].push(us);
    console.log(`run ${r + 1} ${tree.name}: ${us.toFixed(3)} µs CPU per send`);
  }
}
for (const [i, tree] of trees.entries()) {
  const xs = figures[i];
  console.log(
    `${tree.name}: median ${median(xs).toFixed(3)} µs per send (min ${Math.min(...xs).toFixed(3)}, max ${Math.max(...xs).toFixed(3)})`,
  );
}
console.log(
  `this checkout uses ${(median(figures[0]) / median(figures[1])).toFixed(3)}x the CPU per send of ${trees[1].name}`,
);
await Promise.all(trees.map((t) => t.transport.close()));
