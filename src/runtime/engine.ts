// The engine: from uploaded bytes to a compiled module, as an async function of (bytes, options) whose result
// is structured-cloneable (WebAssembly.Module is transferable by postMessage), so the registry can run it in
// a worker thread. Steps: size cap -> structure read and bomb guard -> world and capability check -> full
// validation by jco (transpile) -> choice of path -> rewrite (fuel, caps) -> WebAssembly.compile.
// The engine owns its transpiler (see transpile.ts): a validator worker by default; in the compile worker,
// jco in that thread, so that no worker starts another.
// The rewrite (binaryen.js, ~100 MB resident once loaded) is imported on the first compile, not with this
// module: the server imports the engine for `materialize` and the types, and never rewrites in its own
// process (the compile process does), so binaryen stays out of the server's memory.
import { createHash } from 'node:crypto';
import { fail, ok, type Result } from '../result.ts';
import { BinaryFormatError } from './byte-reader.ts';
import type { ComponentInfo, StructureLimits } from './component-reader.ts';
import type { CoreBinding } from './fast-shape.ts';
import { prepareGlue } from './glue.ts';
import { defaultModuleLimits, type ModuleLimits } from './limits.ts';
import type { LoadError } from './load-error.ts';
import type { RewriteOptions, RewriteProblem, RewriteResult } from './rewrite.ts';
import { type Transpiler, WorkerTranspiler } from './transpile.ts';
import { validate } from './validate.ts';
import { ksrPackage, type WitPackage } from './wit.ts';
import { interfaceOf } from './world-check.ts';

export type RoutePath = 'fast' | 'jco';

export interface CompileOptions {
  readonly limits?: Partial<ModuleLimits>;
  /** KSR interface names (`pv`, `sl`) the tenant may import; all interfaces of the world when absent. */
  readonly capabilities?: readonly string[];
  /** 'auto' (default) takes the fast path when the component's shape allows it. */
  readonly path?: 'auto' | RoutePath;
  readonly structure?: Partial<StructureLimits>;
  readonly pkg?: WitPackage;
  readonly world?: string;
}

export interface ModuleMeta {
  readonly sha256: string;
  readonly size: number;
  readonly path: RoutePath;
  /** Why the fast path was not taken, when it was not. */
  readonly fallbackReason: string | undefined;
  /** Imported interfaces, qualified (`kemi:ksr/pv@0.1.0`). */
  readonly imports: readonly string[];
  /** Every KSR function the component imports. */
  readonly functions: readonly CoreBinding[];
  readonly fuel: boolean;
  /**
   * The module embeds a JavaScript engine (StarlingMonkey, from componentize-js: its core module exports
   * `wizer.resume` and `check_init`); its invocations get `InvocationLimits.jsFuel`. A module that only
   * pretends to be one gets the larger budget and is still held by the deadline.
   */
  readonly jsEngine: boolean;
  readonly maxMemoryBytes: number | undefined;
  readonly maxTableElements: number | undefined;
  readonly timings: { readonly validateMs: number; readonly rewriteMs: number; readonly compileMs: number };
}

/**
 * `C` is how a core module is held: compiled (`WebAssembly.Module`, the default), or as its rewritten bytes
 * (`Uint8Array`: a `PortableModule`, which can cross a process boundary; a WebAssembly.Module cannot).
 */
export interface FastModule<C = WebAssembly.Module> {
  readonly path: 'fast';
  readonly meta: ModuleMeta;
  readonly core: C;
  /** The guest's core imports in order, each bound to a WIT function. */
  readonly bindings: readonly CoreBinding[];
  /** Routes with a `cabi_post_<route>` export. */
  readonly postReturn: readonly string[];
}

export interface JcoModule<C = WebAssembly.Module> {
  readonly path: 'jco';
  readonly meta: ModuleMeta;
  readonly glueHash: string;
  /** Function body returning the glue's `instantiate` (see glue.ts). */
  readonly glueBody: string;
  readonly cores: Readonly<Record<string, C>>;
  /** Interface keys the glue reads from its imports object (`kemi:ksr/pv`). */
  readonly importKeys: readonly string[];
}

export type CompiledModule<C = WebAssembly.Module> = FastModule<C> | JcoModule<C>;

export type CompileResult = Result<CompiledModule, LoadError>;

/** A compiled module with its cores as bytes (each known to compile): what a compile process sends back. */
export type PortableModule = CompiledModule<Uint8Array>;
export type PortableResult = Result<PortableModule, LoadError>;

export class Engine {
  readonly #transpiler: Transpiler;

  constructor(transpiler: Transpiler = new WorkerTranspiler()) {
    this.#transpiler = transpiler;
  }

  /** Validates, rewrites and compiles `bytes`; a refusal is a value, never a throw. */
  compile(bytes: Uint8Array, options: CompileOptions = {}): Promise<CompileResult> {
    return compile(bytes, options, this.#transpiler, compileCore);
  }

  /**
   * As compile(), with each core module compiled (so that a module V8 refuses is refused here) but returned
   * as its bytes: for a compile in another process, whose caller then calls `materialize`.
   */
  compilePortable(bytes: Uint8Array, options: CompileOptions = {}): Promise<PortableResult> {
    return compile(bytes, options, this.#transpiler, async (what, core) => {
      const compiled = await compileCore(what, core);
      return compiled.ok ? ok(core) : compiled;
    });
  }

  /** Ends the engine's validator worker, if it has one. */
  close(): Promise<void> {
    return this.#transpiler.close();
  }
}

/** Compiles the cores of a portable module in this process (V8 compiles off the event loop). */
export async function materialize(module: PortableModule): Promise<CompileResult> {
  if (module.path === 'fast') {
    const core = await compileCore('the core module', module.core);
    return core.ok ? ok({ ...module, core: core.value }) : core;
  }
  const names = Object.keys(module.cores);
  const compiled = await Promise.all(names.map((n) => compileCore(`core module ${n}`, module.cores[n])));
  const cores: Record<string, WebAssembly.Module> = {};
  for (const [i, c] of compiled.entries()) {
    if (!c.ok) return c;
    cores[names[i]] = c.value;
  }
  return ok({ ...module, cores });
}

type CoreCompiler<C> = (what: string, bytes: Uint8Array) => Promise<Result<C, LoadError>>;

async function compile<C>(
  bytes: Uint8Array,
  options: CompileOptions,
  transpiler: Transpiler,
  coreOf: CoreCompiler<C>,
): Promise<Result<CompiledModule<C>, LoadError>> {
  const limits: ModuleLimits = { ...defaultModuleLimits, ...options.limits };
  const pkg = options.pkg ?? ksrPackage;
  const world = options.world ?? 'script';
  const t0 = performance.now();
  const validated = await validate(bytes, options, limits, pkg, world, transpiler);
  if (!validated.ok) return validated;
  const valid = validated.value;
  const t1 = performance.now();
  const { rewriteCore } = await import('./rewrite.ts');

  const rewriteOptions: RewriteOptions = {
    fuel: limits.fuel,
    memoryBytes: limits.maxMemoryBytes,
    tableElements: limits.maxTableElements,
  };
  const meta = {
    sha256: createHash('sha256').update(bytes).digest('hex'),
    size: bytes.length,
    imports: valid.info.imports.map((i) => i.name),
    functions: importedFunctions(valid.info),
    fuel: limits.fuel,
    maxMemoryBytes: limits.maxMemoryBytes,
    maxTableElements: limits.maxTableElements,
  };
  const timings = (t2: number) => ({
    validateMs: t1 - t0,
    rewriteMs: t2 - t1,
    compileMs: performance.now() - t2,
  });

  const { shape } = valid;
  if (shape?.ok) {
    const fast = shape.value;
    // The single core module of the fast path owns its fuel global (cheaper to reach than an import).
    const rewritten = rewriteCore(fast.core, { ...rewriteOptions, fuelGlobal: 'export' }, fast.coreInfo);
    if (!rewritten.ok) {
      return fail(REWRITE_ERRORS[rewritten.error.code], `the core module: ${rewritten.error.message}`);
    }
    const t2 = performance.now();
    const core = await coreOf('the core module', rewritten.value.bytes);
    if (!core.ok) return core;
    const exported = new Set(fast.coreInfo.exports.map((e) => e.name));
    const fastMeta: ModuleMeta = {
      ...meta,
      path: 'fast',
      fallbackReason: undefined,
      jsEngine: exported.has('wizer.resume') && exported.has('check_init'),
      timings: timings(t2),
    };
    return ok({
      path: 'fast',
      meta: fastMeta,
      core: core.value,
      bindings: fast.bindings,
      postReturn: fast.postReturn,
    });
  }

  const files = valid.transpiled.files;
  const glue = prepareGlue(new TextDecoder().decode(files['component.js']));
  if (!glue.ok) return fail('unsupported', glue.error);
  const rewritten: [string, Uint8Array][] = [];
  for (const [name, file] of Object.entries(files)) {
    if (!name.endsWith('.wasm')) continue;
    let r: RewriteResult;
    try {
      r = rewriteCore(file, rewriteOptions);
    } catch (e) {
      if (!(e instanceof BinaryFormatError)) throw e;
      return fail(
        'unsupported',
        `core module ${name} uses a construct this runtime does not read: ${e.message}`,
      );
    }
    if (!r.ok) return fail(REWRITE_ERRORS[r.error.code], `core module ${name}: ${r.error.message}`);
    rewritten.push([name, r.value.bytes]);
  }
  const t2 = performance.now();
  const compiled = await Promise.all(rewritten.map(([name, b]) => coreOf(`core module ${name}`, b)));
  const cores: Record<string, C> = {};
  for (const [i, c] of compiled.entries()) {
    if (!c.ok) return c;
    cores[rewritten[i][0]] = c.value;
  }
  const fallbackReason =
    options.path === 'jco' ? 'the jco path was requested' : shape?.ok === false ? shape.error : undefined;
  const jcoMeta: ModuleMeta = { ...meta, path: 'jco', fallbackReason, jsEngine: false, timings: timings(t2) };
  return ok({
    path: 'jco',
    meta: jcoMeta,
    glueHash: createHash('sha256').update(glue.value).digest('hex'),
    glueBody: glue.value,
    cores,
    importKeys: valid.transpiled.imports,
  });
}

const REWRITE_ERRORS: Record<RewriteProblem['code'], LoadError['code']> = {
  cap: 'limit',
  reserved: 'import',
  unsafe: 'unsupported',
  rewrite: 'unsupported',
};

async function compileCore(what: string, bytes: Uint8Array): Promise<Result<WebAssembly.Module, LoadError>> {
  try {
    return ok(await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>));
  } catch (e) {
    return fail(
      'malformed',
      `the engine cannot compile ${what}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

function importedFunctions(info: ComponentInfo): CoreBinding[] {
  const out: CoreBinding[] = [];
  for (const imp of info.imports) {
    if (imp.extern.sort !== 'instance' || !imp.extern.type) continue;
    const iface = interfaceOf(imp.name);
    for (const name of imp.extern.type.exports.keys()) out.push({ iface, fn: name });
  }
  return out;
}
