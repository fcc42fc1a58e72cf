// The e2e half of `npm test`: two vitest runs side by side (the projects of vitest.config.ts).
// - `e2e`: the latency suites (SIPp load, timers, rate bounds), one file after another at normal priority;
//   its output streams as it comes.
// - `e2e-beside`: the files that only check behaviour (E2E_BESIDE), one after another at a lower CPU
//   priority (nice 10), so componentize-js builds and Kamailio comparisons use the CPU the latency suites
//   leave idle without taking it from them. Its output is printed once both runs are done.
// Exits with the first non-zero status of the two. Arguments are passed to both runs (file filters: a run
// that none of them selects then passes with no tests).
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const vitest = join(root, 'node_modules/vitest/vitest.mjs');
/** CFS weight 110 against 1024 for the latency suites: ~10 % of a contended core, all of an idle one. */
const BESIDE_NICENESS = '10';

function exitCode(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('error', (e) => {
      process.stderr.write(`run-e2e: ${e.message}\n`);
      resolve(1);
    });
    child.once('close', (code) => resolve(code ?? 1));
  });
}

const filters = process.argv.slice(2);
const extra = filters.length > 0 ? ['--passWithNoTests', ...filters] : [];
const latency = spawn(process.execPath, [vitest, 'run', '--project', 'e2e', ...extra], {
  cwd: root,
  stdio: 'inherit',
});
const beside = spawn(
  'nice',
  ['-n', BESIDE_NICENESS, process.execPath, vitest, 'run', '--project', 'e2e-beside', ...extra],
  { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
);
const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(0);
const latencyDone = exitCode(latency);
const besideDone = exitCode(beside).then((code) => {
  // When the group beside ended, for the CI log (its own output comes at the end).
  process.stdout.write(`\nrun-e2e: e2e-beside ended with status ${code} after ${seconds()} s\n`);
  return code;
});
const besideOutput: Buffer[] = [];
beside.stdout?.on('data', (chunk: Buffer) => besideOutput.push(chunk));
beside.stderr?.on('data', (chunk: Buffer) => besideOutput.push(chunk));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    for (const child of [latency, beside]) if (child.pid !== undefined) child.kill(signal);
  });
}

const latencyCode = await latencyDone;
process.stdout.write(`\nrun-e2e: e2e ended with status ${latencyCode} after ${seconds()} s\n`);
const besideCode = await besideDone;
process.stdout.write('\n── e2e files run beside the latency suites (nice 10) ──\n');
process.stdout.write(Buffer.concat(besideOutput));
process.exit(latencyCode || besideCode);
