// Builds a JavaScript/TypeScript guest into a component with componentize-js, an optional dependency: the
// user's route project or kemi-wasm's own install may provide it. The work runs in a child process
// (componentize-js-child.ts); this side finds componentize-js, starts the child and reads its result.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ok } from '../result.ts';
import type { ChildRequest } from './componentize-js-child.ts';
import type { GuestProject } from './detect.ts';
import { type StepResult, stepError } from './types.ts';

export const COMPONENTIZE_JS = '@bytecodealliance/componentize-js';
/** componentize-js takes about a minute on a loaded 2-core machine; a hung one is ended. */
const TIMEOUT_MS = 10 * 60_000;

const witPath = fileURLToPath(new URL('../../wit/ksr.wit', import.meta.url));
const sdkPath = fileURLToPath(new URL('../../guest-examples/js/sdk/ksr.js', import.meta.url));
// .ts in a clone, .js once compiled for the package.
const childPath = fileURLToPath(
  new URL(`./componentize-js-child${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
);

export interface CompiledComponent {
  readonly component: Uint8Array;
  readonly command: string;
}

/** componentize-js's main module: from the route project first, then from kemi-wasm's own dependencies. */
export function findComponentizeJs(projectDir: string): string | undefined {
  // Its package exports only `import` (not package.json, and nothing require() can resolve): look for its
  // folder in the node_modules above each start, as Node's lookup does.
  for (const start of [projectDir, dirname(fileURLToPath(import.meta.url))]) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      const main = join(dir, 'node_modules', COMPONENTIZE_JS, 'src', 'componentize.js');
      if (existsSync(main)) return pathToFileURL(realpathSync(main)).href;
      if (dirname(dir) === dir) break;
    }
  }
  return undefined;
}

/**
 * componentize-js is an optional peer dependency of the package (only building JS/TS routes needs it, and it
 * is large): the message names the version kemi-wasm's package.json asks for. `kemi-wasm init` lists it in
 * the project's package.json, so `npm install` there is enough.
 */
export function componentizeJsMissing(dir: string): string {
  const { peerDependencies: peers } = JSON.parse(
    readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
  ) as { peerDependencies: Record<string, string> };
  return (
    `building JavaScript or TypeScript needs ${COMPONENTIZE_JS}, an optional dependency of kemi-wasm: in ` +
    `${dir} run npm i -D ${COMPONENTIZE_JS}@${peers[COMPONENTIZE_JS]}`
  );
}

export async function compileJavaScript(
  project: Extract<GuestProject, { language: 'javascript' }>,
  world: string,
): Promise<StepResult<CompiledComponent>> {
  const componentizeJs = findComponentizeJs(project.dir);
  if (!componentizeJs) return stepError('compile', componentizeJsMissing(project.dir));
  const work = mkdtempSync(join(tmpdir(), 'kemi-js-build-'));
  try {
    const out = join(work, 'component.wasm');
    const request: ChildRequest = {
      dir: project.dir,
      entry: project.entry,
      out,
      witPath,
      world,
      sdk: sdkPath,
      componentizeJs,
    };
    const run = await runChild([childPath, JSON.stringify(request)]);
    const command = `componentize-js ${project.entry} (StarlingMonkey, wizer)`;
    if (run.code !== 0)
      return stepError(
        'compile',
        `${project.name}: componentize-js failed: ${reason(run.output)}`,
        run.output,
      );
    return ok({ component: new Uint8Array(readFileSync(out)), command });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function runChild(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: TIMEOUT_MS,
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.on('close', (code, signal) =>
      resolve({ code: code ?? 1, output: signal ? `${output}\nended by ${signal}` : output }),
    );
  });
}

// The line that says what went wrong: a JavaScript error thrown while wizer loaded the guest, else the
// first error line, else the last line.
function reason(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return (
    lines.find((l) => /^(Error|SyntaxError|TypeError|ReferenceError|Exception)\b|Error: /.test(l)) ??
    lines.at(-1) ??
    'no output'
  );
}
