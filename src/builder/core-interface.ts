// The imports and exports of a core module, read by V8 itself (which also validates the module the way
// Node will load it). tsconfig has no DOM lib, where TypeScript declares WebAssembly: the little used here
// is typed locally.

export interface CoreInterface {
  readonly imports: readonly { readonly module: string; readonly name: string; readonly kind: string }[];
  readonly exports: readonly { readonly name: string; readonly kind: string }[];
}

interface WasmModuleApi {
  new (bytes: Uint8Array): object;
  imports(module: object): CoreInterface['imports'];
  exports(module: object): CoreInterface['exports'];
}

const { Module } = (globalThis as unknown as { WebAssembly: { Module: WasmModuleApi } }).WebAssembly;

/** Throws WebAssembly.CompileError for an invalid module. */
export function readCoreInterface(bytes: Uint8Array): CoreInterface {
  const module = new Module(bytes);
  return { imports: Module.imports(module), exports: Module.exports(module) };
}
