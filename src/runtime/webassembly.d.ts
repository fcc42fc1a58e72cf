// The JS API of WebAssembly that the runtime uses. TypeScript declares it only in the DOM and webworker
// libs, which this Node project does not load (they clash with @types/node). If the project ever adds one of
// those libs, delete this file.

declare namespace WebAssembly {
  type ImportValue = ExportValue | Suspending | number | bigint;
  // biome-ignore lint/complexity/noBannedTypes: exported functions have any core signature.
  type ExportValue = Function | Global | Memory | Table;
  type ModuleImports = Record<string, ImportValue>;
  type Imports = Record<string, ModuleImports>;
  type Exports = Record<string, ExportValue>;
  type ImportExportKind = 'function' | 'global' | 'memory' | 'table' | 'tag';
  type ValueType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'externref' | 'anyfunc';
  type BufferSource = ArrayBufferView<ArrayBuffer> | ArrayBuffer;

  interface ModuleImportDescriptor {
    module: string;
    name: string;
    kind: ImportExportKind;
  }

  interface ModuleExportDescriptor {
    name: string;
    kind: ImportExportKind;
  }

  class Module {
    constructor(bytes: BufferSource);
    static imports(module: Module): ModuleImportDescriptor[];
    static exports(module: Module): ModuleExportDescriptor[];
    static customSections(module: Module, name: string): ArrayBuffer[];
  }

  class Instance {
    constructor(module: Module, imports?: Imports);
    readonly exports: Exports;
  }

  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }

  class Memory {
    constructor(descriptor: MemoryDescriptor);
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }

  interface GlobalDescriptor {
    value: ValueType;
    mutable?: boolean;
  }

  class Global {
    constructor(descriptor: GlobalDescriptor, value?: number | bigint);
    value: number;
    valueOf(): number;
  }

  interface TableDescriptor {
    element: 'anyfunc' | 'externref';
    initial: number;
    maximum?: number;
  }

  class Table {
    constructor(descriptor: TableDescriptor, value?: unknown);
    readonly length: number;
    get(index: number): unknown;
    grow(delta: number, value?: unknown): number;
    set(index: number, value?: unknown): void;
  }

  class CompileError extends Error {}
  class LinkError extends Error {}
  class RuntimeError extends Error {}

  interface WebAssemblyInstantiatedSource {
    module: Module;
    instance: Instance;
  }

  /** JSPI: a host function the guest may wait on (it returns a Promise; the guest suspends until it settles). */
  class Suspending {
    // biome-ignore lint/complexity/noBannedTypes: a host function of any core signature.
    constructor(fn: Function);
  }
  /** JSPI: an export called so that the imports it reaches may suspend; returns a Promise of its result. */
  function promising<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => Promise<R>;

  function compile(bytes: BufferSource): Promise<Module>;
  function instantiate(bytes: BufferSource, imports?: Imports): Promise<WebAssemblyInstantiatedSource>;
  function instantiate(module: Module, imports?: Imports): Promise<Instance>;
  function validate(bytes: BufferSource): boolean;
}
