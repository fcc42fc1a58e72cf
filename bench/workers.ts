// Throughput with workers = 1 against workers = 2 (docs/workers.md), alternating in one run: kemi-wasm
// with the AssemblyScript proxy example, SIPp callers using a socket per call (`-t un`, so that
// SO_REUSEPORT spreads the flows over the workers) at rising rates, each step `--seconds` long:
// - stateless: keepalive OPTIONS answered 200 by the route (sl_send_reply), requests/s offered;
// - stateful: record-routed calls INVITE/180/200/ACK/BYE/200 to a SIPp callee.
// A step is clean when every request or call succeeded; the ladder stops at the first step that is not.
// Prints per system and step the successes, failures, and the server's CPU (utime+stime of its process,
// all threads) per request or call; then the highest clean rates and their ratio. SIPp runs on the same
// cores: on a 2-core machine it competes with the server, so the ratio understates what more cores give.
//   node_modules/.bin/node bench/workers.ts [--seconds 10] [--options 4000,8000,12000,16000,20000]
//     [--calls 500,1000,1500,2000,2500] [--repeat 1]
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, runSipp, scenario } from '../fixtures/sipp.ts';
import { startSippUas } from '../fixtures/sipp-uas.ts';
import { buildGuest } from '../src/builder/index.ts';
import { answering } from './lib/systems.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const SECONDS = Number(option('seconds', '10'));
const OPTIONS_RATES = option('options', '4000,8000,12000,16000,20000').split(',').map(Number);
const CALL_RATES = option('calls', '500,1000,1500,2000,2500').split(',').map(Number);
const REPEAT = Number(option('repeat', '1'));
const SIPP = [
  '-buff_size',
  '4194304',
  '-default_behaviors',
  'all,-abortunexp',
  '-t',
  'un',
  '-max_socket',
  '10000',
];
const TICKS = Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim()) || 100;
const dir = mkdtempSync(join(tmpdir(), 'kemi-bench-workers-'));

/** utime+stime of the process (every thread), ms. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
}

interface Step {
  readonly rate: number;
  readonly ok: number;
  readonly failed: number;
  readonly cpuUsPer: number;
  readonly clean: boolean;
}

async function ladder(
  kind: 'options' | 'calls',
  pid: number,
  port: number,
  uasPort: number,
): Promise<Step[]> {
  const steps: Step[] = [];
  for (const rate of kind === 'options' ? OPTIONS_RATES : CALL_RATES) {
    const total = rate * SECONDS;
    const callee =
      kind === 'calls'
        ? await startSippUas(scenario('uas-call.xml'), {
            transport: 'udp',
            port: uasPort,
            calls: total,
            extra: ['-buff_size', '4194304', '-default_behaviors', 'all,-abortunexp'],
            timeoutSeconds: SECONDS + 60,
          })
        : undefined;
    const before = cpuMs(pid);
    const run = await runSipp(scenario(kind === 'options' ? 'options-myself.xml' : 'uac-call.xml'), {
      transport: 'udp',
      port,
      calls: total,
      rate,
      extra: [...SIPP, '-rate_max', String(rate)],
      timeoutSeconds: SECONDS + 40,
    });
    const cpu = cpuMs(pid) - before;
    await callee?.stop();
    const ok = Math.max(run.successful, 0);
    const clean = run.failed === 0 && ok === total;
    steps.push({ rate, ok, failed: run.failed, cpuUsPer: ok > 0 ? (cpu * 1000) / ok : Number.NaN, clean });
    console.log(
      `    ${kind} ${rate}/s: ${ok} ok, ${run.failed} failed, ${(ok > 0 ? (cpu * 1000) / ok : 0).toFixed(1)} µs CPU each${clean ? '' : '  (not clean: ladder ends)'}`,
    );
    if (!clean) break;
  }
  return steps;
}

async function system(workers: number, wasm: string): Promise<{ options: Step[]; calls: Step[] }> {
  const port = await freePort();
  const uasPort = await freePort();
  const data = join(dir, `data-${workers}-${Date.now()}`);
  mkdirSync(data);
  const config = join(dir, `workers-${workers}.toml`);
  writeFileSync(
    config,
    [
      `listen = ["udp:127.0.0.1:${port}"]`,
      `workers = ${workers}`,
      `data_dir = "${data}"`,
      'log_level = "info"',
      '[defines]',
      `PRIMARY = "sip:127.0.0.1:${uasPort}"`,
      `SECONDARY = "sip:127.0.0.1:${uasPort}"`,
      // The breaker off: on a loaded machine a starved route passes its deadline ("slow", a failure) and
      // 20 of them would make the tenant fail-closed, measuring the breaker instead of the throughput.
      '[[tenants]]',
      'name = "bench"',
      `module = "${wasm}"`,
      'circuit_breaker = { enabled = false }',
      'relay_allow = { hosts = ["127.0.0.1"] }',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    process.execPath,
    [join(root, 'bin/kemi-wasm.js'), 'serve', '--config', config],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // "ready" once every worker listens: the first one answers before the others are up.
  const ready = new Promise<void>((resolve) => {
    let seen = '';
    child.stdout!.on('data', (d: Buffer) => {
      if (seen.length < 1_000_000) seen += d.toString();
      if (seen.includes('"msg":"ready"')) resolve();
    });
  });
  try {
    await ready;
    await answering(port, 90);
    console.log(`  workers = ${workers} (load average before: ${loadavg()[0].toFixed(2)})`);
    return {
      options: await ladder('options', child.pid!, port, uasPort),
      calls: await ladder('calls', child.pid!, port, uasPort),
    };
  } finally {
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(kill);
  }
}

const highest = (steps: Step[]) => steps.filter((s) => s.clean).at(-1)?.rate ?? 0;

const built = await buildGuest(join(root, 'guest-examples/assemblyscript/proxy'), {
  out: join(dir, 'proxy.wasm'),
});
if (!built.ok) throw new Error(built.error.message);
console.log(
  `${SECONDS} s per step, SIPp callers with a socket per call; load average at start ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const results: Record<number, { options: number[]; calls: number[] }> = {
  1: { options: [], calls: [] },
  2: { options: [], calls: [] },
};
for (let r = 0; r < REPEAT; r++) {
  for (const workers of r % 2 === 0 ? [1, 2] : [2, 1]) {
    const figures = await system(workers, built.value.out);
    results[workers].options.push(highest(figures.options));
    results[workers].calls.push(highest(figures.calls));
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const [o1, o2, c1, c2] = [
  median(results[1].options),
  median(results[2].options),
  median(results[1].calls),
  median(results[2].calls),
];
console.log(`highest clean OPTIONS rate: workers=1 ${o1}/s, workers=2 ${o2}/s (x${(o2 / o1).toFixed(2)})`);
console.log(`highest clean call rate:    workers=1 ${c1}/s, workers=2 ${c2}/s (x${(c2 / c1).toFixed(2)})`);
console.log(
  `load average at the end ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
