// buildGuest's failures are values that name the fix; the CLI prints them as one line and exits 1.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildGuest } from '../../src/builder/index.ts';
import type { BuildResult } from '../../src/builder/types.ts';
import { instantiateGuest } from '../guest-examples/stub-host.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'kemi-build-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let projects = 0;
/** A project folder under the scratch dir holding `files` (path -> text). */
function project(files: Record<string, string>): string {
  const dir = join(scratch, `p${++projects}`);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function assemblyScript(entry: (sdk: string) => string): string {
  const dir = join(scratch, `p${projects + 1}`);
  const sdk = relative(join(dir, 'assembly'), join(repo, 'guest-examples/assemblyscript/sdk'));
  return project({
    'asconfig.json': '{ "entries": ["assembly/index.ts"] }',
    'assembly/index.ts': entry(sdk),
  });
}

function rust(lib: string, crateType = '["cdylib"]'): string {
  const ksr = join(repo, 'guest-examples/rust/ksr');
  return project({
    'Cargo.toml': `[package]\nname = "broken"\nversion = "0.1.0"\nedition = "2021"\n\n[lib]\ncrate-type = ${crateType}\n\n[dependencies]\nksr = { path = ${JSON.stringify(ksr)} }\n`,
    'src/lib.rs': lib,
  });
}

const ROUTES = `
export function request_route(): void {}
export function reply_route(): void {}
export function named_route(name: string): void {}
`;

function failure(result: BuildResult) {
  if (result.ok) throw new Error(`expected a failure, built ${result.value.out}`);
  return result.error;
}

describe('buildGuest refuses what it cannot build', () => {
  it('a folder that does not exist', async () => {
    const error = failure(await buildGuest(join(scratch, 'missing')));
    expect(error.code).toBe('detect');
    expect(error.message).toMatch(/missing does not exist$/);
  });

  it('a file instead of a folder', async () => {
    const dir = project({ 'notes.txt': 'hi' });
    const error = failure(await buildGuest(join(dir, 'notes.txt')));
    expect(error.message).toMatch(/is not a directory/);
  });

  it('a folder that is not a guest project, naming every layout', async () => {
    const error = failure(await buildGuest(project({ 'README.md': '# nothing' })));
    expect(error.code).toBe('detect');
    expect(error.message).toMatch(
      /is not a guest project: expected Cargo\.toml \(Rust\), asconfig\.json .* or package\.json \(JavaScript\/TypeScript\)/,
    );
  });

  it('a JavaScript project without an entry', async () => {
    const error = failure(await buildGuest(project({ 'package.json': '{ "name": "route" }' })));
    expect(error.code).toBe('detect');
    expect(error.message).toMatch(/has a package\.json but no entry: set "main" or add one of index\.js/);
  });

  it('a JavaScript project whose "main" does not exist', async () => {
    const error = failure(await buildGuest(project({ 'package.json': '{ "main": "src/route.ts" }' })));
    expect(error.message).toMatch(/the entry .*src\/route\.ts \("main" of package\.json\) does not exist/);
  });

  it('an asconfig.json whose entry does not exist', async () => {
    const error = failure(await buildGuest(project({ 'asconfig.json': '{ "entries": ["src/main.ts"] }' })));
    expect(error.message).toMatch(/entry .*src\/main\.ts does not exist/);
  });
});

describe('AssemblyScript', () => {
  it('shows the compiler output for a compile error', async () => {
    const dir = assemblyScript(
      (sdk) =>
        `import { KSR } from '${sdk}';\nexport * from '${sdk}/exports';\n${ROUTES}\nexport function x(): void { KSR.sl.sl_send_reply('404', 1); }\n`,
    );
    const error = failure(await buildGuest(dir));
    expect(error.code).toBe('compile');
    expect(error.message).toMatch(/the AssemblyScript compiler reported errors/);
    expect(error.output).toMatch(/ERROR TS2322: Type '~lib\/string\/String' is not assignable to type 'i32'/);
    expect(error.output).toMatch(/assembly\/index\.ts/);
  });

  it('names the missing route and its signature', async () => {
    const dir = assemblyScript(
      (sdk) =>
        `export * from '${sdk}/exports';\nexport function request_route(): void {}\nexport function reply_route(): void {}\n`,
    );
    const error = failure(await buildGuest(dir));
    expect(error.code).toBe('post-process');
    expect(error.message).toBe(
      'the entry file does not export the route named_route: add export function named_route(name: string): void',
    );
  });

  it('names a route with the wrong signature', async () => {
    const dir = assemblyScript(
      (sdk) =>
        `export * from '${sdk}/exports';\nexport function request_route(n: i32): void {}\n` +
        'export function reply_route(): void {}\nexport function named_route(name: string): void {}\n',
    );
    expect(failure(await buildGuest(dir)).message).toMatch(
      /the route request_route has the wrong signature: declare it as export function request_route\(\): void/,
    );
  });

  it('asks for the SDK exports when cabi_realloc is missing', async () => {
    const dir = assemblyScript(() => ROUTES);
    expect(failure(await buildGuest(dir)).message).toMatch(
      /does not export cabi_realloc: re-export the SDK's core exports from the entry file: export \* from '<sdk>\/exports'/,
    );
  });

  it('refuses an import outside kemi:ksr', async () => {
    const dir = assemblyScript(
      (sdk) =>
        `export * from '${sdk}/exports';\n@external('env', 'now') declare function now(): i32;\n` +
        ROUTES.replace('request_route(): void {}', 'request_route(): void { now(); }'),
    );
    const error = failure(await buildGuest(dir));
    expect(error.code).toBe('check');
    expect(error.message).toBe(
      'the module imports env.now: a route may import only kemi:ksr interfaces: remove the code that needs it',
    );
  });
});

describe('Rust', () => {
  it('shows the compiler output for a compile error', async () => {
    const dir = rust(
      'fn r() { let n: i32 = ksr::pv::gete("$ru"); ksr::info(&n.to_string()); }\n' +
        'fn n(_: &str) {}\nksr::export_routes!(r, r, n);\n',
    );
    const error = failure(await buildGuest(dir));
    expect(error.code).toBe('compile');
    expect(error.message).toBe('broken: cargo build failed');
    expect(error.output).toMatch(/error\[E0308\]: mismatched types/);
    expect(error.output).toMatch(/src\/lib\.rs:1/);
  });

  it('asks for a cdylib when the crate builds none', async () => {
    const dir = rust('pub fn r() {}\n', '["rlib"]');
    expect(failure(await buildGuest(dir)).message).toMatch(
      /builds no WebAssembly library: add \[lib\] crate-type = \["cdylib"\]/,
    );
  });

  it('names the apt command when the toolchain is missing', async () => {
    const dir = rust('');
    const error = failure(
      await buildGuest(dir, { rustToolchain: { rustc: '/nonexistent/bin/rustc', cargo: '/usr/bin/cargo' } }),
    );
    expect(error.message).toBe(
      "Rust guests need /nonexistent/bin/rustc (Debian's Rust toolchain): apt-get install rustc cargo libstd-rust-dev-wasm32",
    );
  });

  it('names the apt command when the wasm32 standard library is missing', async () => {
    // A rustc whose sysroot (two levels up) has no lib/rustlib/wasm32-unknown-unknown.
    const fake = project({ 'bin/rustc': '' });
    const error = failure(
      await buildGuest(rust(''), {
        rustToolchain: { rustc: join(fake, 'bin/rustc'), cargo: '/usr/bin/cargo' },
      }),
    );
    expect(error.message).toMatch(
      /^the Rust standard library for wasm32-unknown-unknown is missing \(.*\): apt-get install rustc cargo libstd-rust-dev-wasm32$/,
    );
  });
});

describe('a failing assertion traps instead of importing an abort handler', () => {
  const runRequest = (core: Uint8Array) => () =>
    instantiateGuest(core, (fn) => (fn === 'core.is-myself-ruri' ? false : undefined)).requestRoute();

  it('AssemblyScript assert', async () => {
    const dir = assemblyScript(
      (sdk) =>
        `import { KSR } from '${sdk}';\nexport * from '${sdk}/exports';\n` +
        ROUTES.replace('request_route(): void {}', 'request_route(): void { assert(KSR.is_myself_ruri()); }'),
    );
    const result = await buildGuest(dir);
    if (!result.ok) throw new Error(result.error.message);
    expect(runRequest(result.value.core)).toThrow(/unreachable/);
  });

  it('Rust panic', async () => {
    const dir = rust(
      'fn r() { if !ksr::is_myself_ruri() { panic!("not for us"); } }\nfn n(_: &str) {}\nksr::export_routes!(r, r, n);\n',
    );
    const result = await buildGuest(dir);
    if (!result.ok) throw new Error(`${result.error.message}\n${result.error.output}`);
    expect(runRequest(result.value.core)).toThrow(/unreachable/);
  });
});

describe('kemi-wasm build', () => {
  const cli = (...args: string[]) =>
    spawnSync(join(repo, 'node_modules/.bin/node'), [join(repo, 'bin/kemi-wasm.js'), 'build', ...args], {
      cwd: scratch,
      encoding: 'utf8',
    });

  it('prints one line and exits 1 for a folder that does not exist', () => {
    const run = cli('nowhere');
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('kemi-wasm build: nowhere does not exist\n');
    expect(run.stdout).toBe('');
  });

  it('prints the compiler output then the error line for a compile error', () => {
    const dir = rust('fn r() { undefined_thing(); }\nfn n(_: &str) {}\nksr::export_routes!(r, r, n);\n');
    const run = cli(dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /error\[E0425\]: cannot find function `undefined_thing`[\s\S]*\nkemi-wasm build: broken: cargo build failed\n$/,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('builds a project with -o and reports each step', () => {
    const out = join(scratch, 'cli-out', 'route.wasm');
    const run = cli(join(repo, 'guest-examples/rust/hello'), '-o', out);
    expect(run.status).toBe(0);
    for (const step of ['detect', 'compile', 'check', 'embed', 'component', 'validate', 'write']) {
      expect(run.stdout).toMatch(new RegExp(`^  ${step} +\\d+ ms  `, 'm'));
    }
    expect(run.stdout).toMatch(/^built cli-out\/route\.wasm \(\d+\.\d KiB\) in \d+\.\d s$/m);
    expect(statSync(out).size).toBeGreaterThan(1000);
  });
});
