import { describe, expect, it } from 'vitest';
import { wasmTools } from '../../fixtures/wasm-tools.ts';
import { readCoreModule } from '../../src/runtime/core-module.ts';
import { CHARGE_WEIGHT } from '../../src/runtime/fuel-meter.ts';
import { capLimits } from '../../src/runtime/limits-patch.ts';
import { rewriteCore } from '../../src/runtime/rewrite.ts';

const PAGE = 65536;

async function core(wat: string): Promise<Uint8Array> {
  return (await wasmTools()).parse(wat);
}

/**
 * Instantiates a rewritten module with the runtime's imports. `tick` stands for the host's checkpoint: by
 * default it ends the invocation (-1) as the host does when the budget is spent; every call is recorded.
 */
function instantiate(bytes: Uint8Array, fuel = 0, tick: (left: number) => number = () => -1) {
  const ticks: number[] = [];
  const globals = {
    fuel: new WebAssembly.Global({ value: 'i32', mutable: true }, fuel),
    'memory-exhausted': new WebAssembly.Global({ value: 'i32', mutable: true }, 0),
  };
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), {
    'kemi:runtime': {
      ...globals,
      tick: (left: number) => {
        ticks.push(left);
        return tick(left);
      },
    },
  });
  return { exports: instance.exports as Record<string, (...a: number[]) => number>, globals, ticks };
}

describe('memory and table caps', () => {
  it('rewrites the declared maximum of memories and tables', async () => {
    const bytes = await core('(module (memory 2 5000) (table 1 funcref) (table 3 10 funcref))');
    const capped = capLimits(bytes, { memoryBytes: 10 * PAGE, tableElements: 4 });
    expect(capped.ok).toBe(true);
    if (!capped.ok) return;
    const info = readCoreModule(capped.value);
    expect(info.memories.map((m) => [m.min, m.max])).toEqual([[2, 10]]);
    expect(info.tables.map((t) => [t.min, t.max])).toEqual([
      [1, 4],
      [3, 4],
    ]);
    expect(WebAssembly.validate(capped.value as Uint8Array<ArrayBuffer>)).toBe(true);
  });

  it('adds a maximum to a memory that has none', async () => {
    const capped = capLimits(await core('(module (memory 1))'), { memoryBytes: 10 * PAGE });
    expect(capped.ok && readCoreModule(capped.value).memories[0].max).toBe(10);
  });

  it('keeps a smaller declared maximum', async () => {
    const bytes = await core('(module (memory 1 2))');
    const capped = capLimits(bytes, { memoryBytes: 10 * PAGE });
    expect(capped.ok && readCoreModule(capped.value).memories[0].max).toBe(2);
  });

  it('refuses a module whose initial memory or table is above the cap', async () => {
    const mem = capLimits(await core('(module (memory 20))'), { memoryBytes: 10 * PAGE });
    expect(mem).toEqual({ ok: false, error: expect.stringContaining('memory 0 starts at 20 pages') });
    const table = capLimits(await core('(module (table 50 funcref))'), { tableElements: 10 });
    expect(table).toEqual({ ok: false, error: expect.stringContaining('table 0 starts with 50 elements') });
  });

  it('makes memory.grow fail past the cap', async () => {
    const bytes = await core(
      '(module (memory (export "memory") 1) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))',
    );
    const r = rewriteCore(bytes, { fuel: false, memoryBytes: 4 * PAGE, tableElements: undefined });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const { exports, globals } = instantiate(r.value.bytes);
    expect(exports.grow(3)).toBe(1);
    expect(globals['memory-exhausted'].value).toBe(0);
    expect(exports.grow(1)).toBe(-1);
    expect(globals['memory-exhausted'].value).toBe(1);
  });
});

describe('memory64', () => {
  it('makes memory.grow of a 64-bit memory fail past the cap, and says so', async () => {
    const bytes = await core(
      '(module (memory (export "memory") i64 1) (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0))))',
    );
    const r = rewriteCore(bytes, { fuel: false, memoryBytes: 4 * PAGE, tableElements: undefined });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const { exports, globals } = instantiate(r.value.bytes);
    const grow = exports.grow as unknown as (pages: bigint) => bigint;
    expect(grow(3n)).toBe(1n);
    expect(grow(1n)).toBe(-1n);
    expect(globals['memory-exhausted'].value).toBe(1);
  });
});

describe('fuel instrumentation', () => {
  const loop = `(module
    (func $count (export "count") (param $n i32) (result i32) (local $i i32)
      (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      (local.get $i))
    (func (export "forever") (loop $l (br $l))))`;

  it('charges the static cost of a function body at entry and of a loop body per iteration', async () => {
    const r = rewriteCore(await core(loop), { fuel: true, memoryBytes: undefined, tableElements: undefined });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const { exports, globals } = instantiate(r.value.bytes, 1000);
    expect(exports.count(10)).toBe(10);
    // Entry: the final local.get. Each iteration: local.set, i32.add, local.get, i32.const, br_if,
    // i32.lt_u and two local.get. Each charge adds its own cost (CHARGE_WEIGHT). Nothing at exit.
    expect(1000 - globals.fuel.value).toBe(1 + CHARGE_WEIGHT + 10 * (8 + CHARGE_WEIGHT));
  });

  it('weighs what costs more wall time: loads, stores, division, indirect calls, memory.grow', async () => {
    const bytes = await core(`(module (memory 1) (type $t (func)) (table 1 funcref) (elem (i32.const 0) $nop)
      (func $nop)
      (func (export "heavy") (result i32)
        (i32.store (i32.const 0) (i32.div_u (i32.load (i32.const 4)) (i32.const 3)))
        (call_indirect (type $t) (i32.const 0))
        (memory.grow (i32.const 0))))`);
    const r = rewriteCore(bytes, { fuel: true, memoryBytes: undefined, tableElements: undefined });
    if (!r.ok) throw new Error(r.error.message);
    const { exports, globals } = instantiate(r.value.bytes, 10_000);
    exports.heavy();
    // store 2 + div 10 + load 2 + 3 consts + call_indirect 10 + its const + memory.grow 1000 + its const,
    // the charge; then $nop's entry (an empty body, the charge alone).
    expect(10_000 - globals.fuel.value).toBe(
      2 + 10 + 2 + 3 + 10 + 1 + 1000 + 1 + CHARGE_WEIGHT + CHARGE_WEIGHT,
    );
  });

  it('calls the checkpoint once the slice is spent and goes on with the slice it returns', async () => {
    const r = rewriteCore(await core(loop), { fuel: true, memoryBytes: undefined, tableElements: undefined });
    if (!r.ok) throw new Error(r.error.message);
    // Slices of 100 units for the work of 1000 iterations.
    const { exports, globals, ticks } = instantiate(r.value.bytes, 100, () => 100);
    expect(exports.count(1000)).toBe(1000);
    // Each checkpoint is told how far the charge that overdrew the slice went below zero (one iteration at most).
    expect(ticks.every((left) => left < 0 && left >= -10)).toBe(true);
    expect(ticks.length).toBeGreaterThanOrEqual(75);
    // What the host accounts: every slice handed out, less what is left of each.
    const used = 100 * (ticks.length + 1) - ticks.reduce((n, left) => n + left, 0) - globals.fuel.value;
    expect(used).toBe(1 + CHARGE_WEIGHT + 1000 * (8 + CHARGE_WEIGHT));
  });

  it('never calls the checkpoint while the slice lasts', async () => {
    const r = rewriteCore(await core(loop), { fuel: true, memoryBytes: undefined, tableElements: undefined });
    if (!r.ok) throw new Error(r.error.message);
    const { exports, ticks } = instantiate(r.value.bytes, 1000);
    expect(exports.count(10)).toBe(10);
    expect(ticks).toEqual([]);
  });

  it('traps in a loop that calls nothing when the checkpoint says stop', async () => {
    const r = rewriteCore(await core(loop), { fuel: true, memoryBytes: undefined, tableElements: undefined });
    if (!r.ok) throw new Error(r.error.message);
    let slices = 3;
    const { exports, ticks } = instantiate(r.value.bytes, 100_000, () => (slices-- > 0 ? 100_000 : -1));
    expect(() => exports.forever()).toThrow(WebAssembly.RuntimeError);
    expect(ticks.length).toBe(4);
  });

  it('ends a guest that tries to catch the stop: a trap is not an exception', async () => {
    const bytes = await core(`(module
      (func (export "stubborn") (result i32) (local $caught i32)
        (loop $again
          try
            (loop $l (br $l))
          catch_all
            (local.set $caught (i32.add (local.get $caught) (i32.const 1)))
          end
          (br_if $again (i32.lt_u (local.get $caught) (i32.const 1000))))
        (local.get $caught)))`);
    const r = rewriteCore(bytes, { fuel: true, memoryBytes: undefined, tableElements: undefined });
    if (!r.ok) throw new Error(r.error.message);
    const { exports, ticks } = instantiate(r.value.bytes, 1000);
    expect(() => exports.stubborn()).toThrow(WebAssembly.RuntimeError);
    expect(ticks.length).toBe(1);
  });

  it('survives a guest whose name section uses the hook names', async () => {
    const r = rewriteCore(
      await core('(module (func $log_execution (export "f") (loop $l (br_if $l (i32.const 0)))))'),
      {
        fuel: true,
        memoryBytes: undefined,
        tableElements: undefined,
      },
    );
    expect(r.ok).toBe(true);
  });

  it('refuses a module that imports the runtime globals itself', async () => {
    const bytes = await core(
      '(module (import "kemi:runtime" "fuel" (global (mut i32))) (func (export "f")))',
    );
    const r = rewriteCore(bytes, { fuel: true, memoryBytes: undefined, tableElements: undefined });
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'reserved',
        message: "it imports 'fuel' from the runtime's reserved module 'kemi:runtime'",
      },
    });
  });

  it('leaves a module without code uninstrumented', async () => {
    const bytes = await core(
      '(module (import "a" "f" (func)) (table 1 funcref) (elem (i32.const 0) func 0))',
    );
    const r = rewriteCore(bytes, { fuel: true, memoryBytes: PAGE, tableElements: 10 });
    expect(r.ok && r.value.instrumented).toBe(false);
  });
});
