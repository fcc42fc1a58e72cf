// A/B of bench/proxy-calls.ts between another checkout (A, e.g. `git worktree add /tmp/base <commit>` with
// node_modules linked) and this one (B, or another checkout with --head), alternating A B A B ... so that load from other processes on a
// shared machine falls on both sides alike. Each run is proxy-calls.ts of its own tree (its own proxy
// example and server) with the given options; prints every run's CPU µs per successful call, then each
// side's median and spread and B's median against A's.
//   node_modules/.bin/node bench/compare.ts --base /tmp/base [--head <checkout>] [--runs 4] [-- --seconds 10 --no-kamailio]
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './lib/stats.ts';

const here = fileURLToPath(new URL('../', import.meta.url));
const args = process.argv.slice(2);
const split = args.indexOf('--');
const own = split >= 0 ? args.slice(0, split) : args;
const passed = split >= 0 ? args.slice(split + 1) : ['--seconds', '10', '--no-kamailio'];
const option = (name: string) => {
  const i = own.indexOf(`--${name}`);
  return i >= 0 ? own[i + 1] : undefined;
};
const base = option('base');
if (base === undefined)
  throw new Error(
    'usage: compare.ts --base <checkout> [--head <checkout>] [--runs N] [-- proxy-calls options]',
  );
const head = option('head') ?? here;
const RUNS = Number(option('runs') ?? 4);

interface Run {
  readonly usPerCall: number;
  readonly failed: boolean;
}

/** Runs proxy-calls.ts in `tree` and reads its kemi-wasm figures ("... = 123.4 µs per call"). */
function run(tree: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(tree, 'bench/proxy-calls.ts'), ...passed], {
      cwd: tree,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.once('error', reject);
    child.once('exit', () => {
      const us = /= ([\d.]+) µs per call/.exec(out)?.[1];
      const failed = /, ([1-9]\d*) failed/.test(out);
      if (us === undefined) reject(new Error(`no figure from ${tree}:\n${out}`));
      else resolve({ usPerCall: Number(us), failed });
    });
  });
}

const sides = { A: [] as number[], B: [] as number[] };
console.log(`A = ${base}, B = ${head}; proxy-calls.ts ${passed.join(' ')}; ${RUNS} runs each, alternating`);
for (let i = 0; i < RUNS; i++) {
  for (const [side, tree] of [
    ['A', base],
    ['B', head],
  ] as const) {
    const r = await run(tree);
    sides[side].push(r.usPerCall);
    console.log(
      `run ${i + 1} ${side}: ${r.usPerCall.toFixed(1)} µs per call${r.failed ? ' (calls failed)' : ''}`,
    );
  }
}
for (const side of ['A', 'B'] as const) {
  const xs = sides[side];
  console.log(
    `${side}: median ${median(xs).toFixed(1)} µs per call (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)})`,
  );
}
const change = (median(sides.B) / median(sides.A) - 1) * 100;
console.log(`B against A: ${change >= 0 ? '+' : ''}${change.toFixed(1)} % CPU per call (medians)`);
