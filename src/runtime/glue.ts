// jco's transpiled glue as a plain function. The glue is an ES module; importing it through a data: URL
// would stay in the module cache forever, so its `export` keywords are removed and it is compiled with
// `new Function` (collectable), once per distinct glue text. Its per-call `_debugLog`, which reads
// process.env on every call, is replaced by a no-op.

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

const DEBUG_LOG =
  /const _debugLog = \(\.\.\.args\) => \{\s*if \(!globalThis\?\.process\?\.env\?\.JCO_DEBUG\) \{ return; \}\s*console\.debug\(\.\.\.args\);\s*\};/;

/** Turns the glue module's text into a function body returning `instantiate`, or says why it cannot. */
export function prepareGlue(source: string): { ok: true; body: string } | { ok: false; reason: string } {
  let body = source
    .replace(/^export function instantiate\(/m, 'function instantiate(')
    .replace(/^export const _util\b/m, 'const _util');
  const left = /^(?:export|import)\b.*$/m.exec(body);
  if (left)
    return {
      ok: false,
      reason: `the glue has a module statement jco's fallback cannot run: '${left[0].slice(0, 80)}'`,
    };
  if (/\bimport\s*\(/.test(body)) return { ok: false, reason: 'the glue imports modules dynamically' };
  if (!/^function instantiate\(/m.test(body))
    return { ok: false, reason: 'the glue has no instantiate function' };
  body = body.replace(DEBUG_LOG, 'const _debugLog = () => {};');
  return { ok: true, body: `'use strict';\n${body}\nreturn instantiate;` };
}

const MAX_CACHED = 32;
const cache = new Map<string, GlueInstantiate>();

/** The glue's `instantiate`, compiled once per glue hash (a small LRU: distinct glue shapes are few). */
export function glueInstantiate(hash: string, body: string): GlueInstantiate {
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
