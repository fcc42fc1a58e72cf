// Resident memory and start-up of `kemi-wasm serve`, against the aims of issue 14. Every figure is the
// resident set (VmRSS) of the server process plus its children (the compile processes: started by a
// compile, ended after compile.idle_exit_s without one), printed as total and as main + children.
// Which server: by default the npm package's, as `npm install kemi-wasm` then `kemi-wasm serve` runs it
// (the JavaScript in dist/, built first by scripts/build-package.ts, what `npm pack` ships); `--entry clone`
// runs a clone's TypeScript sources as `npm start` does (bin/kemi-wasm.js; Node strips the types, which
// costs its own memory).
//   idle:     one tenant (the bundled route, no config but the listener), once its compile process ended
//   calls:    the peak during SIPp calls at --rate (INVITE/180/200/ACK/BYE/200 through the AssemblyScript
//             proxy example, record-routed) for --seconds, sampled every 100 ms
//   tenants:  --tenants N tenants (each its own domain, all the same module file, as an operator's generated
//             config would be): time from start to the first SIP answer, RSS booted, and RSS after one
//             request per tenant (each tenant's version instantiated); per additional tenant against idle
//   restart:  the same N tenants restarted from a data directory (each version restored from the store)
//   node_modules/.bin/node bench/memory.ts [--rate 500] [--seconds 20] [--tenants 10000] [--only idle,calls,tenants,restart]
//     [--node-flags "--max-semi-space-size=1"] [--entry package|clone]
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, runSipp, scenario } from '../fixtures/sipp.ts';
import { startSippUas } from '../fixtures/sipp-uas.ts';
import { bundledRoute } from '../src/builder/bundled-route.ts';
import { buildGuest } from '../src/builder/index.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const RATE = Number(option('rate', '500'));
const SECONDS = Number(option('seconds', '20'));
const TENANTS = Number(option('tenants', '10000'));
/** Flags for the server's node (`--node-flags "--max-semi-space-size=1"`), to compare settings. */
const NODE_FLAGS = option('node-flags', '')
  .split(' ')
  .filter((f) => f !== '');
/** The server as the npm package runs it (dist/, built now), or as a clone runs its sources. */
const ENTRY_KIND = option('entry', 'package');
const ENTRIES: Record<string, { readonly path: string; readonly what: string }> = {
  package: {
    path: 'dist/cli/main.js',
    what: 'the npm package (dist/ JavaScript, built by scripts/build-package.ts)',
  },
  clone: { path: 'bin/kemi-wasm.js', what: "a clone's TypeScript sources (bin/kemi-wasm.js, as npm start)" },
};
if (ENTRIES[ENTRY_KIND] === undefined) throw new Error(`--entry ${ENTRY_KIND}: package or clone`);
const ENTRY = join(root, ENTRIES[ENTRY_KIND].path);
const ONLY = new Set(option('only', 'idle,calls,tenants,restart').split(','));
const SIPP = ['-buff_size', '4194304', '-default_behaviors', 'all,-abortunexp'];
const dir = mkdtempSync(join(tmpdir(), 'kemi-bench-memory-'));
/** The compile process ends this long after its last compile, so that "idle" comes soon. */
const IDLE_EXIT_S = 1;
/** How long the server is left alone before an idle figure is read. */
const SETTLE_MS = Number(option('settle-ms', '8000'));

const MB = 1024 * 1024;
const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

interface Rss {
  readonly main: number;
  readonly children: number;
}
const total = (r: Rss) => r.main + r.children;
const show = (r: Rss) => `${mb(total(r))} (main ${mb(r.main)} + children ${mb(r.children)})`;

function rssOf(pid: number): number {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return kb ? Number(kb[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const task of readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1').trim().split(/\s+/))
      if (task) out.push(Number(task), ...childrenOf(Number(task)));
  } catch {
    // gone meanwhile
  }
  return out;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime + stime of `pid` and its children (live ones, and those it waited for), in ms. */
function cpuMs(pid: number): number {
  const of = (p: number, withReaped: boolean) => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'latin1');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const own = Number(f[11]) + Number(f[12]);
      return (withReaped ? own + Number(f[13]) + Number(f[14]) : own) * TICK_MS;
    } catch {
      return 0;
    }
  };
  return of(pid, true) + childrenOf(pid).reduce((sum, c) => sum + of(c, true), 0);
}

function treeRss(pid: number): Rss {
  return { main: rssOf(pid), children: childrenOf(pid).reduce((sum, c) => sum + rssOf(c), 0) };
}

interface Server {
  readonly child: ChildProcess;
  readonly port: number;
  readonly readyMs: number;
  /** CPU time (user + system) of the server and its children until ready: the figure load does not inflate. */
  readonly readyCpuMs: number;
  stop(): Promise<void>;
}

/** Starts `kemi-wasm serve` on `config` and waits for its first SIP answer (it listens after boot). */
async function serve(lines: string[], port: number, readyTimeoutS = 120): Promise<Server> {
  const config = join(dir, `kemi-wasm-${port}.toml`);
  writeFileSync(config, lines.join('\n'));
  const start = performance.now();
  const child = spawn(process.execPath, [...NODE_FLAGS, ENTRY, 'serve', '--config', config], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const stop = async () => {
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(kill);
  };
  try {
    await Promise.race([
      answering(port, readyTimeoutS),
      exited.then((code) => Promise.reject(new Error(`kemi-wasm serve exited with ${code}`))),
    ]);
  } catch (e) {
    await stop();
    throw e;
  }
  return { child, port, readyMs: performance.now() - start, readyCpuMs: cpuMs(child.pid!), stop };
}

function options(host: string, n: number): Buffer {
  return Buffer.from(
    `OPTIONS sip:${host} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bKmem${n}\r\n` +
      `Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=p\r\nTo: <sip:${host}>\r\n` +
      `Call-ID: mem${n}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`,
  );
}

/** Resolves once an OPTIONS to 127.0.0.1:port gets an answer, polling every 20 ms. */
async function answering(port: number, timeoutS: number): Promise<void> {
  const socket = createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      let n = 0;
      const timer = setInterval(() => {
        if (++n > timeoutS * 50) {
          clearInterval(timer);
          reject(new Error(`nothing answers on udp 127.0.0.1:${port} after ${timeoutS} s`));
        } else socket.send(options(`127.0.0.1:${port}`, n), port, '127.0.0.1');
      }, 20);
      socket.once('message', () => {
        clearInterval(timer);
        resolve();
      });
    });
  } finally {
    socket.close();
  }
}

/** One OPTIONS per tenant domain, 200 at a time, each sent again every second until answered. */
async function touchTenants(port: number, count: number): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const answered = new Set<number>();
  socket.on('message', (m) => {
    // The hello route answers these 404 (not its own domain): an answer each, from each tenant's route.
    const callId = /\r\nCall-ID: mem(\d+)\r\n/i.exec(m.toString('latin1'));
    if (callId) answered.add(Number(callId[1]));
  });
  try {
    for (let from = 0; from < count; from += 200) {
      const batch = [...Array(Math.min(200, count - from)).keys()].map((k) => from + k);
      for (let tries = 0; tries < 30 && batch.some((i) => !answered.has(i)); tries++) {
        for (const i of batch)
          if (!answered.has(i)) socket.send(options(`t${i}.example`, i), port, '127.0.0.1');
        for (let w = 0; w < 50 && batch.some((i) => !answered.has(i)); w++) await sleep(20);
      }
    }
  } finally {
    socket.close();
  }
  return answered.size;
}

/** The RSS once the compile processes have ended (they end IDLE_EXIT_S after their last compile). */
async function settled(pid: number): Promise<Rss> {
  for (let i = 0; i < 100 && childrenOf(pid).length > 0; i++) await sleep(100);
  // Idle: V8's memory reducer gives back what start-up left (heap pages, new space) a few seconds later.
  await sleep(SETTLE_MS);
  return treeRss(pid);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const base = (port: number) => [
  `listen = ["udp:127.0.0.1:${port}"]`,
  'log_level = "warn"',
  '[compile]',
  `idle_exit_s = ${IDLE_EXIT_S}`,
  '',
];

const results: string[] = [];
const aim = (what: string, figure: string, goal: string, met: boolean) =>
  results.push(`${what.padEnd(44)} ${figure.padEnd(52)} aim ${goal.padEnd(10)} ${met ? 'met' : 'NOT met'}`);

let idle: Rss | undefined;

async function idleOne(): Promise<void> {
  const port = await freePort();
  const server = await serve(base(port), port);
  try {
    idle = await settled(server.child.pid!);
    console.log(
      `idle, one tenant (bundled route): ${show(idle)}; ready in ${server.readyMs.toFixed(0)} ms ` +
        `(CPU ${server.readyCpuMs} ms)`,
    );
    aim('idle RSS, one tenant', show(idle), '<= 150 MB', total(idle) <= 150 * MB);
  } finally {
    await server.stop();
  }
}

async function calls(): Promise<void> {
  const built = await buildGuest(join(root, 'guest-examples/assemblyscript/proxy'), {
    out: join(dir, 'proxy.wasm'),
  });
  if (!built.ok) throw new Error(built.error.message);
  const port = await freePort();
  const uasPort = await freePort();
  const server = await serve(
    [`module = "${built.value.out}"`, ...base(port), '[defines]', `PRIMARY = "sip:127.0.0.1:${uasPort}"`],
    port,
  );
  try {
    const before = await settled(server.child.pid!);
    const callee = await startSippUas(scenario('uas-call.xml'), {
      transport: 'udp',
      port: uasPort,
      calls: RATE * SECONDS,
      extra: SIPP,
      timeoutSeconds: SECONDS + 60,
    });
    const cpuBefore = cpuMs(server.child.pid!);
    let peak: Rss = before;
    const sampler = setInterval(() => {
      const now = treeRss(server.child.pid!);
      if (total(now) > total(peak)) peak = now;
    }, 100);
    const caller = await runSipp(scenario('uac-call.xml'), {
      transport: 'udp',
      port,
      calls: RATE * SECONDS,
      rate: RATE,
      extra: [...SIPP, '-rate_max', String(RATE)],
      timeoutSeconds: SECONDS + 40,
    });
    clearInterval(sampler);
    // The server's CPU per call: what a heap setting (--node-flags) trades against the peak.
    const perCallUs = ((cpuMs(server.child.pid!) - cpuBefore) * 1000) / Math.max(1, caller.successful);
    await callee.stop();
    const after = treeRss(server.child.pid!);
    console.log(
      `calls at ${RATE}/s for ${SECONDS} s: ${caller.successful} ok, ${caller.failed} failed; ` +
        `server CPU ${perCallUs.toFixed(0)} µs per call; ` +
        `RSS before ${show(before)}, peak ${show(peak)}, after ${show(after)}`,
    );
    const bound = idle ? 2 * total(idle) : 300 * MB;
    aim(
      `peak RSS at ${RATE} calls/s (${caller.failed} failed)`,
      show(peak),
      `<= ${mb(bound)}`,
      total(peak) <= bound,
    );
  } finally {
    await server.stop();
  }
}

function tenantLines(port: number, count: number, module: string, dataDir?: string): string[] {
  const lines = [...base(port)];
  if (dataDir) lines.unshift(`data_dir = "${dataDir}"`);
  for (let i = 0; i < count; i++)
    lines.push(
      '[[tenants]]',
      `name = "t${i}"`,
      `match = { domains = ["t${i}.example"] }`,
      `module = "${module}"`,
      '',
    );
  return lines;
}

async function tenants(restart: boolean): Promise<void> {
  const route = await bundledRoute();
  if (!route.ok) throw new Error(route.error);
  const dataDir = join(dir, 'data');
  rmSync(dataDir, { recursive: true, force: true });
  const port = await freePort();
  const lines = tenantLines(port, TENANTS, route.value.path, restart ? dataDir : undefined);
  if (restart) {
    const first = await serve(lines, port, 600);
    console.log(
      `${TENANTS} tenants, first start with a data directory: ready in ${first.readyMs.toFixed(0)} ms`,
    );
    await first.stop();
  }
  const server = await serve(lines, port, 600);
  const what = restart ? `${TENANTS} tenants restored from the data directory` : `${TENANTS} tenants`;
  try {
    const booted = await settled(server.child.pid!);
    const answered = await touchTenants(port, TENANTS);
    const used = await settled(server.child.pid!);
    console.log(
      `${what}: ready in ${server.readyMs.toFixed(0)} ms (CPU ${server.readyCpuMs} ms); RSS booted ${show(booted)}, ` +
        `after one request to each (${answered} answered) ${show(used)}`,
    );
    aim(
      `${what}: ready`,
      `${(server.readyMs / 1000).toFixed(2)} s (CPU ${(server.readyCpuMs / 1000).toFixed(2)} s)`,
      '<= 10 s',
      server.readyMs <= 10_000,
    );
    if (idle && !restart) {
      const per = (total(used) - total(idle)) / (TENANTS - 1);
      aim(
        'RSS per additional tenant (each used once)',
        `${(per / 1024).toFixed(0)} KB ((${mb(total(used))} - idle) / ${TENANTS - 1})`,
        '<= 0.5 MB',
        per <= 0.5 * MB,
      );
    }
  } finally {
    await server.stop();
  }
}

try {
  if (ENTRY_KIND === 'package') {
    const built = spawnSync(process.execPath, [join(root, 'scripts/build-package.ts')], { stdio: 'inherit' });
    if (built.status !== 0) throw new Error('scripts/build-package.ts failed');
  }
  console.log(
    `kemi-wasm serve from ${ENTRIES[ENTRY_KIND].what}${NODE_FLAGS.length ? `, node ${NODE_FLAGS.join(' ')}` : ''}`,
  );
  if (ONLY.has('idle') || ONLY.has('calls') || ONLY.has('tenants')) await idleOne();
  if (ONLY.has('calls')) await calls();
  if (ONLY.has('tenants')) await tenants(false);
  if (ONLY.has('restart')) await tenants(true);
  console.log(
    `\nkemi-wasm serve from ${ENTRIES[ENTRY_KIND].what}${NODE_FLAGS.length ? ` (node ${NODE_FLAGS.join(' ')})` : ''}, ` +
      `RSS = main process + its children (compile processes)\n${results.join('\n')}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
