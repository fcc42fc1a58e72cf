// Stateless path at saturation: a raw node:dgram client keeps `--window` OPTIONS in flight against a real
// `kemi-wasm serve` running the AssemblyScript proxy example (maxfwd, sanity, then OPTIONS to the server
// itself answered 200 by sl_send_reply), and prints the CPU time of the server process (utime+stime from
// /proc, all its processes) per answered request, and the requests/s. With --kamailio, the installed
// Kamailio runs the same routing in KEMI Lua (bench/kamailio/); with --bare, a bare Node dgram server that
// answers by copying five header lines (the floor Node's socket path sets). With --tree <checkout> (more
// than once), each checkout's kemi-wasm runs too (A/B: `git worktree add /tmp/base <commit>`). Systems
// alternate run by run, so load from other processes falls on all alike; medians and spread at the end.
// --cpu-prof <dir> writes a V8 CPU profile of each kemi-wasm run there.
//   node_modules/.bin/node bench/stateless-options.ts [--requests 100000] [--window 32] [--runs 3]
//     [--kamailio] [--bare] [--tree <checkout>]... [--cpu-prof <dir>]
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../fixtures/sipp.ts';
import { buildGuest } from '../src/builder/index.ts';
import { answering } from './lib/systems.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const REQUESTS = Number(option('requests') ?? 100_000);
const WINDOW = Number(option('window') ?? 32);
const RUNS = Number(option('runs') ?? 3);
const WARMUP = Math.min(20_000, REQUESTS);
const PROFILE_DIR = option('cpu-prof');
const trees = [root, ...args.flatMap((a, i) => (a === '--tree' ? [resolve(args[i + 1])] : []))];
const TICKS = Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim()) || 100;
const dir = mkdtempSync(join(tmpdir(), 'kemi-bench-options-'));

/** utime+stime in ms of `pid` and all its descendants (Kamailio forks its workers). */
function cpuMs(pid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = statFields(Number(entry));
      const ppid = Number(fields[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended meanwhile
    }
  }
  let ticks = 0;
  const walk = (p: number) => {
    try {
      const fields = statFields(p);
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      return;
    }
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return (ticks * 1000) / TICKS;
}

function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

function options(port: number, n: number): Buffer {
  return Buffer.from(
    `OPTIONS sip:127.0.0.1:${port} SIP/2.0\r\n` +
      `Via: SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bKbench${n}\r\n` +
      'Max-Forwards: 70\r\n' +
      'From: <sip:bench@127.0.0.1>;tag=bench\r\n' +
      `To: <sip:127.0.0.1:${port}>\r\n` +
      `Call-ID: bench-${n}@127.0.0.1\r\n` +
      `CSeq: ${n} OPTIONS\r\n` +
      'Content-Length: 0\r\n\r\n',
  );
}

interface Drive {
  readonly answered: number;
  readonly lost: number;
  readonly seconds: number;
}

/**
 * Sends `count` OPTIONS, `WINDOW` in flight: each 200 sends the next. A request unanswered after 500 ms is
 * counted lost and replaced, so a datagram the kernel dropped does not shrink the window for good.
 */
function drive(port: number, count: number, first: number): Promise<Drive> {
  const socket = createSocket('udp4');
  const sentAt = new Map<number, number>();
  let next = first;
  const end = first + count;
  let answered = 0;
  let lost = 0;
  const started = performance.now();
  const sendOne = () => {
    if (next >= end) return;
    const n = next++;
    sentAt.set(n, performance.now());
    socket.send(options(port, n), port, '127.0.0.1');
  };
  return new Promise((done) => {
    const finish = () => {
      clearInterval(sweep);
      socket.close();
      done({ answered, lost, seconds: (performance.now() - started) / 1000 });
    };
    const sweep = setInterval(() => {
      const now = performance.now();
      for (const [n, at] of sentAt) {
        if (now - at < 500) continue;
        sentAt.delete(n);
        lost++;
        sendOne();
      }
      if (sentAt.size === 0 && next >= end) finish();
    }, 100);
    socket.on('message', (msg) => {
      if (!msg.subarray(0, 16).toString('latin1').startsWith('SIP/2.0 200')) return;
      const cseq = /\r\nCSeq: (\d+)/i.exec(msg.toString('latin1'))?.[1];
      if (cseq === undefined || !sentAt.delete(Number(cseq))) return;
      answered++;
      sendOne();
      if (sentAt.size === 0 && next >= end) finish();
    });
    socket.bind(0, '127.0.0.1', () => {
      for (let i = 0; i < WINDOW; i++) sendOne();
    });
  });
}

interface System {
  readonly name: string;
  start(port: number, run: number): ChildProcess;
}

const built = await buildGuest(join(root, 'guest-examples/assemblyscript/proxy'), {
  out: join(dir, 'proxy.wasm'),
});
if (!built.ok) throw new Error(built.error.message);
const wasm = built.value.out;

function kemiWasm(tree: string, label: string): System {
  return {
    name: `kemi-wasm ${label}`,
    start(port, run) {
      const config = join(dir, `kemi-wasm-${port}.toml`);
      writeFileSync(
        config,
        [
          `listen = ["udp:127.0.0.1:${port}"]`,
          `module = "${wasm}"`,
          'log_level = "warn"',
          '[defines]',
          'PRIMARY = "sip:127.0.0.1:9"',
        ].join('\n'),
      );
      const prof = PROFILE_DIR
        ? [
            '--cpu-prof',
            `--cpu-prof-dir=${resolve(PROFILE_DIR)}`,
            `--cpu-prof-name=${label}-${run}.cpuprofile`,
          ]
        : [];
      return spawn(process.execPath, [...prof, join(tree, 'bin/kemi-wasm.js'), 'serve', '--config', config], {
        cwd: tree,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    },
  };
}

const kamailio: System = {
  name: 'Kamailio (KEMI Lua, bench/kamailio)',
  start(port) {
    const cfg = readFileSync(join(root, 'bench/kamailio/proxy.cfg'), 'utf8')
      .replaceAll('@PORT@', String(port))
      .replaceAll('@PRIMARY@', 'sip:127.0.0.1:9')
      .replaceAll('@LUA@', join(root, 'bench/kamailio/proxy.lua'));
    const file = join(dir, `kamailio-${port}.cfg`);
    writeFileSync(file, cfg);
    return spawn('kamailio', ['-f', file, '-DD', '-E', '-x', 'tlsf', '-m', '256', '-M', '16'], {
      stdio: ['ignore', 'ignore', 'ignore'],
    });
  },
};

/** A bare dgram server: 200 OK with Via, From, To, Call-ID and CSeq copied from the request. */
const BARE = `
import { createSocket } from 'node:dgram';
const s = createSocket('udp4');
const copied = /^(via|from|to|call-id|cseq):/i;
s.on('message', (m, r) => {
  const lines = m.toString('latin1').split('\\r\\n').filter((l) => copied.test(l));
  s.send(Buffer.from('SIP/2.0 200 OK\\r\\n' + lines.join('\\r\\n') + '\\r\\nContent-Length: 0\\r\\n\\r\\n', 'latin1'), r.port, r.address);
});
s.bind(Number(process.argv[1]), '127.0.0.1');
`;
const bare: System = {
  name: 'bare node:dgram responder',
  start(port) {
    return spawn(process.execPath, ['--input-type=module', '-e', BARE, String(port)], { stdio: 'inherit' });
  },
};

const systems: System[] = trees.map((t, i) => kemiWasm(t, i === 0 ? '(this checkout)' : t));
if (args.includes('--kamailio')) systems.push(kamailio);
if (args.includes('--bare')) systems.push(bare);

interface Figure {
  readonly usPerRequest: number;
  readonly perSecond: number;
  readonly lost: number;
}

async function measure(system: System, run: number): Promise<Figure> {
  const port = await freePort();
  const child = system.start(port, run);
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  try {
    await answering(port);
    await drive(port, WARMUP, 0);
    const before = cpuMs(child.pid!);
    const d = await drive(port, REQUESTS, WARMUP);
    const cpu = cpuMs(child.pid!) - before;
    return { usPerRequest: (cpu * 1000) / d.answered, perSecond: d.answered / d.seconds, lost: d.lost };
  } finally {
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(kill);
  }
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

console.log(
  `${REQUESTS} OPTIONS per run (after ${WARMUP} warm-up), ${WINDOW} in flight, ${RUNS} runs, load ${readFileSync('/proc/loadavg', 'latin1').split(' ').slice(0, 3).join(' ')}`,
);
const figures = systems.map(() => [] as Figure[]);
for (let run = 0; run < RUNS; run++) {
  for (const [i, system] of systems.entries()) {
    const f = await measure(system, run);
    figures[i].push(f);
    console.log(
      `run ${run + 1} ${system.name}: ${f.usPerRequest.toFixed(1)} µs CPU per request, ${Math.round(f.perSecond)} requests/s${f.lost ? `, ${f.lost} lost` : ''}`,
    );
  }
}
for (const [i, system] of systems.entries()) {
  const us = figures[i].map((f) => f.usPerRequest);
  console.log(
    `${system.name}: median ${median(us).toFixed(1)} µs CPU per request (min ${Math.min(...us).toFixed(1)}, max ${Math.max(...us).toFixed(1)}), median ${Math.round(median(figures[i].map((f) => f.perSecond)))} requests/s`,
  );
}
const first = median(figures[0].map((f) => f.usPerRequest));
for (const [i, system] of systems.entries()) {
  if (i === 0) continue;
  const ratio = first / median(figures[i].map((f) => f.usPerRequest));
  console.log(`kemi-wasm (this checkout) uses ${ratio.toFixed(2)}x the CPU per request of ${system.name}`);
}
