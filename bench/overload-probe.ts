// What holds a server's memory after an overload: `kemi-wasm serve` (the AssemblyScript proxy example, with
// the admin API for its /metrics) gets calls at 500 cps, then --over cps for --over-seconds (past its clean
// maximum: failed calls, transactions held for timer B), is left alone --idle seconds, then gets 500 cps
// again. After each phase it prints the resident set by kind of mapping (V8's 256 KiB heap pages, glibc's
// main arena `[heap]`, files ...), V8's heap (total, used, per space), external memory and the transaction
// tables. Read it as: our objects alive (heap used, tm tables), V8 keeping pages (256 KiB mappings far above
// heap total: its pool), or malloc (`[heap]`, external memory).
//   node_modules/.bin/node bench/overload-probe.ts [--over 2000] [--over-seconds 8] [--idle 60] [--load-seconds 20]
//     [--entry bin/kemi-wasm.js|dist/cli/main.js] [--node-args "--trace-gc --trace-memory-reducer"]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../fixtures/sipp.ts';
import { buildGuest } from '../src/builder/index.ts';
import { answering } from './lib/systems.ts';
import { callsAtRate, startCallee } from './lib/workloads.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const args = process.argv.slice(2);
const opt = (n: string, d: string) => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1] : d);
const OVER = Number(opt('over', '2000'));
const OVER_S = Number(opt('over-seconds', '8'));
const IDLE_S = Number(opt('idle', '60'));
const LOAD_S = Number(opt('load-seconds', '20'));
const nodeArgs = opt('node-args', '').split(' ').filter(Boolean);
const built = await buildGuest(join(root, 'guest-examples/assemblyscript/proxy'), {
  out: join(mkdtempSync(join(tmpdir(), 'kemi-probe-w-')), 'p.wasm'),
});
if (!built.ok) throw new Error(built.error.message);
const port = await freePort();
const uasPort = await freePort();
const adminPort = await freePort();
const config = join(mkdtempSync(join(tmpdir(), 'kemi-probe-')), 'kemi-wasm.toml');
writeFileSync(
  config,
  [
    `listen = ["udp:127.0.0.1:${port}"]`,
    `module = "${built.value.out}"`,
    'log_level = "warn"',
    '[admin]',
    `listen = "127.0.0.1:${adminPort}"`,
    'operator_token = "probe-token-0123456789abcdef"',
    '[compile]',
    'idle_exit_s = 1',
    '[defines]',
    `PRIMARY = "sip:127.0.0.1:${uasPort}"`,
  ].join('\n'),
);
const child = spawn(
  process.execPath,
  [...nodeArgs, join(root, opt('entry', 'bin/kemi-wasm.js')), 'serve', '--config', config],
  { stdio: ['ignore', 'inherit', 'inherit'] },
);
await answering(port);
const system = { pid: child.pid!, port, uasPort, childrenEnd: true, takeLog: () => '', stop: async () => {} };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const kb = (field: string, file = 'status') =>
  Number(
    new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${child.pid}/${file}`, 'latin1'),
    )?.[1] ?? 0,
  ) / 1024;
const WANT = [
  /^kemi_nodejs_heap_size_(total|used)_bytes /,
  /^kemi_nodejs_heap_space_size_(used|total)_bytes\{space="(old|new|large_object)"/,
  /^kemi_nodejs_external_memory_bytes /,
  /^kemi_tm_(server|client|live)_transactions/,
  /^kemi_dialogs_active/,
  /^kemi_process_resident/,
];
/** RSS by kind of mapping, MB: `[heap]` (glibc's main arena), anonymous ones by size (V8's pages are 256 KiB), files. */
function smaps(): string {
  const text = readFileSync(`/proc/${child.pid}/smaps`, 'latin1');
  const sums = new Map<string, number>();
  let kind = '';
  for (const line of text.split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (head) {
      const size = (Number.parseInt(head[2], 16) - Number.parseInt(head[1], 16)) / 1048576;
      const name = head[3];
      kind =
        name === ''
          ? `anon${size === 0.25 ? '256K' : size < 0.25 ? '<256K' : size < 1 ? '<1M' : size < 8 ? '<8M' : size <= 64 ? '<=64M' : '>64M'}${head[0].includes(' rw') ? '' : '-x'}`
          : name.startsWith('/')
            ? 'file'
            : name;
    } else {
      const rss = /^Rss:\s+(\d+) kB/.exec(line);
      if (rss) sums.set(kind, (sums.get(kind) ?? 0) + Number(rss[1]) / 1024);
    }
  }
  return [...sums]
    .filter(([, v]) => v > 1)
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join(', ');
}
async function report(label: string) {
  const res = await fetch(`http://127.0.0.1:${adminPort}/metrics`, {
    headers: { authorization: 'Bearer probe-token-0123456789abcdef' },
  });
  const text = await res.text();
  const lines = text
    .split('\n')
    .filter((l) => WANT.some((w) => w.test(l)))
    .map((l) => {
      const [k, v] = [l.slice(0, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))];
      return `${k.replace('kemi_nodejs_', '').replace('_bytes', '')}=${v > 100000 ? `${(v / 1048576).toFixed(1)}M` : v}`;
    });
  console.log(
    `[${label}] RSS ${kb('VmRSS').toFixed(1)} MB anon ${kb('RssAnon').toFixed(1)} PSS ${kb('Pss', 'smaps_rollup').toFixed(1)}\n  smaps: ${smaps()}\n  ${lines.join('\n  ')}`,
  );
}
const callee = await startCallee(system, 600);
await sleep(3000);
await report('idle');
const w = await callsAtRate(system, 500, 5);
console.log(`warm 500: ${w.successful}/${w.calls} failed ${w.failed}`);
await report('after warm');
if (OVER > 0) {
  const o = await callsAtRate(system, OVER, OVER_S);
  console.log(`overload ${OVER}: ${o.successful}/${o.calls} failed ${o.failed}`);
  await report('after overload');
}
for (let t = 0; t < IDLE_S; t += 15) {
  await sleep(15000);
  await report(`idle +${t + 15}s`);
}
const l = await callsAtRate(system, 500, LOAD_S);
console.log(`load 500: ${l.successful}/${l.calls} failed ${l.failed}`);
await report('after 500');
child.kill('SIGTERM');
await callee.stop();
process.exit(0);
