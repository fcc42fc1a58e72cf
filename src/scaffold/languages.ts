// The languages `kemi-wasm init` scaffolds. Each starts from the example of the chosen template in
// guest-examples/<language>/ (copied at init time, so a template is never a second copy of an example) and
// wires in the SDK of this installation by a path relative to the new project. A new language is one more
// entry here.
import { readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eraseTypes } from './erase-types.ts';

/** Where this installation keeps the examples and the SDKs (the package root's guest-examples/). */
export const EXAMPLES_DIR = fileURLToPath(new URL('../../guest-examples/', import.meta.url));

export const TEMPLATES = ['hello', 'proxy', 'registrar'] as const;
export type Template = (typeof TEMPLATES)[number];

export interface ScaffoldLanguage {
  /** The folder under guest-examples/ with one example per template. */
  readonly examples: string;
  /** Files and folders of an example that are build output, not sources. */
  readonly skip: readonly string[];
  /** Adapts the copied example in `dir` to its new name and to this installation's SDK. */
  wire(dir: string, name: string): Promise<void>;
  /** The commands that build the route, shown in the new README. */
  readonly toolchain: string;
}

/** A path for an import or a manifest: from `from` to `to`, with forward slashes, starting with a dot. */
export function pathFrom(from: string, to: string): string {
  const rel = relative(from, to).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

const COMPONENTIZE_JS = '@bytecodealliance/componentize-js';
const COMPONENTIZE_JS_TOOLCHAIN =
  `${COMPONENTIZE_JS} (SpiderMonkey compiled to WebAssembly), an optional dependency of kemi-wasm: ` +
  '`npm install` here installs it (package.json lists it)';

export const LANGUAGES = {
  assemblyscript: {
    examples: 'assemblyscript',
    skip: ['build'],
    toolchain:
      'the AssemblyScript compiler, an optional dependency of kemi-wasm: `npm install` here installs it ' +
      '(package.json lists it)',
    async wire(dir, name) {
      // The examples import the SDK as '../../sdk' from assembly/: point that at this installation's SDK.
      const sdk = pathFrom(join(dir, 'assembly'), join(EXAMPLES_DIR, 'assemblyscript', 'sdk'));
      const entry = join(dir, 'assembly', 'index.ts');
      const source = await readFile(entry, 'utf8');
      await writeFile(entry, source.replaceAll("from '../../sdk", `from '${sdk}`));
      await writeFile(join(dir, 'package.json'), `${JSON.stringify(assemblyScriptPackage(name), null, 2)}\n`);
    },
  },
  rust: {
    examples: 'rust',
    // Cargo.lock names the example's crate; cargo writes a new one (the SDK crate has no dependencies).
    skip: ['target', 'build', 'Cargo.lock'],
    toolchain:
      'Rust with the wasm32 standard library (Debian: apt-get install rustc cargo libstd-rust-dev-wasm32)',
    async wire(dir, name) {
      const manifest = join(dir, 'Cargo.toml');
      const ksr = pathFrom(dir, join(EXAMPLES_DIR, 'rust', 'ksr'));
      const text = (await readFile(manifest, 'utf8'))
        .replace(/^name = ".*"$/m, `name = "${name}"`)
        .replace(/^ksr = \{ path = ".*" \}$/m, `ksr = { path = "${ksr}" }`);
      await writeFile(manifest, text);
    },
  },
  // JavaScript and TypeScript: the examples in guest-examples/js/ are TypeScript; a JavaScript project gets
  // the same source with its types erased. The source imports the SDK as 'kemi-wasm/ksr', which the build
  // resolves itself; tsconfig.json / jsconfig.json point editors (and tsc) at this installation's types.
  js: {
    examples: 'js',
    skip: ['build', 'node_modules'],
    toolchain: COMPONENTIZE_JS_TOOLCHAIN,
    async wire(dir, name) {
      const source = await readFile(join(dir, 'index.ts'), 'utf8');
      await writeFile(join(dir, 'index.js'), eraseTypes(source));
      await rm(join(dir, 'index.ts'));
      await writeJavaScriptProject(dir, name, 'index.js', 'jsconfig.json');
    },
  },
  ts: {
    examples: 'js',
    skip: ['build', 'node_modules'],
    toolchain: COMPONENTIZE_JS_TOOLCHAIN,
    async wire(dir, name) {
      await writeJavaScriptProject(dir, name, 'index.ts', 'tsconfig.json');
    },
  },
} satisfies Record<string, ScaffoldLanguage>;

export type LanguageName = keyof typeof LANGUAGES;
export const LANGUAGE_NAMES = Object.keys(LANGUAGES) as LanguageName[];

/** The versions kemi-wasm's builder is made for (its optional peer dependencies). */
function peerVersions(): Record<string, string> {
  const own = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    peerDependencies: Record<string, string>;
  };
  return own.peerDependencies;
}

/** package.json and the editor's config (the SDK's types by path) of a JavaScript/TypeScript route. */
async function writeJavaScriptProject(dir: string, name: string, main: string, config: string) {
  const pkg = {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    main,
    scripts: {
      build: 'kemi-wasm build .',
      test: `kemi-wasm build . && kemi-wasm test build/${name}.wasm test/cases.yaml`,
    },
    devDependencies: { [COMPONENTIZE_JS]: peerVersions()[COMPONENTIZE_JS] },
  };
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  const compilerOptions = {
    target: 'es2022',
    module: 'esnext',
    moduleResolution: 'bundler',
    // TypeScript: `tsc -p .` type-checks the route against the SDK (the build does not check types).
    ...(main.endsWith('.ts') ? { strict: true, allowImportingTsExtensions: true } : {}),
    noEmit: true,
    types: [],
    // The SDK's types: `kemi-wasm build` points the import at the SDK itself.
    paths: { 'kemi-wasm/ksr': [pathFrom(dir, join(EXAMPLES_DIR, 'js', 'sdk', 'ksr.d.ts'))] },
  };
  const include = [main];
  await writeFile(join(dir, config), `${JSON.stringify({ compilerOptions, include }, null, 2)}\n`);
}

/** package.json of an AssemblyScript route: the compiler (an optional peer of kemi-wasm) and the scripts. */
function assemblyScriptPackage(name: string): object {
  return {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: {
      build: 'kemi-wasm build .',
      test: `kemi-wasm build . && kemi-wasm test build/${name}.wasm test/cases.yaml`,
    },
    devDependencies: {
      assemblyscript: peerVersions().assemblyscript,
    },
  };
}
