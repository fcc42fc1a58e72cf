// The proxies the SIP benches load, started on loopback with the same routing: Kamailio (native cfg or
// KEMI Lua, bench/kamailio/) and kemi-wasm (a proxy component), each sending its calls on to a UAS port
// chosen here. Each is stopped by its PID (SIGTERM, SIGKILL after 5 s).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../fixtures/sipp.ts';
import { cpuMs, type Memory, memory, processTree } from './proc-usage.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface RunningSystem {
  readonly pid: number;
  /** The proxy's UDP port on 127.0.0.1. */
  readonly port: number;
  /** Where it relays initial requests (PRIMARY): the UAS of the call workloads listens there. */
  readonly uasPort: number;
  /**
   * Its processes at rest are the main one alone: kemi-wasm, whose compile process (started for the
   * start-up compile) ends by itself `compile.idle_exit_s` after its last job. Kamailio keeps its children.
   */
  readonly childrenEnd: boolean;
  /** What it wrote to stderr since the last call (the last 4000 characters): why calls failed. */
  takeLog(): string;
  stop(): Promise<void>;
}

export interface Idle {
  readonly memory: Memory;
  /** CPU per second of the system left alone for the idle seconds, ms. */
  readonly cpuMsPerSecond: number;
  /** How long the compile process took to end (kemi-wasm), ms; 0 for Kamailio. */
  readonly waitedMs: number;
  /** Processes in the tree when the memory was read. */
  readonly processes: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The system at rest, as it runs in production between bursts: for kemi-wasm, once its compile process
 * has ended (the process tree is the main process alone; bounded by `boundSeconds`, then an error), then
 * left alone `seconds` more (CPU per second over them; V8 gives back start-up pages meanwhile).
 */
export async function idleOf(system: RunningSystem, seconds: number, boundSeconds: number): Promise<Idle> {
  const since = performance.now();
  if (system.childrenEnd) {
    while (processTree(system.pid).length > 1) {
      if (performance.now() - since > boundSeconds * 1000)
        throw new Error(`its compile process did not end within ${boundSeconds} s`);
      await sleep(100);
    }
  }
  const waitedMs = performance.now() - since;
  const pids = processTree(system.pid);
  const before = cpuMs(pids);
  const t = performance.now();
  await sleep(seconds * 1000);
  const cpuMsPerSecond = seconds > 0 ? ((cpuMs(pids) - before) * 1000) / (performance.now() - t) : Number.NaN;
  const now = processTree(system.pid);
  return { memory: memory(now), cpuMsPerSecond, waitedMs, processes: now.length };
}

/** A message when a tool the SIP benches run is not installed (null when all are). */
export function missingTools(): string | null {
  const missing: string[] = [];
  if (spawnSync('kamailio', ['-v']).error)
    missing.push('kamailio (apt-get install kamailio kamailio-lua-modules)');
  if (spawnSync('sipp', ['-v']).error) missing.push('sipp (apt-get install sip-tester)');
  return missing.length ? `not installed: ${missing.join(', ')}` : null;
}

/** "Kamailio 5.6.3", from the first line of `kamailio -v` ("version: kamailio 5.6.3 (x86_64/linux)"). */
export function kamailioVersion(): string {
  const out = spawnSync('kamailio', ['-v'], { encoding: 'utf8' });
  const version = /^version: kamailio (\S+)/im.exec(`${out.stdout}${out.stderr}`)?.[1];
  if (version === undefined) throw new Error(`kamailio -v: no version in ${out.stdout}${out.stderr}`);
  return `Kamailio ${version}`;
}

/** Resolves once OPTIONS to 127.0.0.1:port gets an answer (bounded: `seconds`, one probe per 200 ms). */
export async function answering(port: number, seconds = 30): Promise<void> {
  const socket = createSocket('udp4');
  const options = (n: number) =>
    Buffer.from(
      `OPTIONS sip:127.0.0.1:${port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bKprobe${n}\r\n` +
        `Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=p\r\nTo: <sip:127.0.0.1:${port}>\r\n` +
        `Call-ID: probe${n}\r\nCSeq: ${n} OPTIONS\r\nContent-Length: 0\r\n\r\n`,
    );
  try {
    await new Promise<void>((resolve, reject) => {
      let n = 0;
      const timer = setInterval(() => {
        if (++n > seconds * 5) {
          clearInterval(timer);
          reject(new Error(`nothing answers on udp 127.0.0.1:${port}`));
        } else socket.send(options(n), port, '127.0.0.1');
      }, 200);
      socket.once('message', () => {
        clearInterval(timer);
        resolve();
      });
    });
  } finally {
    socket.close();
  }
}

/** SIGTERM, then SIGKILL after 5 s; resolves when it exited. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(kill);
}

/** Waits for the proxy to answer; on failure stops it and says what it printed. */
async function started(
  child: ChildProcess,
  port: number,
  uasPort: number,
  childrenEnd: boolean,
): Promise<RunningSystem> {
  let stderr = '';
  let unread = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
    unread = (unread + d.toString()).slice(-4000);
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`exited with ${code} before answering`))),
  );
  exited.catch(() => {});
  try {
    await Promise.race([answering(port), exited]);
  } catch (e) {
    await stopChild(child);
    throw new Error(`${(e as Error).message}${stderr ? `: ${stderr}` : ''}`);
  }
  const takeLog = () => {
    const text = unread;
    unread = '';
    return text;
  };
  return { pid: child.pid!, port, uasPort, childrenEnd, takeLog, stop: () => stopChild(child) };
}

export type KamailioRouting = 'native' | 'lua';

export interface KamailioOptions {
  /** Kamailio's `children` (UDP worker processes); the cfg's own (2) when absent. */
  readonly children?: number;
}

/** The number of UDP workers a Kamailio cfg of bench/kamailio/ runs with. */
export function kamailioChildren(routing: KamailioRouting, options: KamailioOptions = {}): number {
  if (options.children !== undefined) return options.children;
  const file = routing === 'lua' ? 'proxy.cfg' : 'proxy-native.cfg';
  return Number(/^children=(\d+)/m.exec(readFileSync(join(root, 'bench/kamailio', file), 'utf8'))?.[1]);
}

/** Kamailio with bench/kamailio/proxy.cfg (KEMI Lua, proxy.lua) or proxy-native.cfg (the same routing). */
export async function startKamailio(
  routing: KamailioRouting,
  options: KamailioOptions = {},
): Promise<RunningSystem> {
  const port = await freePort();
  const uasPort = await freePort();
  const file = routing === 'lua' ? 'proxy.cfg' : 'proxy-native.cfg';
  let cfg = readFileSync(join(root, 'bench/kamailio', file), 'utf8')
    .replaceAll('@PORT@', String(port))
    .replaceAll('@PRIMARY@', `sip:127.0.0.1:${uasPort}`)
    .replaceAll('@LUA@', join(root, 'bench/kamailio/proxy.lua'));
  if (options.children !== undefined) cfg = cfg.replace(/^children=\d+/m, `children=${options.children}`);
  const cfgFile = join(mkdtempSync(join(tmpdir(), 'kemi-bench-kamailio-')), 'kamailio.cfg');
  writeFileSync(cfgFile, cfg);
  const child = spawn('kamailio', ['-f', cfgFile, '-DD', '-E', '-x', 'tlsf', '-m', '256', '-M', '16'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return started(child, port, uasPort, false);
}

/** What `--entry` runs (sip-load-args.ts): the npm package's JavaScript, or a clone's sources. */
export const KEMI_ENTRIES = {
  package: {
    script: 'dist/cli/main.js',
    what: "the npm package (dist/ JavaScript built by scripts/build-package.ts, which the package's bin/kemi-wasm.js imports)",
  },
  clone: {
    script: 'bin/kemi-wasm.js',
    what: "a clone's TypeScript sources (bin/kemi-wasm.js runs src/ when present; Node strips the types)",
  },
} as const;

/** Builds dist/ as `npm pack` does, for the `package` entry; throws when the build fails. */
export function buildPackage(): void {
  const built = spawnSync(process.execPath, [join(root, 'scripts/build-package.ts')], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('scripts/build-package.ts failed');
}

export interface KemiWasmOptions {
  /** TOML lines added at the top level of the server's config (e.g. `workers = 2`). */
  readonly toml?: readonly string[];
  /** TOML lines added to its [defines] table (e.g. `WITH_DIALOG = "1"`). */
  readonly defines?: readonly string[];
  readonly logLevel?: string;
  /** `[compile] idle_exit_s`: how soon the compile process ends after the start-up compile. */
  readonly compileIdleExitS?: number;
  /** The script node runs (KEMI_ENTRIES); bin/kemi-wasm.js when absent. */
  readonly entry?: keyof typeof KEMI_ENTRIES;
}

/** `kemi-wasm serve` running the component `module` (a proxy route) with PRIMARY set to the UAS port. */
export async function startKemiWasm(module: string, options: KemiWasmOptions = {}): Promise<RunningSystem> {
  const port = await freePort();
  const uasPort = await freePort();
  const config = join(mkdtempSync(join(tmpdir(), 'kemi-bench-server-')), 'kemi-wasm.toml');
  writeFileSync(
    config,
    [
      `listen = ["udp:127.0.0.1:${port}"]`,
      `module = "${module}"`,
      `log_level = "${options.logLevel ?? 'warn'}"`,
      ...(options.toml ?? []),
      ...(options.compileIdleExitS !== undefined
        ? ['[compile]', `idle_exit_s = ${options.compileIdleExitS}`]
        : []),
      '[defines]',
      `PRIMARY = "sip:127.0.0.1:${uasPort}"`,
      ...(options.defines ?? []),
    ].join('\n'),
  );
  // Quiet logging, as Kamailio's: "ready" is not logged at warn, so readiness is a SIP answer.
  // BENCH_SERVER_NODE_ARGS: V8/Node flags for the server alone (e.g. `--cpu-prof`, `--log-deopt`, which
  // NODE_OPTIONS refuses or would also apply to the bench and SIPp's helpers).
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(
    process.execPath,
    [...nodeArgs, join(root, KEMI_ENTRIES[options.entry ?? 'clone'].script), 'serve', '--config', config],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  return started(child, port, uasPort, true);
}
