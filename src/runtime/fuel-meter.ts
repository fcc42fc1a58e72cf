// Fuel weights. binaryen's `log-execution` pass (C++, sees every expression kind) has put a hook call at
// each function entry, loop header, `return` and function end. This walk over binaryen.js's expression API
// refines that placement without weakening it:
//   - the entry and loop-header hooks become charges of the static cost of the code they guard (the weights
//     of the expressions in the function body or loop body, nested loops excluded, plus CHARGE_WEIGHT for
//     the charge itself), so fuel counts work, not iterations: a loop whose body is 20 000 instructions pays
//     20 000 units per iteration, not 1;
//   - the hooks before a `return` and at the function end are removed: charging entries and loop headers
//     already bounds every loop and every recursion, exits only doubled the cost of a call;
//   - the size operand of memory.fill, memory.copy and memory.init goes through a charge of one unit per
//     2 bytes, so one instruction cannot do megabytes of work for one unit.
// Most expressions weigh 1; those that cost far more wall time than that weigh more (WEIGHTS), so that the
// default budget lasts about as long whatever the code does (bench/fuel-calibration.ts measures ns per unit
// per kind of code). One kind is left to the deadline on purpose: loads whose addresses depend on the
// previous load's value and miss every cache take ~1 us each on the reference machine, 1000 times a load that
// hits; weighing every load for that case would make ordinary code 100-1000 times dearer.
// An expression kind the walk cannot look inside (binaryen.js has no accessors for it: try_table,
// throw_ref, table.fill/copy/init ...) makes the module refused, so no loop or bulk operation is hidden.
// A hook the walk does not classify keeps its 1-unit charge.
import binaryen from 'binaryen';

type Ref = number;

/** Bytes of a bulk memory operation per fuel unit (a shift: 1 << 1 = 2 bytes; ~1 ns each when memory-bound). */
export const BULK_SHIFT = 1;

/** What a charge adds to the code it guards: its own load, subtract, store and branch on the fuel global. */
export const CHARGE_WEIGHT = 2;

/** Names of the functions the charges call (added by the caller, inlined afterwards). */
export interface MeterNames {
  /** The hook import `log-execution` added. */
  readonly hook: string;
  /** charge(units: i32): fuel -= units; trap below zero. */
  readonly charge: string;
  /** bulk32(size: i32) -> i32 and bulk64(size: i64) -> i64: charge size >> BULK_SHIFT, return size. */
  readonly bulk32: string;
  readonly bulk64: string;
}

export class MeterError extends Error {}

export interface MeterStats {
  /** Entry and loop-header hooks turned into weighted charges. */
  readonly charges: number;
  /** Return and function-end hooks removed. */
  readonly removed: number;
  /** Bulk memory operations charged by size. */
  readonly bulk: number;
}

// binaryen.js's expression classes (binaryen.If.getCondition ...) exist at run time but not in its typings.
type Accessor = (e: Ref, ...args: number[]) => Ref;
const B = binaryen as unknown as Record<string, Record<string, Accessor>>;
const callTarget = B.Call.getTarget as unknown as (e: Ref) => string;
const setCallTarget = B.Call.setTarget as unknown as (e: Ref, name: string) => void;

/** Expression ids by kind name (`If`), from binaryen's `<Kind>Id` constants. */
const E: Record<string, number> = {};
for (const [key, value] of Object.entries(binaryen as object)) {
  if (key.endsWith('Id') && typeof value === 'number') E[key.slice(0, -2)] = value;
}

/**
 * Weights above 1, from bench/fuel-calibration.ts on the reference machine (2-core VM, Node 24), each about
 * the wall time of the expression in units of ~1 ns: memory.grow and table.grow are runtime calls of ~1.4 us;
 * an indirect call ~10 times a direct one; integer division and remainder chains ~15 ns; a load or store one
 * more unit for its address computation and bounds check.
 */
const WEIGHTS: Record<number, number> = {
  [E.MemoryGrow]: 1000,
  [E.TableGrow]: 1000,
  [E.CallIndirect]: 10,
  [E.CallRef]: 10,
  [E.Load]: 2,
  [E.Store]: 2,
  [E.SIMDLoad]: 2,
  [E.SIMDLoadStoreLane]: 2,
  [E.AtomicRMW]: 2,
  [E.AtomicCmpxchg]: 2,
};
const DIVISIONS = new Set(
  [
    'DivSInt32',
    'DivUInt32',
    'RemSInt32',
    'RemUInt32',
    'DivSInt64',
    'DivUInt64',
    'RemSInt64',
    'RemUInt64',
  ].map((op) => (binaryen as unknown as Record<string, number>)[op]),
);
const DIVISION_WEIGHT = 10;

/** The weight of one expression (not counting its children). */
function weightOf(e: Ref, id: number): number {
  if (id === E.Nop) return 0;
  if (id === E.Binary && DIVISIONS.has(B.Binary.getOp(e))) return DIVISION_WEIGHT;
  return WEIGHTS[id] ?? 1;
}

const operands = (n: number, at: (i: number) => Ref): Ref[] => Array.from({ length: n }, (_, i) => at(i));

/** The children of an expression, in no particular order; 0 entries (absent optional children) are skipped. */
const CHILDREN: Record<number, (e: Ref) => Ref[]> = {
  [E.If]: (e) => [B.If.getCondition(e), B.If.getIfTrue(e), B.If.getIfFalse(e)],
  [E.Break]: (e) => [B.Break.getCondition(e), B.Break.getValue(e)],
  [E.Switch]: (e) => [B.Switch.getCondition(e), B.Switch.getValue(e)],
  [E.Call]: (e) => operands(B.Call.getNumOperands(e), (i) => B.Call.getOperandAt(e, i)),
  [E.CallIndirect]: (e) => [
    B.CallIndirect.getTarget(e),
    ...operands(B.CallIndirect.getNumOperands(e), (i) => B.CallIndirect.getOperandAt(e, i)),
  ],
  [E.CallRef]: (e) => [
    B.CallRef.getTarget(e),
    ...operands(B.CallRef.getNumOperands(e), (i) => B.CallRef.getOperandAt(e, i)),
  ],
  [E.LocalGet]: () => [],
  [E.LocalSet]: (e) => [B.LocalSet.getValue(e)],
  [E.GlobalGet]: () => [],
  [E.GlobalSet]: (e) => [B.GlobalSet.getValue(e)],
  [E.Load]: (e) => [B.Load.getPtr(e)],
  [E.Store]: (e) => [B.Store.getPtr(e), B.Store.getValue(e)],
  [E.Const]: () => [],
  [E.Unary]: (e) => [B.Unary.getValue(e)],
  [E.Binary]: (e) => [B.Binary.getLeft(e), B.Binary.getRight(e)],
  [E.Select]: (e) => [B.Select.getIfTrue(e), B.Select.getIfFalse(e), B.Select.getCondition(e)],
  [E.Drop]: (e) => [B.Drop.getValue(e)],
  [E.Return]: (e) => [B.Return.getValue(e)],
  [E.MemorySize]: () => [],
  [E.MemoryGrow]: (e) => [B.MemoryGrow.getDelta(e)],
  [E.Nop]: () => [],
  [E.Unreachable]: () => [],
  [E.AtomicRMW]: (e) => [B.AtomicRMW.getPtr(e), B.AtomicRMW.getValue(e)],
  [E.AtomicCmpxchg]: (e) => [
    B.AtomicCmpxchg.getPtr(e),
    B.AtomicCmpxchg.getExpected(e),
    B.AtomicCmpxchg.getReplacement(e),
  ],
  [E.AtomicWait]: (e) => [B.AtomicWait.getPtr(e), B.AtomicWait.getExpected(e), B.AtomicWait.getTimeout(e)],
  [E.AtomicNotify]: (e) => [B.AtomicNotify.getPtr(e), B.AtomicNotify.getNotifyCount(e)],
  [E.AtomicFence]: () => [],
  [E.SIMDExtract]: (e) => [B.SIMDExtract.getVec(e)],
  [E.SIMDReplace]: (e) => [B.SIMDReplace.getVec(e), B.SIMDReplace.getValue(e)],
  [E.SIMDShuffle]: (e) => [B.SIMDShuffle.getLeft(e), B.SIMDShuffle.getRight(e)],
  [E.SIMDTernary]: (e) => [B.SIMDTernary.getA(e), B.SIMDTernary.getB(e), B.SIMDTernary.getC(e)],
  [E.SIMDShift]: (e) => [B.SIMDShift.getVec(e), B.SIMDShift.getShift(e)],
  [E.SIMDLoad]: (e) => [B.SIMDLoad.getPtr(e)],
  [E.SIMDLoadStoreLane]: (e) => [B.SIMDLoadStoreLane.getPtr(e), B.SIMDLoadStoreLane.getVec(e)],
  [E.MemoryInit]: (e) => [B.MemoryInit.getDest(e), B.MemoryInit.getOffset(e), B.MemoryInit.getSize(e)],
  [E.DataDrop]: () => [],
  [E.MemoryCopy]: (e) => [B.MemoryCopy.getDest(e), B.MemoryCopy.getSource(e), B.MemoryCopy.getSize(e)],
  [E.MemoryFill]: (e) => [B.MemoryFill.getDest(e), B.MemoryFill.getValue(e), B.MemoryFill.getSize(e)],
  [E.Pop]: () => [],
  [E.RefNull]: () => [],
  [E.RefIsNull]: (e) => [B.RefIsNull.getValue(e)],
  [E.RefFunc]: () => [],
  [E.RefEq]: (e) => [B.RefEq.getLeft(e), B.RefEq.getRight(e)],
  [E.TableGet]: (e) => [B.TableGet.getIndex(e)],
  [E.TableSet]: (e) => [B.TableSet.getIndex(e), B.TableSet.getValue(e)],
  [E.TableSize]: () => [],
  [E.TableGrow]: (e) => [B.TableGrow.getValue(e), B.TableGrow.getDelta(e)],
  [E.Try]: (e) => [
    B.Try.getBody(e),
    ...operands(B.Try.getNumCatchBodies(e), (i) => B.Try.getCatchBodyAt(e, i)),
  ],
  [E.Throw]: (e) => operands(B.Throw.getNumOperands(e), (i) => B.Throw.getOperandAt(e, i)),
  [E.Rethrow]: () => [],
  [E.TupleMake]: (e) => operands(B.TupleMake.getNumOperands(e), (i) => B.TupleMake.getOperandAt(e, i)),
  [E.TupleExtract]: (e) => [B.TupleExtract.getTuple(e)],
  [E.RefI31]: (e) => [B.RefI31.getValue(e)],
  [E.I31Get]: (e) => [B.I31Get.getI31(e)],
  [E.RefTest]: (e) => [B.RefTest.getRef(e)],
  [E.RefCast]: (e) => [B.RefCast.getRef(e)],
  [E.BrOn]: (e) => [B.BrOn.getRef(e)],
  [E.RefAs]: (e) => [B.RefAs.getValue(e)],
};

interface Region {
  /** The hook call at the head of the region, if log-execution put one there. */
  hook: Ref | undefined;
  weight: number;
}

/** Rewrites the hooks of every defined function of `module`; throws MeterError for an unreadable kind. */
export function meter(module: binaryen.Module, names: MeterNames): MeterStats {
  const stats = { charges: 0, removed: 0, bulk: 0 };
  for (let i = 0; i < module.getNumFunctions(); i++) {
    const info = binaryen.getFunctionInfo(module.getFunctionByIndex(i));
    if (info.module || !info.body) continue;
    meterFunction(module, info.name, info.body, names, stats);
  }
  return stats;
}

function meterFunction(
  module: binaryen.Module,
  fn: string,
  body: Ref,
  names: MeterNames,
  stats: { charges: number; removed: number; bulk: number },
): void {
  const isHook = (e: Ref) => binaryen.getExpressionId(e) === E.Call && callTarget(e) === names.hook;
  const regions: Region[] = [];
  const exits: [block: Ref, index: number][] = [];
  const bulk: Ref[] = [];
  const stack: [Ref, number][] = [];

  /** Opens a region whose head is `head` (a function or loop body): its leading hook is the region's. */
  const open = (head: Ref): void => {
    const region: Region = { hook: undefined, weight: CHARGE_WEIGHT };
    regions.push(region);
    const r = regions.length - 1;
    if (binaryen.getExpressionId(head) === E.Block && B.Block.getNumChildren(head) > 0) {
      const first = B.Block.getChildAt(head, 0);
      if (isHook(first)) {
        region.hook = first;
        for (let k = B.Block.getNumChildren(head) - 1; k >= 1; k--)
          stack.push([B.Block.getChildAt(head, k), r]);
        return;
      }
    }
    stack.push([head, r]);
  };

  open(body);
  while (stack.length > 0) {
    const [e, r] = stack.pop() as [Ref, number];
    const id = binaryen.getExpressionId(e);
    if (id === E.Block) {
      for (let k = B.Block.getNumChildren(e) - 1; k >= 0; k--) {
        const child = B.Block.getChildAt(e, k);
        if (isHook(child)) exits.push([e, k]);
        else stack.push([child, r]);
      }
      continue;
    }
    if (id === E.Loop) {
      open(B.Loop.getBody(e));
      continue;
    }
    // A hook anywhere else (there should be none) keeps its 1-unit charge.
    if (isHook(e)) continue;
    const children = CHILDREN[id];
    if (!children) {
      throw new MeterError(
        `function ${fn} uses ${expressionKind(id)}, which the fuel rewrite cannot look inside`,
      );
    }
    regions[r].weight += weightOf(e, id);
    if (id === E.MemoryFill || id === E.MemoryCopy || id === E.MemoryInit) bulk.push(e);
    for (const child of children(e)) if (child) stack.push([child, r]);
  }

  for (const region of regions) {
    if (region.hook === undefined) continue;
    setCallTarget(region.hook, names.charge);
    B.Const.setValueI32(B.Call.getOperandAt(region.hook, 0), region.weight);
    stats.charges++;
  }
  for (const [block, k] of exits) {
    B.Block.setChildAt(block, k, module.nop());
    stats.removed++;
  }
  for (const e of bulk) {
    const id = binaryen.getExpressionId(e);
    const accessor = id === E.MemoryFill ? B.MemoryFill : id === E.MemoryCopy ? B.MemoryCopy : B.MemoryInit;
    const size = accessor.getSize(e);
    const type = binaryen.getExpressionType(size);
    accessor.setSize(e, module.call(type === binaryen.i64 ? names.bulk64 : names.bulk32, [size], type));
    stats.bulk++;
  }
}

const KIND_NAMES = new Map(Object.entries(E).map(([kind, id]) => [id, kind]));
const UNNAMED: Record<number, string> = {
  50: 'table.fill',
  51: 'table.copy',
  52: 'table.init',
  53: 'elem.drop',
  55: 'try_table',
  58: 'throw_ref',
};

function expressionKind(id: number): string {
  return UNNAMED[id] ?? KIND_NAMES.get(id) ?? `expression kind ${id}`;
}
