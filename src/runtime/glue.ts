// jco's transpiled glue as a plain function. The glue is an ES module; importing it through a data: URL
// would stay in the module cache forever, so its `export` keywords are removed and it is compiled with
// `new Function` (collectable), once per distinct glue text. Its per-call `_debugLog`, which reads
// process.env on every call, is replaced by a no-op. These are edits of text jco generates: jco is pinned to
// one exact version in package.json, and test/runtime/glue.test.ts checks that every edit still matches the
// glue it generates.
import { err, ok, type Result } from '../result.ts';

export type CoreModuleSource = (name: string) => WebAssembly.Module;
export type InstantiateCore = (
  module: WebAssembly.Module,
  imports: WebAssembly.Imports,
) => WebAssembly.Instance;
export type GlueInstantiate = (
  getCoreModule: CoreModuleSource,
  imports: Record<string, Record<string, unknown>>,
  instantiateCore: InstantiateCore,
) => Record<string, unknown>;

/** The edits made to the glue's text, in order. */
export const GLUE_PATCHES: readonly { readonly pattern: RegExp; readonly replacement: string }[] = [
  { pattern: /^export function instantiate\(/m, replacement: 'function instantiate(' },
  { pattern: /^export const _util\b/m, replacement: 'const _util' },
  {
    pattern:
      /const _debugLog = \(\.\.\.args\) => \{\s*if \(!globalThis\?\.process\?\.env\?\.JCO_DEBUG\) \{ return; \}\s*console\.debug\(\.\.\.args\);\s*\};/,
    replacement: 'const _debugLog = () => {};',
  },
];

/** Turns the glue module's text into a function body returning `instantiate`, or says why it cannot. */
export function prepareGlue(source: string): Result<string, string> {
  let body = source;
  for (const { pattern, replacement } of GLUE_PATCHES) body = body.replace(pattern, replacement);
  const left = /^(?:export|import)\b.*$/m.exec(body);
  if (left)
    return err(`the glue has a module statement jco's fallback cannot run: '${left[0].slice(0, 80)}'`);
  if (/\bimport\s*\(/.test(body)) return err('the glue imports modules dynamically');
  if (!/^function instantiate\(/m.test(body)) return err('the glue has no instantiate function');
  return ok(`'use strict';\n${body}\nreturn instantiate;`);
}

const MAX_CACHED = 32;

/** Compiled glue functions by glue hash: a small LRU (distinct glue shapes are few). The linker owns one. */
export class GlueCache {
  readonly #cache = new Map<string, GlueInstantiate>();

  /** The glue's `instantiate`, compiled once per glue hash. */
  instantiate(hash: string, body: string): GlueInstantiate {
    const cache = this.#cache;
    let fn = cache.get(hash);
    if (fn) {
      cache.delete(hash);
    } else {
      fn = new Function(body)() as GlueInstantiate;
      if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
    }
    cache.set(hash, fn);
    return fn;
  }
}
