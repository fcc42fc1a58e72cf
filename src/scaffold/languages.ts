// The languages `kemi-wasm init` scaffolds. Each starts from the example of the chosen template in
// guest-examples/<language>/ (copied at init time, so a template is never a second copy of an example) and
// wires in the SDK of this installation by a path relative to the new project. A new language is one more
// entry here.
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

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
} satisfies Record<string, ScaffoldLanguage>;

export type LanguageName = keyof typeof LANGUAGES;
export const LANGUAGE_NAMES = Object.keys(LANGUAGES) as LanguageName[];

/** package.json of an AssemblyScript route: the compiler (an optional peer of kemi-wasm) and the scripts. */
function assemblyScriptPackage(name: string): object {
  // The versions kemi-wasm's builder is made for (its optional peer dependencies).
  const own = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    peerDependencies: Record<string, string>;
  };
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
      assemblyscript: own.peerDependencies.assemblyscript,
    },
  };
}
