// Imports an optional dependency of the builder (the AssemblyScript compiler) from the guest
// project first, then from kemi-wasm's own location. A project can so carry the compiler in its own
// package.json (what `kemi-wasm init` writes) while kemi-wasm is installed elsewhere (globally, or in
// another project); Node's own resolution only looks upward from kemi-wasm's files.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** `import(specifier)` as if imported from a file in `projectDir`, else from here; throws when neither has it. */
export async function importOptional<T>(specifier: string, projectDir: string | undefined): Promise<T> {
  const local = projectDir === undefined ? undefined : resolveFrom(specifier, projectDir);
  return (await import(local ?? specifier)) as T;
}

/** The file URL `specifier` (`pkg` or `pkg/sub`) resolves to from `dir` for an ESM import, if installed. */
export function resolveFrom(specifier: string, dir: string): string | undefined {
  const [name, ...rest] = specifier.split('/');
  const subpath = rest.length > 0 ? `./${rest.join('/')}` : '.';
  for (let at = dir; ; at = dirname(at)) {
    const pkgDir = join(at, 'node_modules', name);
    if (existsSync(join(pkgDir, 'package.json'))) {
      const entry = entryOf(pkgDir, subpath);
      return entry === undefined ? undefined : pathToFileURL(join(pkgDir, entry)).href;
    }
    if (dirname(at) === at) return undefined;
  }
}

type Exports = string | { import?: Exports; default?: Exports } | Record<string, unknown>;

function entryOf(pkgDir: string, subpath: string): string | undefined {
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
    exports?: Record<string, Exports> | string;
    main?: string;
  };
  const exported = typeof pkg.exports === 'string' ? { '.': pkg.exports } : pkg.exports;
  if (exported === undefined) return subpath === '.' ? (pkg.main ?? 'index.js') : subpath;
  return importTarget(exported[subpath]);
}

function importTarget(target: Exports | undefined): string | undefined {
  if (target === undefined || typeof target === 'string') return target;
  const conditions = target as { import?: Exports; default?: Exports };
  return importTarget(conditions.import ?? conditions.default);
}
