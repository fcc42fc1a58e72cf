// Compiles a Rust crate for wasm32-unknown-unknown with Debian's toolchain (the rustup toolchain first on
// PATH has no wasm32 target). The release profile is forced through the environment so that any crate,
// whatever its Cargo.toml says, gives a small module without unwinding and with a 64 KiB stack.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ok } from '../result.ts';
import type { GuestProject } from './detect.ts';
import { type CompiledModule, type RustToolchain, type StepResult, stepError } from './types.ts';

export const DEBIAN_RUST: RustToolchain = { rustc: '/usr/bin/rustc', cargo: '/usr/bin/cargo' };

const TARGET = 'wasm32-unknown-unknown';
const INSTALL = 'apt-get install rustc cargo libstd-rust-dev-wasm32';

const PROFILE_ENV: Record<string, string> = {
  CARGO_PROFILE_RELEASE_LTO: 'true',
  CARGO_PROFILE_RELEASE_PANIC: 'abort',
  CARGO_PROFILE_RELEASE_OPT_LEVEL: 's',
  CARGO_PROFILE_RELEASE_CODEGEN_UNITS: '1',
  CARGO_PROFILE_RELEASE_STRIP: 'debuginfo',
  RUSTFLAGS: '-C link-arg=-zstack-size=65536',
  CARGO_TERM_COLOR: 'never',
};

export async function compileRust(
  project: Extract<GuestProject, { language: 'rust' }>,
  toolchain: RustToolchain = DEBIAN_RUST,
): Promise<StepResult<CompiledModule>> {
  const missing = checkToolchain(toolchain);
  if (missing) return stepError('compile', missing);

  const args = [
    'build',
    '--offline',
    '--release',
    '--target',
    TARGET,
    '--message-format=json-render-diagnostics',
  ];
  const run = await runProcess(toolchain.cargo, args, project.dir, {
    ...process.env,
    ...PROFILE_ENV,
    RUSTC: toolchain.rustc,
  });
  const command = `cargo ${args.slice(0, 5).join(' ')}`;
  if (run.spawnError)
    return stepError('compile', `cannot run ${toolchain.cargo} (${run.spawnError}): ${INSTALL}`);
  // With json-render-diagnostics cargo prints the compiler's messages as text on stderr.
  const output = run.stderr
    .split('\n')
    .filter((line) => !/^\s*(Compiling|Finished|Fresh|Blocking)\b/.test(line))
    .join('\n')
    .trim();
  if (run.code !== 0)
    return stepError('compile', `${project.name}: cargo build failed`, output || run.stdout);

  const wasm = findArtifact(run.stdout, project.manifest);
  if (!wasm) {
    return stepError(
      'compile',
      `${project.manifest} builds no WebAssembly library: add [lib] crate-type = ["cdylib"]`,
      output || undefined,
    );
  }
  return ok({ core: readFileSync(wasm), warnings: output, command });
}

/** Why the toolchain cannot build wasm32, or undefined when it can. */
export function checkToolchain(toolchain: RustToolchain): string | undefined {
  for (const tool of [toolchain.rustc, toolchain.cargo]) {
    if (!existsSync(tool)) return `Rust guests need ${tool} (Debian's Rust toolchain): ${INSTALL}`;
  }
  // Debian's rustc uses the sysroot above its bin/ folder.
  const std = join(dirname(dirname(toolchain.rustc)), 'lib', 'rustlib', TARGET);
  if (!existsSync(std)) return `the Rust standard library for ${TARGET} is missing (${std}): ${INSTALL}`;
  return undefined;
}

function findArtifact(stdout: string, manifest: string): string | undefined {
  const wanted = realpathSync(manifest);
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const msg = JSON.parse(line) as {
      reason?: string;
      manifest_path?: string;
      target?: { crate_types?: string[] };
      filenames?: string[];
    };
    if (msg.reason !== 'compiler-artifact' || !msg.target?.crate_types?.includes('cdylib')) continue;
    if (!msg.manifest_path || realpathSync(msg.manifest_path) !== wanted) continue;
    const wasm = msg.filenames?.find((f) => f.endsWith('.wasm'));
    if (wasm) return wasm;
  }
  return undefined;
}

interface ProcessRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly spawnError?: string;
}

function runProcess(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<ProcessRun> {
  return new Promise((done) => {
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (e) => done({ code: null, stdout: '', stderr: '', spawnError: e.message }));
    child.on('close', (code) =>
      done({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}
