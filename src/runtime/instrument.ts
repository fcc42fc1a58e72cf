// The binaryen rewrite of a core module: fuel metering and the memory.grow guard. Both are done by
// binaryen's own C++ passes (no JS walk over expressions): `log-execution` puts a call at every function
// entry, function exit and loop header, and `instrument-memory` (filtered to `memory.grow`) wraps every grow.
// The imported hooks those passes add are then replaced by small defined functions and inlined:
//   fuel:  fuel -= 1; if (fuel < 0) unreachable        (fuel: an imported mutable i32 global)
//   grow:  if (result == -1) memory-exhausted = 1       (an imported mutable i32 global)
// The host sets `fuel` before each invocation; after a trap, fuel < 0 means "out of fuel" and
// memory-exhausted = 1 means a grow was refused (the memory cap) before the trap.
import binaryen from 'binaryen';

/** Import module of the globals the rewrite adds; no guest can import it (the world check refuses it). */
export const RUNTIME_IMPORT = 'kemi:runtime';
export const FUEL_GLOBAL = 'fuel';
export const MEMORY_EXHAUSTED_GLOBAL = 'memory-exhausted';

export interface InstrumentOptions {
  readonly fuel: boolean;
  readonly memoryGuard: boolean;
  /** Enable GC-proposal types while reading (only when the module declares non-function types). */
  readonly gc: boolean;
}

const F = binaryen.Features;
// Listed explicitly: Features.All includes encodings Node rejects (compact imports, custom page sizes ...).
const BASE_FEATURES =
  F.MutableGlobals |
  F.NontrappingFPToInt |
  F.SIMD128 |
  F.RelaxedSIMD |
  F.BulkMemory |
  F.BulkMemoryOpt |
  F.SignExt |
  F.ExceptionHandling |
  F.TailCall |
  F.ReferenceTypes |
  F.Multivalue |
  F.ExtendedConst |
  F.MultiMemory |
  F.Memory64 |
  F.Atomics |
  F.CallIndirectOverlong;

// The fuel hook measures 10 expressions; binaryen inlines functions up to this size at every call site.
const HOOK_INLINE_SIZE = 12;

export function instrument(bytes: Uint8Array, options: InstrumentOptions): Uint8Array {
  const module = binaryen.readBinaryWithFeatures(bytes, BASE_FEATURES | (options.gc ? F.GC : 0));
  const saved = {
    always: binaryen.getAlwaysInlineMaxSize(),
    flexible: binaryen.getFlexibleInlineMaxSize(),
    oneCaller: binaryen.getOneCallerInlineMaxSize(),
  };
  try {
    const before = importedFunctions(module);
    const passes: string[] = [];
    if (options.fuel) passes.push('log-execution');
    if (options.memoryGuard) {
      binaryen.setPassArgument('instrument-memory', 'memory.grow');
      passes.push('instrument-memory');
    }
    if (passes.length === 0) return bytes;
    module.runPasses(passes);
    binaryen.setPassArgument('instrument-memory', null);

    const fuel = uniqueGlobal(module, 'kemi$fuel');
    const exhausted = uniqueGlobal(module, 'kemi$memory_exhausted');
    if (options.fuel) module.addGlobalImport(fuel, RUNTIME_IMPORT, FUEL_GLOBAL, binaryen.i32, true);
    if (options.memoryGuard)
      module.addGlobalImport(exhausted, RUNTIME_IMPORT, MEMORY_EXHAUSTED_GLOBAL, binaryen.i32, true);

    for (const hook of importedFunctions(module).values()) {
      if (before.has(hook.name)) continue;
      module.removeFunction(hook.name);
      const body = hookBody(module, hook, fuel, exhausted);
      // Hooks no pass called (the load/store ones instrument-memory always declares) are simply dropped.
      if (body !== undefined) module.addFunction(hook.name, hook.params, hook.results, [], body);
    }
    // Only the hooks are inlined: the guest's own functions (named by index, the name section being gone)
    // keep their calls, so code size and stack depth stay as the guest built them.
    for (let digit = 0; digit < 10; digit++) {
      binaryen.setPassArgument('no-inline', `${digit}*`);
      module.runPasses(['no-inline']);
    }
    binaryen.setPassArgument('no-inline', null);
    binaryen.setAlwaysInlineMaxSize(HOOK_INLINE_SIZE);
    binaryen.setFlexibleInlineMaxSize(0);
    binaryen.setOneCallerInlineMaxSize(0);
    module.runPasses(['inlining']);
    return module.emitBinary();
  } finally {
    binaryen.setAlwaysInlineMaxSize(saved.always);
    binaryen.setFlexibleInlineMaxSize(saved.flexible);
    binaryen.setOneCallerInlineMaxSize(saved.oneCaller);
    binaryen.setPassArgument('instrument-memory', null);
    binaryen.setPassArgument('no-inline', null);
    module.dispose();
  }
}

interface Hook {
  readonly name: string;
  readonly base: string;
  readonly params: number;
  readonly results: number;
}

function importedFunctions(module: binaryen.Module): Map<string, Hook> {
  const out = new Map<string, Hook>();
  for (let i = 0; i < module.getNumFunctions(); i++) {
    const info = binaryen.getFunctionInfo(module.getFunctionByIndex(i));
    if (info.module)
      out.set(info.name, {
        name: info.name,
        base: info.base ?? '',
        params: info.params,
        results: info.results,
      });
  }
  return out;
}

function hookBody(m: binaryen.Module, hook: Hook, fuel: string, exhausted: string): number | undefined {
  if (hook.base === 'log_execution') {
    return m.block(null, [
      m.global.set(fuel, m.i32.sub(m.global.get(fuel, binaryen.i32), m.i32.const(1))),
      m.if(m.i32.lt_s(m.global.get(fuel, binaryen.i32), m.i32.const(0)), m.unreachable()),
    ]);
  }
  // memory_grow_pre(id, delta) -> delta; memory_grow_post(id, result) -> result (i32, or i64 for memory64).
  const value = binaryen.expandType(hook.params)[1];
  if (hook.base === 'memory_grow_pre') return m.local.get(1, value);
  if (hook.base === 'memory_grow_post') {
    const failed =
      value === binaryen.i64
        ? m.i64.eq(m.local.get(1, value), m.i64.const(-1, -1))
        : m.i32.eq(m.local.get(1, value), m.i32.const(-1));
    return m.block(
      null,
      [m.if(failed, m.global.set(exhausted, m.i32.const(1))), m.local.get(1, value)],
      value,
    );
  }
  return undefined;
}

function uniqueGlobal(module: binaryen.Module, name: string): string {
  let candidate = name;
  for (let i = 1; module.getGlobal(candidate); i++) candidate = `${name}${i}`;
  return candidate;
}
