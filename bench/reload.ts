// Reload benchmark: time from upload to active through the registry, split by step, for the AssemblyScript
// and Rust hello examples, against a baseline measured in the same run: the same compile + link done on the
// main thread, with no worker and no store (how the server loaded its one route before the registry). The
// registry does more than the baseline (a worker round trip, a durable store, an activation row): the ratio
// is what those cost on top, and the event-loop stall is what the worker buys.
//
//   node_modules/.bin/node bench/reload.ts [rounds]
//
// Each round uploads a distinct component (the example plus a custom section naming the round, so every
// upload has its own sha256 and is written to the store) to a registry over a real data directory
// (fsync'd files, SQLite with synchronous=FULL), with the compile worker warmed first. Reported: median
// and max per step, and the longest event-loop stall seen during the uploads on each path: the worker
// keeps routing responsive, compiling on the main thread blocks it for the whole compile.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGuest } from '../src/builder/index.ts';
import { ksrModules } from '../src/kemi/index.ts';
import { silentLogger } from '../src/logger.ts';
import {
  catchAllTenant,
  ModuleCompiler,
  ModuleStore,
  Registry,
  type UploadTimings,
} from '../src/registry/index.ts';
import { createRunner, Engine, Linker, setV8Flags } from '../src/runtime/index.ts';

// V8 flags as src/server.ts sets them at start-up (see src/runtime/v8-flags.ts).
setV8Flags();
const engine = new Engine();
const ROUNDS = Number(process.argv[2] ?? 20);
const AIM_SWAP_MS = 1;
const AIM_TOTAL_MS = 300;

/** A component custom section (id 0) appended at the end: valid anywhere between sections. */
function withCustomSection(component: Uint8Array, text: string): Uint8Array {
  const name = new TextEncoder().encode('kemi-bench');
  const payload = new TextEncoder().encode(text);
  const body = [...leb(name.length), ...name, ...payload];
  return new Uint8Array([...component, 0, ...leb(body.length), ...body]);
}

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const max = (xs: number[]) => Math.max(...xs);
const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(1)} ms`);

/** Lets timers run between uploads, so a stall is one upload's, not a whole back-to-back series'. */
const pause = () => new Promise((resolve) => setTimeout(resolve, 5));

/** Runs `body` with a 1 ms ticker beside it; the longest gap between ticks is how long routing would wait. */
async function stall<T>(body: () => Promise<T>): Promise<{ result: T; maxStallMs: number }> {
  let last = performance.now();
  let longest = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  const result = await body();
  clearInterval(ticker);
  longest = Math.max(longest, performance.now() - last);
  return { result, maxStallMs: longest };
}

async function bench(language: 'assemblyscript' | 'rust'): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `kemi-bench-reload-${language}-`));
  const built = await buildGuest(`guest-examples/${language}/hello`, { out: join(dir, 'hello.wasm') });
  if (!built.ok) throw new Error(built.error.message);
  const uploads = Array.from({ length: ROUNDS + 1 }, (_, i) =>
    withCustomSection(built.value.component, `round ${i}`),
  );

  // Baseline: compile + link on the main thread, no worker, no store.
  const linker = new Linker(ksrModules);
  await engine.compile(uploads[0]);
  const baseline: number[] = [];
  const base = await stall(async () => {
    for (const bytes of uploads.slice(1)) {
      const start = performance.now();
      const compiled = await engine.compile(bytes);
      if (!compiled.ok) throw new Error(compiled.error.message);
      if (!createRunner(compiled.value, linker).ok) throw new Error('link failed');
      baseline.push(performance.now() - start);
      await pause();
    }
  });

  // The registry: worker compile, durable store, commit, swap.
  const opened = await ModuleStore.open({ dir: join(dir, 'data') });
  if (!opened.ok) throw new Error(opened.error);
  const compiler = new ModuleCompiler();
  const spec = catchAllTenant('bench', { retain: ROUNDS + 1 });
  const open = await Registry.open({
    tenants: [spec],
    store: opened.value.store,
    compiler,
    linker,
    log: silentLogger,
  });
  if (!open.ok) throw new Error(open.error);
  const registry = open.value;
  await registry.upload('bench', uploads[0], { by: 'bench', activate: true }); // warms the worker
  const timings: UploadTimings[] = [];
  let path = '';
  const wall: number[] = [];
  const reg = await stall(async () => {
    for (const bytes of uploads.slice(1)) {
      const start = performance.now();
      const up = await registry.upload('bench', bytes, { by: 'bench', activate: true });
      if (!up.ok) throw new Error(up.error.message);
      wall.push(performance.now() - start);
      timings.push(up.value.timings);
      path = up.value.path;
      await pause();
    }
  });
  await registry.close();
  await compiler.close();
  await opened.value.store.close();

  const size = `${(built.value.component.length / 1024).toFixed(1)} KiB`;
  console.log(`\n${language} hello (${size}), ${ROUNDS} uploads, ${path} path`);
  const rows: [string, number[]][] = [
    ['validate', timings.map((t) => t.validateMs)],
    ['rewrite', timings.map((t) => t.rewriteMs)],
    ['compile', timings.map((t) => t.compileMs)],
    ['worker round trip', timings.map((t) => t.workerMs)],
    ['link', timings.map((t) => t.linkMs)],
    ['store (file + fsync + row)', timings.map((t) => t.storeMs)],
    ['commit (activation row)', timings.map((t) => t.commitMs)],
    ['swap', timings.map((t) => t.swapMs)],
    ['upload to active', wall],
    ['baseline: compile + link, main thread', baseline],
  ];
  for (const [label, xs] of rows) {
    console.log(
      `  ${label.padEnd(40)} median ${fmt(median(xs)).padStart(9)}   max ${fmt(max(xs)).padStart(9)}`,
    );
  }
  const ratio = median(wall) / median(baseline);
  console.log(
    `  upload to active (worker, store, commit, swap) / baseline compile + link: x${ratio.toFixed(2)} (median)`,
  );
  console.log(
    `  longest event-loop stall during the uploads: registry ${fmt(reg.maxStallMs)}, main-thread baseline ${fmt(base.maxStallMs)}` +
      ` (x${(reg.maxStallMs / base.maxStallMs).toFixed(2)})`,
  );
  const swapOk = max(timings.map((t) => t.swapMs)) < AIM_SWAP_MS;
  const totalOk = median(wall) < AIM_TOTAL_MS;
  console.log(
    `  aims: swap < ${AIM_SWAP_MS} ms ${swapOk ? 'met' : 'MISSED'} (max), upload to active < ${AIM_TOTAL_MS} ms ${totalOk ? 'met' : 'MISSED'} (median)`,
  );
}

await bench('assemblyscript');
await bench('rust');
