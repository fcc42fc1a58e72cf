// The child process that turns a JavaScript/TypeScript guest into a component with componentize-js
// (StarlingMonkey, SpiderMonkey compiled to wasm, snapshotted by wizer with the guest's modules loaded).
// A process of its own: componentize-js needs process-wide set-up (a resolve hook, WASI preopens for its
// splicer), prints to the console, and takes hundreds of MB while it runs.
//   node componentize-js-child.ts '<JSON of ChildRequest>'   -> the component written to `out`
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire, registerHooks, stripTypeScriptTypes } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface ChildRequest {
  /** The guest project's folder and its entry, relative to it. */
  readonly dir: string;
  readonly entry: string;
  /** Where to write the component. */
  readonly out: string;
  readonly witPath: string;
  readonly world: string;
  /** The SDK's ksr.js, which `import ... from 'kemi-wasm/ksr'` is pointed at. */
  readonly sdk: string;
  /** File URL of componentize-js's main module. */
  readonly componentizeJs: string;
}

/** The specifier guests import the SDK by; the staged copy points it at the SDK's file. */
export const SDK_SPECIFIER = 'kemi-wasm/ksr';
const SKIPPED_DIRS = new Set(['node_modules', 'build', 'dist']);
const SOURCE = /\.(m?js|m?ts)$/;
const TYPESCRIPT = /\.m?ts$/;

/** Copies the project's sources into `stage`, types stripped, the SDK specifier made relative. */
export function stageProject(dir: string, stage: string, sdkFile: string): void {
  const walk = (from: string) => {
    for (const item of readdirSync(from, { withFileTypes: true })) {
      const source = join(from, item.name);
      const target = join(stage, relative(dir, source));
      if (item.isDirectory()) {
        if (!item.name.startsWith('.') && !SKIPPED_DIRS.has(item.name)) walk(source);
      } else if (item.isFile() && SOURCE.test(item.name) && !item.name.endsWith('.d.ts')) {
        mkdirSync(dirname(target), { recursive: true });
        let text = readFileSync(source, 'utf8');
        // 'transform' also accepts enums and namespaces; the file keeps its name, so that imports written
        // with the .ts extension (as Node runs TypeScript) resolve.
        if (TYPESCRIPT.test(item.name)) text = stripTypeScriptTypes(text, { mode: 'transform' });
        let sdk = relative(dirname(target), sdkFile);
        if (!sdk.startsWith('.')) sdk = `./${sdk}`;
        text = text.replace(/(from\s*)(['"])kemi-wasm\/ksr\2/g, `$1'${sdk}'`);
        writeFileSync(target, text);
      }
    }
  };
  walk(dir);
}

/** The module componentize-js is given: the guest's snake_case routes under the world's export names. */
export function entryWrapper(entry: string): string {
  const routes = ['request_route', 'reply_route', 'named_route'];
  return [
    `import * as routes from '../${entry}';`,
    `for (const name of ${JSON.stringify(routes)}) {`,
    "  if (typeof routes[name] !== 'function')",
    `    throw new Error(\`${entry} does not export the function \${name}: export request_route, reply_route and named_route\`);`,
    '}',
    'export function requestRoute() { routes.request_route(); }',
    'export function replyRoute() { routes.reply_route(); }',
    'export function namedRoute(name) { routes.named_route(name); }',
    '',
  ].join('\n');
}

// componentize-js 0.23 imports @bytecodealliance/preview2-shim without depending on it; npm usually hoists
// jco's copy next to it, but not always. Resolve it from jco's folder when the normal lookup fails, and
// return the URL of the filesystem shim the splicer will use (the same module instance).
function resolveShimFromJco(componentizeJs: string): string {
  const jcoPackage = join(dirname(fileURLToPath(componentizeJs)), '..', '..', 'jco', 'package.json');
  const filesystem = '@bytecodealliance/preview2-shim/filesystem';
  let shim: string | undefined;
  for (const from of [componentizeJs, pathToFileURL(jcoPackage).href]) {
    try {
      shim = pathToFileURL(createRequire(from).resolve(filesystem)).href;
      break;
    } catch {}
  }
  if (!shim)
    throw new Error(
      'componentize-js needs @bytecodealliance/preview2-shim: npm install @bytecodealliance/preview2-shim',
    );
  registerHooks({
    resolve(specifier, context, next) {
      try {
        return next(specifier, context);
      } catch (error) {
        if (!specifier.startsWith('@bytecodealliance/preview2-shim')) throw error;
        return next(specifier, { ...context, parentURL: pathToFileURL(jcoPackage).href });
      }
    },
  });
  return shim;
}

async function main(request: ChildRequest): Promise<void> {
  const shim = resolveShimFromJco(request.componentizeJs);
  const stage = mkdtempSync(join(tmpdir(), 'kemi-js-guest-'));
  try {
    const sdkFile = join(stage, '__kemi', 'ksr.js');
    mkdirSync(dirname(sdkFile), { recursive: true });
    copyFileSync(request.sdk, sdkFile);
    stageProject(request.dir, stage, sdkFile);
    writeFileSync(join(stage, '__kemi', 'entry.js'), entryWrapper(request.entry));
    // The splicer (a wasm component on jco's WASI shim) reads the WIT through a preopen: only its folder.
    const witDir = dirname(request.witPath);
    const { _setPreopens } = await import(shim);
    _setPreopens({ [witDir]: witDir });
    // wizer maps the working directory as the guest's root when the source is inside it.
    process.chdir(stage);
    const { componentize } = await import(request.componentizeJs);
    const { component } = await componentize({
      sourcePath: join(stage, '__kemi', 'entry.js'),
      witPath: request.witPath,
      worldName: request.world,
      // No WASI: a route reaches the host only through KSR (docs/guests.md).
      disableFeatures: ['stdio', 'random', 'clocks', 'http', 'fetch-event'],
    });
    mkdirSync(dirname(request.out), { recursive: true });
    writeFileSync(request.out, component);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(JSON.parse(process.argv[2]) as ChildRequest).catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
