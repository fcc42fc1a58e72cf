// The binaryen rewrite of a core module: fuel metering and the memory.grow guard. Placement is done by
// binaryen's own C++ passes, which see every expression kind: `log-execution` puts a hook call at every
// function entry, function exit and loop header, and `instrument-memory` (filtered to `memory.grow`) wraps
// every grow. fuel-meter.ts then turns the entry and loop hooks into charges weighted by the code they guard,
// drops the exit hooks and charges bulk memory operations by size. The hooks and charges are small defined
// functions, inlined:
//   charge(w):  fuel -= w; if (fuel < 0) checkpoint()        (fuel: an i32 global, see below)
//   grow:       if (result == -1) memory-exhausted = 1       (an imported mutable i32 global)
// The fuel global holds the units left until the next checkpoint, not the whole budget: the host hands the
// budget out in slices (store.ts, CHECKPOINT_UNITS). `checkpoint` is the slow path, a defined function that
// is never inlined: it calls the host import `tick(fuel)`, which accounts the slice, compares the clock
// with the invocation's deadline and returns the next slice, or -1 when the budget or the deadline is spent;
// the guest then executes `unreachable`. A trap is not an exception: a guest cannot catch it, and no guest
// code can reach the fuel global or the import (the world check refuses the reserved module). So the
// deadline is enforced inside pure guest code, on whatever thread runs it, without interrupting the thread.
// The fuel global is either imported (the host's WebAssembly.Global, shared by all the core modules of a
// component on the jco path) or, on the fast path, the module's own exported global: V8 reaches an imported
// mutable global through one more indirection, which cost 15-20 % of a route's guest time in tight loops. An
// own global starts from the immutable import `fuel-init`.
// The host sets the fuel before each invocation; after a trap, the store says whether `tick` stopped it
// ('fuel' or 'deadline'), and memory-exhausted = 1 means a grow was refused (the memory cap) before the trap.
import binaryen from 'binaryen';
import { BULK_SHIFT, type MeterNames, meter } from './fuel-meter.ts';

import {
  FUEL_EXPORT,
  FUEL_GLOBAL,
  FUEL_INIT_GLOBAL,
  MEMORY_EXHAUSTED_GLOBAL,
  RUNTIME_IMPORT,
  TICK_IMPORT,
} from './runtime-names.ts';

export { FUEL_EXPORT, FUEL_GLOBAL, FUEL_INIT_GLOBAL, MEMORY_EXHAUSTED_GLOBAL, RUNTIME_IMPORT, TICK_IMPORT };

/** Where the fuel counter lives: imported from the host, or the module's own global, exported. */
export type FuelGlobal = 'import' | 'export';

export interface InstrumentOptions {
  readonly fuel: boolean;
  readonly memoryGuard: boolean;
  /** Default 'import'. */
  readonly fuelGlobal?: FuelGlobal;
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

// The charge measures 12 expressions; binaryen inlines functions up to this size at every call site (the
// checkpoint is kept out by name).
const HOOK_INLINE_SIZE = 15;

export function instrument(bytes: Uint8Array, options: InstrumentOptions): Uint8Array {
  const module = binaryen.readBinaryWithFeatures(bytes, BASE_FEATURES);
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
    const checkpoint = uniqueFunction(module, 'kemi$checkpoint');
    if (options.fuel) addFuelGlobal(module, fuel, options.fuelGlobal ?? 'import');
    // What a charge does when the slice is spent.
    const slow = () => module.call(checkpoint, [], binaryen.none);
    if (options.memoryGuard)
      module.addGlobalImport(exhausted, RUNTIME_IMPORT, MEMORY_EXHAUSTED_GLOBAL, binaryen.i32, true);

    const hooks = [...importedFunctions(module).values()].filter((h) => !before.has(h.name));
    const log = hooks.find((h) => h.base === 'log_execution');
    if (options.fuel && log) {
      const names: MeterNames = {
        hook: log.name,
        charge: uniqueFunction(module, 'kemi$charge'),
        bulk32: uniqueFunction(module, 'kemi$bulk32'),
        bulk64: uniqueFunction(module, 'kemi$bulk64'),
      };
      meter(module, names);
      addCharges(module, names, fuel, slow);
      addCheckpoint(module, checkpoint, fuel);
    }
    for (const hook of hooks) {
      module.removeFunction(hook.name);
      const body = hookBody(module, hook, fuel, exhausted, slow);
      // Hooks no pass called (the load/store ones instrument-memory always declares) are simply dropped.
      if (body !== undefined) module.addFunction(hook.name, hook.params, hook.results, [], body);
    }
    // Only the hooks are inlined: the guest's own functions (named by index, the name section being gone)
    // keep their calls, so code size and stack depth stay as the guest built them.
    for (const pattern of [...'0123456789'].map((digit) => `${digit}*`).concat(checkpoint)) {
      binaryen.setPassArgument('no-inline', pattern);
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

function hookBody(
  m: binaryen.Module,
  hook: Hook,
  fuel: string,
  exhausted: string,
  checkpoint: () => number,
): number | undefined {
  // A hook fuel-meter.ts left in place: 1 unit.
  if (hook.base === 'log_execution') {
    return m.block(null, [
      m.global.set(fuel, m.i32.sub(m.global.get(fuel, binaryen.i32), m.i32.const(1))),
      m.if(m.i32.lt_s(m.global.get(fuel, binaryen.i32), m.i32.const(0)), checkpoint()),
    ]);
  }
  // memory_grow_pre(id, delta) -> delta; memory_grow_post(id, result) -> result (i32, or i64 for memory64).
  const value = binaryen.expandType(hook.params)[1];
  if (hook.base === 'memory_grow_pre') return m.local.get(1, value);
  if (hook.base === 'memory_grow_post') {
    const failed =
      value === binaryen.i64
        ? m.i64.eq(m.local.get(1, value), m.i64.const(-1n))
        : m.i32.eq(m.local.get(1, value), m.i32.const(-1));
    return m.block(
      null,
      [m.if(failed, m.global.set(exhausted, m.i32.const(1))), m.local.get(1, value)],
      value,
    );
  }
  return undefined;
}

/** Adds the fuel global: imported, or the module's own (started from `fuel-init`) and exported. */
function addFuelGlobal(m: binaryen.Module, fuel: string, where: FuelGlobal): void {
  if (where === 'import') {
    m.addGlobalImport(fuel, RUNTIME_IMPORT, FUEL_GLOBAL, binaryen.i32, true);
    return;
  }
  const init = uniqueGlobal(m, 'kemi$fuel_init');
  m.addGlobalImport(init, RUNTIME_IMPORT, FUEL_INIT_GLOBAL, binaryen.i32, false);
  m.addGlobal(fuel, binaryen.i32, true, m.global.get(init, binaryen.i32));
  m.addGlobalExport(fuel, FUEL_EXPORT);
}

/**
 * checkpoint(): fuel = tick(fuel); if (fuel < 0) unreachable. The slow path of every charge, taken once per
 * slice: the host decides whether the invocation goes on (it returns the next slice) or ends (-1).
 */
function addCheckpoint(m: binaryen.Module, name: string, fuel: string): void {
  const tick = uniqueFunction(m, 'kemi$tick');
  m.addFunctionImport(tick, RUNTIME_IMPORT, TICK_IMPORT, binaryen.i32, binaryen.i32);
  const { i32, none } = binaryen;
  m.addFunction(
    name,
    none,
    none,
    [],
    m.block(null, [
      m.global.set(fuel, m.call(tick, [m.global.get(fuel, i32)], i32)),
      m.if(m.i32.lt_s(m.global.get(fuel, i32), m.i32.const(0)), m.unreachable()),
    ]),
  );
}

/** charge(units) and the bulk-memory charges of fuel-meter.ts, over the fuel global. */
function addCharges(m: binaryen.Module, names: MeterNames, fuel: string, checkpoint: () => number): void {
  const { i32, i64, none } = binaryen;
  // units in local 0, the new fuel in local 1: one read of the global.
  const charge = (units: number) => [
    m.local.set(1, m.i32.sub(m.global.get(fuel, i32), units)),
    m.global.set(fuel, m.local.get(1, i32)),
    m.if(m.i32.lt_s(m.local.get(1, i32), m.i32.const(0)), checkpoint()),
  ];
  m.addFunction(names.charge, i32, none, [i32], m.block(null, charge(m.local.get(0, i32))));
  const bulk32 = m.i32.shr_u(m.local.get(0, i32), m.i32.const(BULK_SHIFT));
  m.addFunction(names.bulk32, i32, i32, [i32], m.block(null, [...charge(bulk32), m.local.get(0, i32)], i32));
  // A 64-bit size: at most 2^30 units, which is above any budget (the i32 fuel never underflows).
  const units64 = () => m.i64.shr_u(m.local.get(0, i64), m.i64.const(BigInt(BULK_SHIFT)));
  const bulk64 = m.i32.wrap(
    m.select(m.i64.lt_u(units64(), m.i64.const(1n << 30n)), units64(), m.i64.const(1n << 30n)),
  );
  m.addFunction(names.bulk64, i64, i64, [i32], m.block(null, [...charge(bulk64), m.local.get(0, i64)], i64));
}

function uniqueFunction(module: binaryen.Module, name: string): string {
  let candidate = name;
  for (let i = 1; module.getFunction(candidate); i++) candidate = `${name}${i}`;
  return candidate;
}

function uniqueGlobal(module: binaryen.Module, name: string): string {
  let candidate = name;
  for (let i = 1; module.getGlobal(candidate); i++) candidate = `${name}${i}`;
  return candidate;
}
