// `kemi-wasm build DIR [-o FILE.wasm]`: builds a guest project into a component, one progress line per
// step. A failure prints one line naming the fix (and the compiler's output for a compile error), exit 1.
import { relative } from 'node:path';
import type { Command } from 'commander';
import type { BuildProgress } from '../builder/types.ts';

export function registerBuild(program: Command): void {
  program
    .command('build')
    .description('compile a Rust or AssemblyScript routing script into a component of the script world')
    .argument(
      '<dir>',
      'project folder: a Rust crate (Cargo.toml) or an AssemblyScript project (asconfig.json)',
    )
    .option('-o, --out <file>', 'output file (default: <dir>/build/<name>.wasm)')
    .action(async (dir: string, opts: { out?: string }) => {
      process.exitCode = await runBuild(dir, opts.out);
    });
}

export async function runBuild(dir: string, out: string | undefined): Promise<number> {
  const start = performance.now();
  // Imported here: the builder loads jco's wasm-tools (a wasm instance and a worker thread of its shim),
  // which no other command needs; `serve` would keep them resident for nothing.
  const { buildGuest } = await import('../builder/index.ts');
  const result = await buildGuest(dir, { out, onProgress: printProgress });
  if (!result.ok) {
    if (result.error.output) process.stderr.write(`${result.error.output.trimEnd()}\n`);
    process.stderr.write(`kemi-wasm build: ${result.error.message}\n`);
    return 1;
  }
  if (result.value.warnings) process.stderr.write(`${result.value.warnings.trimEnd()}\n`);
  const seconds = ((performance.now() - start) / 1000).toFixed(1);
  const size = `${(result.value.component.length / 1024).toFixed(1)} KiB`;
  process.stdout.write(`built ${displayPath(result.value.out)} (${size}) in ${seconds} s\n`);
  return 0;
}

function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

function printProgress(p: BuildProgress): void {
  process.stdout.write(`  ${p.step.padEnd(13)}${`${Math.round(p.ms)} ms`.padStart(8)}  ${p.detail}\n`);
}
