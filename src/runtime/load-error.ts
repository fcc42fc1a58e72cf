// Why a module was refused at load. A value, not an exception: hostile or broken uploads are expected.
import type { Problem } from '../result.ts';

export type LoadErrorCode =
  /** Larger than ModuleLimits.maxComponentBytes. */
  | 'too-large'
  /** Not WebAssembly, truncated, or invalid (jco's validator or the engine says where). */
  | 'malformed'
  /** A core module (or other wasm) where a component is required. */
  | 'not-component'
  /** Too deeply nested, or would create too many instances or modules: a component bomb. */
  | 'structure'
  /** A valid component using something this runtime does not run (resources, async, values ...). */
  | 'unsupported'
  /** Imports something outside the KSR world (WASI, another package or version, a non-instance). */
  | 'import'
  /** Imports a KSR interface the tenant was not granted. */
  | 'capability'
  /** A route export is missing or has the wrong type. */
  | 'export'
  /** Its declared memory or table is above the tenant's cap. */
  | 'limit'
  /** The fast path was required but the component's shape does not allow it. */
  | 'path';

/** Its message says what was wrong and where: the import, export, byte offset or limit. */
export type LoadError = Problem<LoadErrorCode>;

export function loadError(code: LoadErrorCode, message: string): LoadError {
  return { code, message };
}
