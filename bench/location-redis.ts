// The registrar with its location in Redis against the embedded one (docs/cluster.md, "Location"): a real
// `kemi-wasm serve` with a cluster section runs a registrar route (REGISTER: save; anything else: lookup,
// then a stateless 200 "Found" or 404), its location `backend = "redis"` or `"embedded"` (the only
// difference between the two runs); a raw node:dgram client keeps `--window` requests in flight, one
// REGISTER (refreshing one of `--aors` AoRs) to four INVITEs looked up. Printed per run: the server's CPU
// (utime+stime of its processes, /proc) per request, redis-server's (INFO cpu) per request, the event
// loop's delay in the server (perf_hooks.monitorEventLoopDelay through bench/lib/loop-delay-probe.ts),
// requests/s; then medians and the Redis/embedded ratios. Runs alternate, so load from other processes falls
// on both alike.
//   node_modules/.bin/node bench/location-redis.ts [--requests 40000] [--window 32] [--aors 1000] [--runs 3]
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../fixtures/sipp.ts';
import { buildGuest } from '../src/builder/index.ts';
import { ksrModules } from '../src/kemi/index.ts';
import { startRedis } from '../test/e2e/cluster-redis.ts';
import { markdownTable } from './lib/markdown-table.ts';
import { cpuMs, processTree } from './lib/proc-usage.ts';
import { median } from './lib/stats.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const REQUESTS = option('requests', 40_000);
const WINDOW = option('window', 32);
const AORS = option('aors', 1000);
const RUNS = option('runs', 3);
const dir = mkdtempSync(join(tmpdir(), 'kemi-bench-location-'));

const ROUTE = `import { KSR } from '../../sdk';

export * from '../../sdk/exports';

export function request_route(): void {
  if (KSR.is_method('REGISTER')) {
    KSR.registrar.save('location', 0);
    return KSR.x.exit();
  }
  if (KSR.registrar.lookup('location') < 0) {
    KSR.sl.send_reply(404, 'Not Found');
    return KSR.x.exit();
  }
  KSR.sl.send_reply(200, 'Found');
}

export function reply_route(): void {}

export function named_route(_name: string): void {}
`;

async function buildRoute(): Promise<string> {
  cpSync(join(root, 'guest-examples/assemblyscript/sdk'), join(dir, 'sdk'), { recursive: true });
  const project = join(dir, 'route');
  mkdirSync(join(project, 'assembly'), { recursive: true });
  writeFileSync(join(project, 'asconfig.json'), JSON.stringify({ entries: ['assembly/index.ts'] }));
  writeFileSync(join(project, 'assembly/index.ts'), ROUTE);
  const built = await buildGuest(project, { out: join(dir, 'route.wasm') });
  if (!built.ok) throw new Error(`${built.error.message}\n${built.error.output ?? ''}`);
  return built.value.out;
}

interface Server {
  readonly child: ChildProcess;
  readonly port: number;
  readonly delayFile: string;
}

async function startServer(backend: 'redis' | 'embedded', redisUrl: string, route: string, run: number) {
  const port = await freePort();
  const runDir = join(dir, `${backend}-${run}`);
  mkdirSync(runDir, { recursive: true });
  const config = join(runDir, 'kemi.yaml');
  writeFileSync(
    config,
    JSON.stringify({
      listen: [`udp:127.0.0.1:${port}`],
      data_dir: join(runDir, 'data'),
      log_level: 'warn',
      // Each run its own prefix: an empty location, as the embedded run's fresh data_dir.
      cluster: {
        redis: redisUrl,
        node: 'bench',
        prefix: `bench${run}${backend}:`,
        stores: { location: { backend } },
      },
      tenants: [
        {
          name: 'acme',
          match: { sockets: [`udp:127.0.0.1:${port}`] },
          route,
          capabilities: ksrModules.map((m) => m.name),
          registrar: { max_bindings: AORS * 2 },
          // A reply leaves before its invocation ends: room above the window, so no request meets
          // max_suspended's 503; and a deadline a loaded machine does not reach (a SQLite write of the
          // embedded store can take more than the default 20 ms then, and its failures trip the breaker).
          // The bench measures the stores, not those bounds.
          limits: { max_suspended: WINDOW * 4, deadline_ms: 1000 },
        },
      ],
    }),
  );
  const delayFile = join(runDir, 'loop-delay.json');
  const child = spawn(
    process.execPath,
    [
      '--import',
      join(root, 'bench/lib/loop-delay-probe.ts'),
      join(root, 'bin/kemi-wasm.js'),
      'serve',
      '--config',
      config,
    ],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, KEMI_LOOP_DELAY_FILE: delayFile },
    },
  );
  // Ready when a REGISTER is answered.
  for (let i = 0; i < 300; i++) {
    const answered = await send(port, [register(port, 0, 0)], 1, 200).catch(() => 0);
    if (answered === 1) return { child, port, delayFile } satisfies Server;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`the ${backend} server did not answer a REGISTER`);
}

function register(port: number, aor: number, n: number): Buffer {
  return Buffer.from(
    `REGISTER sip:127.0.0.1:${port} SIP/2.0\r\n` +
      `Via: SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bKreg${n}\r\n` +
      'Max-Forwards: 70\r\n' +
      `From: <sip:u${aor}@example.com>;tag=r${n}\r\n` +
      `To: <sip:u${aor}@example.com>\r\n` +
      `Call-ID: reg-${aor}@bench\r\n` +
      `CSeq: ${n + 1} REGISTER\r\n` +
      `Contact: <sip:u${aor}@127.0.0.1:9>;expires=3600\r\n` +
      'Content-Length: 0\r\n\r\n',
  );
}

function invite(aor: number, n: number): Buffer {
  return Buffer.from(
    `INVITE sip:u${aor}@example.com SIP/2.0\r\n` +
      `Via: SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bKinv${n}\r\n` +
      'Max-Forwards: 70\r\n' +
      `From: <sip:caller@example.com>;tag=i${n}\r\n` +
      `To: <sip:u${aor}@example.com>\r\n` +
      `Call-ID: inv-${n}@bench\r\n` +
      `CSeq: 1 INVITE\r\n` +
      `Contact: <sip:caller@127.0.0.1:9>\r\n` +
      'Content-Length: 0\r\n\r\n',
  );
}

/** The answers of the last send, by status. */
let lastStatuses: Record<string, number> = {};

/** Sends `messages` keeping `window` in flight; resolves the number of 200 answers (each request one). */
function send(port: number, messages: readonly Buffer[], window: number, idleMs = 2000): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    let next = 0;
    let answered = 0;
    let ok = 0;
    const statuses: Record<string, number> = {};
    let idle: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(idle);
      socket.close();
      lastStatuses = statuses;
      resolve(ok);
    };
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(done, idleMs);
    };
    const fire = () => {
      if (next < messages.length) socket.send(messages[next++], port, '127.0.0.1');
    };
    socket.on('error', reject);
    socket.on('message', (bytes) => {
      // A provisional answer (100 Trying) is no answer.
      if (/^SIP\/2\.0 1\d\d /.test(bytes.toString('latin1', 0, 16))) return;
      answered++;
      const status = bytes.toString('latin1', 8, 11);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === '200') ok++;
      if (answered === messages.length) return done();
      arm();
      fire();
    });
    socket.bind(0, '127.0.0.1', () => {
      arm();
      for (let i = 0; i < Math.min(window, messages.length); i++) fire();
    });
  });
}

interface Figures {
  backend: string;
  serverUs: number;
  redisUs: number;
  p50: number;
  p99: number;
  max: number;
  rate: number;
  ok: number;
}

async function redisCpuMs(command: (...a: string[]) => Promise<string>): Promise<number> {
  const info = await command('INFO', 'cpu');
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (field('used_cpu_sys') + field('used_cpu_user')) * 1000;
}

function delay(server: Server): Promise<{ p50: number; p99: number; max: number }> {
  server.child.kill('SIGUSR2');
  return new Promise((resolve) =>
    setTimeout(() => resolve(JSON.parse(readFileSync(server.delayFile, 'utf8'))), 300),
  );
}

async function main(): Promise<void> {
  const redis = await startRedis();
  const route = await buildRoute();
  const all: Figures[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      // Which goes first alternates too.
      const order = run % 2 === 0 ? (['embedded', 'redis'] as const) : (['redis', 'embedded'] as const);
      for (const backend of order) {
        const server = await startServer(backend, redis.url, route, run);
        try {
          // Every AoR registered once, then the measured mix: 1 REGISTER (a refresh) : 4 INVITEs.
          const warm = Array.from({ length: AORS }, (_, a) => register(server.port, a, 1));
          await send(server.port, warm, WINDOW);
          // One INVITE in 20 to an AoR nobody registered: its 404 proves the lookup was answered by the store.
          const load = Array.from({ length: REQUESTS }, (_, n) =>
            n % 5 === 0
              ? register(server.port, n % AORS, n + 2)
              : n % 20 === 1
                ? invite(AORS + n, n)
                : invite((n * 7) % AORS, n),
          );
          const expected = load.length - load.filter((_, n) => n % 5 !== 0 && n % 20 === 1).length;
          await delay(server); // resets the histogram: the figures are the load's
          const pids = processTree(server.child.pid!);
          const cpu0 = cpuMs(pids);
          const redis0 = await redisCpuMs(redis.command);
          const t0 = performance.now();
          const ok = await send(server.port, load, WINDOW);
          const seconds = (performance.now() - t0) / 1000;
          const cpu = cpuMs(pids) - cpu0;
          const redisCpu = (await redisCpuMs(redis.command)) - redis0;
          const d = await delay(server);
          const f: Figures = {
            backend,
            serverUs: (cpu * 1000) / REQUESTS,
            redisUs: backend === 'redis' ? (redisCpu * 1000) / REQUESTS : 0,
            ...d,
            rate: REQUESTS / seconds,
            ok,
          };
          all.push(f);
          console.log(
            `run ${run + 1} ${backend.padEnd(8)} server ${f.serverUs.toFixed(1)} µs/req, redis ${f.redisUs.toFixed(1)} µs/req, loop delay p50 ${f.p50.toFixed(2)} p99 ${f.p99.toFixed(2)} max ${f.max.toFixed(1)} ms, ${f.rate.toFixed(0)} req/s, ${f.ok} answered 200 (expected ${expected}, the rest 404)`,
          );
          if (f.ok !== expected)
            throw new Error(
              `the ${backend} registrar answered ${f.ok} requests 200, expected ${expected}: ${JSON.stringify(lastStatuses)}`,
            );
        } finally {
          server.child.kill('SIGTERM');
          await new Promise((resolve) => server.child.once('exit', resolve));
        }
      }
    }
  } finally {
    await redis.stop();
  }
  const by = (backend: string, pick: (f: Figures) => number) =>
    median(all.filter((f) => f.backend === backend).map(pick));
  const rows = (['embedded', 'redis'] as const).map((b) => [
    b,
    by(b, (f) => f.serverUs).toFixed(1),
    by(b, (f) => f.redisUs).toFixed(1),
    by(b, (f) => f.p50).toFixed(2),
    by(b, (f) => f.p99).toFixed(2),
    by(b, (f) => f.max).toFixed(1),
    by(b, (f) => f.rate).toFixed(0),
  ]);
  console.log(
    `\n${REQUESTS} requests (1 REGISTER : 4 INVITE lookups) over ${AORS} AoRs, window ${WINDOW}, median of ${RUNS} runs; load average ${loadavg()[0].toFixed(2)}\n`,
  );
  console.log(
    markdownTable(
      [
        'location',
        'server CPU µs/req',
        'redis-server CPU µs/req',
        'loop delay p50 ms',
        'p99 ms',
        'max ms',
        'req/s',
      ],
      rows,
    ),
  );
  const ratio = (pick: (f: Figures) => number) => by('redis', pick) / by('embedded', pick);
  console.log(
    `\nredis/embedded: server CPU per request ${ratio((f) => f.serverUs).toFixed(2)}x, (server + redis-server) ${(
      (by('redis', (f) => f.serverUs) + by('redis', (f) => f.redisUs)) / by('embedded', (f) => f.serverUs)
    ).toFixed(2)}x, loop delay p99 ${ratio((f) => f.p99).toFixed(2)}x`,
  );
}

await main();
