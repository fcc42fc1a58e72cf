// The engine: from uploaded bytes to a compiled module, as a pure async function of (bytes, options) whose
// result is structured-cloneable (WebAssembly.Module is transferable by postMessage), so the registry can run
// it in a worker thread. Steps: size cap -> structure read and bomb guard -> world and capability check ->
// full validation by jco (transpile) -> choice of path -> rewrite (fuel, caps) -> WebAssembly.compile.
import { createHash } from 'node:crypto';
import { transpileBytes } from '@bytecodealliance/jco-transpile';
import { BinaryFormatError } from './byte-reader.ts';
import {
  type ComponentInfo,
  defaultStructureLimits,
  isComponent,
  readComponent,
  StructureLimitError,
  type StructureLimits,
} from './component-reader.ts';
import { isCoreModule } from './core-module.ts';
import { type CoreBinding, type FastShape, fastShape } from './fast-shape.ts';
import { prepareGlue } from './glue.ts';
import { defaultModuleLimits, type ModuleLimits } from './limits.ts';
import { type LoadError, loadError } from './load-error.ts';
import { type RewriteOptions, type RewriteResult, rewriteCore } from './rewrite.ts';
import { ksrPackage, type WitPackage } from './wit.ts';
import { checkWorld, interfaceOf } from './world-check.ts';

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
  readonly maxMemoryBytes: number | undefined;
  readonly maxTableElements: number | undefined;
  readonly timings: { readonly validateMs: number; readonly rewriteMs: number; readonly compileMs: number };
}

export interface FastModule {
  readonly path: 'fast';
  readonly meta: ModuleMeta;
  readonly core: WebAssembly.Module;
  /** The guest's core imports in order, each bound to a WIT function. */
  readonly bindings: readonly CoreBinding[];
  /** Routes with a `cabi_post_<route>` export. */
  readonly postReturn: readonly string[];
}

export interface JcoModule {
  readonly path: 'jco';
  readonly meta: ModuleMeta;
  readonly glueHash: string;
  /** Function body returning the glue's `instantiate` (see glue.ts). */
  readonly glueBody: string;
  readonly cores: Readonly<Record<string, WebAssembly.Module>>;
  /** Interface keys the glue reads from its imports object (`kemi:ksr/pv`). */
  readonly importKeys: readonly string[];
}

export type CompiledModule = FastModule | JcoModule;

export type CompileResult =
  | { readonly ok: true; readonly module: CompiledModule }
  | { readonly ok: false; readonly error: LoadError };

export async function compile(bytes: Uint8Array, options: CompileOptions = {}): Promise<CompileResult> {
  const limits: ModuleLimits = { ...defaultModuleLimits, ...options.limits };
  const pkg = options.pkg ?? ksrPackage;
  const world = options.world ?? 'script';
  const fail = (code: LoadError['code'], message: string): CompileResult => ({
    ok: false,
    error: loadError(code, message),
  });
  const t0 = performance.now();

  if (bytes.length > limits.maxComponentBytes) {
    return fail(
      'too-large',
      `the module is ${bytes.length} bytes, above the ${limits.maxComponentBytes}-byte limit`,
    );
  }
  if (isCoreModule(bytes)) {
    return fail(
      'not-component',
      'this is a core wasm module, not a component: make one with wit-component (`jco new`/componentNew)',
    );
  }
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    return fail('malformed', 'not WebAssembly: the first 4 bytes are not \\0asm');
  }
  if (!isComponent(bytes))
    return fail('not-component', 'this is WebAssembly but neither a core module nor a component');

  let info: ComponentInfo;
  try {
    info = readComponent(bytes, { ...defaultStructureLimits, ...options.structure });
  } catch (e) {
    if (e instanceof StructureLimitError) return fail('structure', e.message);
    if (!(e instanceof BinaryFormatError)) throw e;
    const invalid = await jcoRejects(bytes);
    return invalid
      ? fail('malformed', invalid)
      : fail('unsupported', `the component uses a construct this runtime does not read: ${e.message}`);
  }
  const capabilities = options.capabilities ? new Set(options.capabilities) : undefined;
  const refused = checkWorld(info, pkg, world, capabilities);
  if (refused) return { ok: false, error: refused };

  let transpiled: Awaited<ReturnType<typeof transpileBytes>>;
  try {
    transpiled = await transpileBytes(bytes, {
      name: 'component',
      instantiation: 'sync',
      emitTypescriptDeclarations: false,
    });
  } catch (e) {
    return fail('malformed', `invalid component: ${message(e)}`);
  }

  let shape: FastShape | undefined;
  if (options.path !== 'jco') {
    try {
      shape = fastShape(bytes, info, pkg, world);
    } catch (e) {
      if (!(e instanceof BinaryFormatError)) throw e;
      shape = {
        ok: false,
        reason: `a core module uses a construct the fast path does not read: ${e.message}`,
      };
    }
  }
  if (options.path === 'fast' && !shape?.ok)
    return fail(
      'path',
      `the fast path cannot run this component: ${shape?.ok === false ? shape.reason : ''}`,
    );
  const t1 = performance.now();

  const rewriteOptions: RewriteOptions = {
    fuel: limits.fuel,
    memoryBytes: limits.maxMemoryBytes,
    tableElements: limits.maxTableElements,
  };
  const functions = importedFunctions(info);
  const metaBase = {
    sha256: createHash('sha256').update(bytes).digest('hex'),
    size: bytes.length,
    imports: info.imports.map((i) => i.name),
    functions,
    fuel: limits.fuel,
    maxMemoryBytes: limits.maxMemoryBytes,
    maxTableElements: limits.maxTableElements,
  };

  if (shape?.ok) {
    const rewritten = rewriteCore(shape.core, rewriteOptions, shape.coreInfo);
    if (!rewritten.ok) return fail(REWRITE_ERRORS[rewritten.kind], `the core module: ${rewritten.message}`);
    const t2 = performance.now();
    let core: WebAssembly.Module;
    try {
      core = await WebAssembly.compile(rewritten.bytes as Uint8Array<ArrayBuffer>);
    } catch (e) {
      return fail('malformed', `the engine cannot compile the core module: ${message(e)}`);
    }
    const timings = { validateMs: t1 - t0, rewriteMs: t2 - t1, compileMs: performance.now() - t2 };
    const meta: ModuleMeta = { ...metaBase, path: 'fast', fallbackReason: undefined, timings };
    return {
      ok: true,
      module: { path: 'fast', meta, core, bindings: shape.bindings, postReturn: shape.postReturn },
    };
  }

  const glue = prepareGlue(new TextDecoder().decode(transpiled.files['component.js']));
  if (!glue.ok) return fail('unsupported', glue.reason);
  const rewritten: Record<string, Uint8Array> = {};
  for (const [name, file] of Object.entries(transpiled.files)) {
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
    if (!r.ok) return fail(REWRITE_ERRORS[r.kind], `core module ${name}: ${r.message}`);
    rewritten[name] = r.bytes;
  }
  const t2 = performance.now();
  const cores: Record<string, WebAssembly.Module> = {};
  try {
    await Promise.all(
      Object.entries(rewritten).map(async ([name, b]) => {
        cores[name] = await WebAssembly.compile(b as Uint8Array<ArrayBuffer>);
      }),
    );
  } catch (e) {
    return fail('malformed', `the engine cannot compile a core module: ${message(e)}`);
  }
  const timings = { validateMs: t1 - t0, rewriteMs: t2 - t1, compileMs: performance.now() - t2 };
  const fallbackReason =
    options.path === 'jco' ? 'the jco path was requested' : shape?.ok === false ? shape.reason : undefined;
  const meta: ModuleMeta = { ...metaBase, path: 'jco', fallbackReason, timings };
  return {
    ok: true,
    module: {
      path: 'jco',
      meta,
      glueHash: createHash('sha256').update(glue.body).digest('hex'),
      glueBody: glue.body,
      cores,
      importKeys: transpiled.imports,
    },
  };
}

const REWRITE_ERRORS: Record<'cap' | 'reserved' | 'rewrite', LoadError['code']> = {
  cap: 'limit',
  reserved: 'import',
  rewrite: 'unsupported',
};

function importedFunctions(info: ComponentInfo): CoreBinding[] {
  const out: CoreBinding[] = [];
  for (const imp of info.imports) {
    if (imp.extern.sort !== 'instance' || !imp.extern.type) continue;
    const iface = interfaceOf(imp.name);
    for (const name of imp.extern.type.exports.keys()) out.push({ iface, fn: name });
  }
  return out;
}

/** jco's verdict on bytes this runtime's reader could not read: its message if it rejects them. */
async function jcoRejects(bytes: Uint8Array): Promise<string | undefined> {
  try {
    await transpileBytes(bytes, {
      name: 'component',
      instantiation: 'sync',
      emitTypescriptDeclarations: false,
    });
    return undefined;
  } catch (e) {
    return `invalid component: ${message(e)}`;
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
