// The host state of one instance, as wasmtime's Store: the context bound for the current invocation, the
// invocation's budgets and counters, the fuel globals, and cached views of guest memory. Host functions close
// over it; fields are plain and public because generated code reads them on the hot path.

// The module's `performance`, not the global: the global is a lazy accessor that runs a receiver check on
// every read, and the clock is read on every invocation and KSR call.
import { performance } from 'node:perf_hooks';
import type { KsrFunction } from '../kemi/define.ts';
import { HostLimitError, type InvocationLimits } from './limits.ts';

/** The per-message context, opaque to the runtime: whatever the KSR tables take as their first argument. */
export type Context = Parameters<KsrFunction['impl']>[0];

/** Node's latin1 fast paths on Buffer, present since forever but not in @types/node. */
export interface GuestBytes extends Buffer {
  latin1Slice(start: number, end: number): string;
  latin1Write(value: string, offset: number, length: number): number;
}

const EMPTY = Buffer.alloc(0) as GuestBytes;

/**
 * Fuel units the host hands a guest at a time: the guest's fuel global counts down one slice, then its
 * checkpoint calls `tick` (instrument.ts), which checks the budget and the deadline and hands out the next.
 * On the reference machine (2-core VM, loaded) a slice lasts up to ~5 ms of the slowest code per unit, first
 * writes to fresh memory pages (page faults of 5-15 us, ~13 units each), ~0.6 ms of dependent cache-missing
 * loads, and 2-3 us of ordinary code (bench/fuel-calibration.ts): a route overruns its deadline by about one
 * slice at most, and a tick (~70 ns) costs a long route 2-3 %; a route that uses less never calls it.
 */
export const CHECKPOINT_UNITS = 5_000;
/**
 * The first slice of an invocation on a warm instance is larger, so that ordinary routes never call `tick`
 * (the hello and proxy examples use 100-50 000 units). It lasts 2-7 ms of dependent cache-missing loads on
 * the reference machine. An instance's first invocation (and its start function) gets CHECKPOINT_UNITS
 * instead: its memory is fresh, and the first write to each 4 KiB page is a page fault of 5-17 us on that
 * machine under load (~13 units each), so a slice of 64 000 units could run 60-70 ms. A warm instance meets
 * fresh pages only after a memory.grow, at most 16 384 of them in its life under the 64 MiB memory cap.
 */
export const FIRST_SLICE_UNITS = 64_000;

/** Hooks for the stretches where a suspending instance's guest code runs (between its waits). */
export interface Segments {
  enter(): void;
  leave(): void;
}

/** Why `tick` ended an invocation: its fuel budget or its deadline was spent. */
export type Stop = 'fuel' | 'deadline';
const EMPTY_I32 = new Int32Array(0);

/**
 * However little CPU time it used, an invocation is over once this many times its deadline went by on the
 * wall clock: a KSR call blocked outside the CPU (a disk under SQLite) still holds the event loop.
 */
export const WALL_FACTOR = 10;

/** The calling thread's CPU time (user + system) in ms: what a route's deadline counts. */
function threadCpuMs(): number {
  const used = process.threadCpuUsage();
  return (used.user + used.system) / 1000;
}

export class Store {
  ctx: Context | undefined = undefined;
  /** KSR calls so far in this invocation; above maxCalls every call fails (0 between invocations). */
  calls = 0;
  maxCalls = 0;
  maxString = 0;
  /** Bytes of string arguments the guest passed in this invocation, and their limit. */
  argumentBytes = 0;
  maxArguments = 0;
  logBytes = 0;
  maxLog = 0;
  /**
   * The deadline: `deadlineMs` of the thread's CPU time from `cpuStart`. The hot checks compare the wall
   * clock with `deadline` (performance.now() is cheaper than reading CPU time); once it passes, overDeadline
   * reads the CPU time, so a route the host did not run meanwhile (a loaded machine, another process on its
   * core) is not charged for it: a tenant's breaker must not trip because the host was busy.
   */
  deadline = 0;
  deadlineMs = 0;
  cpuStart = 0;
  /** performance.now() past which the invocation is over whatever its CPU time (WALL_FACTOR). */
  wallLimit = 0;
  /** The thread's CPU time when the guest last stopped to wait (suspend). */
  cpuSuspended = 0;
  /** Set when a KSR implementation threw: `pv.get`. */
  hostFault: string | undefined = undefined;
  /**
   * The first error the host threw into the guest in this invocation (a limit, a fault, a bad pointer). A
   * guest with exception handling can catch it and return normally; the runner fails the invocation anyway.
   */
  raised: unknown = undefined;

  /** The bound on one wait for a suspending KSR function's answer (InvocationLimits.asyncTimeoutMs). */
  asyncTimeoutMs = 0;
  /** KSR calls of this invocation whose answer did not come in time (or could not be waited for). */
  timeouts = 0;
  /** The first of them: `registrar.lookup`. */
  timedOutIn: string | undefined = undefined;
  /** Waits for a KSR answer in this invocation, and the time they took (not counted against the deadline). */
  suspensions = 0;
  suspendedMs = 0;
  /** Told when this instance's guest code stops running to wait, and when it runs again (SuspendingRunner). */
  segments: Segments | undefined = undefined;

  /**
   * The fuel counter: the units left in the current slice. Created here and imported by the guest ('import',
   * jco path), or the guest's own global, adopted from its exports after instantiation ('export', fast path;
   * see instrument.ts).
   */
  fuel: WebAssembly.Global | undefined;
  /** 'export' mode: the first slice the guest's own fuel global starts from (immutable, per instantiation). */
  fuelInit: WebAssembly.Global | undefined = undefined;
  readonly memoryExhausted: WebAssembly.Global | undefined;
  readonly fuelMode: 'import' | 'export' | undefined;
  fuelBudget = 0;
  /** Units handed to the guest so far in this invocation: used = granted - fuel left in the slice. */
  granted = 0;
  /** Set by `tick` when it ended the invocation, with the fuel used then. */
  stopped: Stop | undefined = undefined;
  spent = 0;
  /** The guest's checkpoint import (`kemi:runtime` `tick`), bound to this store. */
  readonly tick: (left: number) => number;

  memory: WebAssembly.Memory | undefined = undefined;
  realloc: ((oldPtr: number, oldSize: number, align: number, newSize: number) => number) | undefined =
    undefined;
  u8: GuestBytes = EMPTY;
  i32: Int32Array = EMPTY_I32;

  constructor(fuel: 'import' | 'export' | undefined, memoryGuard: boolean) {
    this.fuelMode = fuel;
    this.fuel = fuel === 'import' ? new WebAssembly.Global({ value: 'i32', mutable: true }, 0) : undefined;
    this.tick = (left) => this.checkpoint(left);
    this.memoryExhausted = memoryGuard
      ? new WebAssembly.Global({ value: 'i32', mutable: true }, 0)
      : undefined;
  }

  /** Fresh views of guest memory: after `memory.grow` the old ArrayBuffer is detached (its views read length 0). */
  views(): GuestBytes {
    if (!this.memory)
      throw this.raise(
        new HostLimitError('context', 'guest memory is not available (KSR call during instantiation?)'),
      );
    const buffer = this.memory.buffer;
    this.u8 = Buffer.from(buffer) as GuestBytes;
    this.i32 = new Int32Array(buffer);
    return this.u8;
  }

  /** Opens a fuel budget: the first slice goes to the guest's fuel global. */
  setFuel(budget: number, firstSlice: number): void {
    this.fuelBudget = budget;
    this.granted = Math.min(budget, firstSlice);
    this.stopped = undefined;
    if (this.fuel) this.fuel.value = this.granted;
    else if (this.fuelMode === 'export')
      this.fuelInit = new WebAssembly.Global({ value: 'i32' }, this.granted);
    if (this.memoryExhausted) this.memoryExhausted.value = 0;
  }

  /** 'export' mode: takes the instance's own fuel global, once instantiated. */
  adoptFuel(global: WebAssembly.Global): void {
    this.fuel = global;
  }

  /**
   * The guest's checkpoint: `left` units are left of the slice (below zero: the charge that overdrew it).
   * Returns the next slice, or -1 (the guest traps) when the budget or the deadline is spent.
   */
  checkpoint(left: number): number {
    const used = this.granted - left;
    if (used > this.fuelBudget) return this.stop('fuel', used);
    if (performance.now() > this.deadline && this.overDeadline()) return this.stop('deadline', used);
    const slice = Math.min(CHECKPOINT_UNITS, this.fuelBudget - used);
    this.granted = used + slice;
    return slice;
  }

  private stop(why: Stop, used: number): number {
    this.stopped = why;
    this.spent = used;
    return -1;
  }

  /** True when a fuel charge trapped because the budget was spent. */
  outOfFuel(): boolean {
    return this.stopped === 'fuel';
  }

  /**
   * Binds the context and opens the invocation's budgets; `deadlineMs` is the limit's, or a cold route's;
   * `firstSlice` is FIRST_SLICE_UNITS, or CHECKPOINT_UNITS on a fresh instance.
   */
  begin(ctx: Context, limits: InvocationLimits, now: number, deadlineMs: number, firstSlice: number): void {
    this.ctx = ctx;
    this.calls = 0;
    this.maxCalls = limits.maxKsrCalls;
    this.maxString = limits.maxStringBytes;
    this.argumentBytes = 0;
    this.maxArguments = limits.maxArgumentBytes;
    this.logBytes = 0;
    this.maxLog = limits.maxLogBytes;
    this.setDeadline(now, deadlineMs);
    this.hostFault = undefined;
    this.raised = undefined;
    this.asyncTimeoutMs = limits.asyncTimeoutMs;
    this.timeouts = 0;
    this.timedOutIn = undefined;
    this.suspensions = 0;
    this.suspendedMs = 0;
    this.setFuel(Math.min(limits.fuel, 0x7fffffff), firstSlice);
  }

  setDeadline(now: number, ms: number): void {
    this.deadline = now + ms;
    this.deadlineMs = ms;
    this.wallLimit = now + ms * WALL_FACTOR;
    this.cpuStart = threadCpuMs();
  }

  /**
   * The wall clock passed `deadline`: true when the invocation's CPU time did too (or the wall clock passed
   * `wallLimit`); otherwise `deadline` moves on by the CPU time left, and the invocation goes on.
   */
  overDeadline(): boolean {
    const now = performance.now();
    if (now > this.wallLimit) return true;
    const left = this.deadlineMs - (threadCpuMs() - this.cpuStart);
    if (left <= 0) return true;
    this.deadline = now + left;
    return false;
  }

  /** The guest waits for a KSR answer from now on; returns when it started (for resume). */
  suspend(): number {
    this.suspensions++;
    this.segments?.leave();
    this.cpuSuspended = threadCpuMs();
    return performance.now();
  }

  /**
   * The answer came (or the wait ended): the time spent waiting moves the deadline on. The deadline bounds
   * how long the guest holds the event loop, and a suspended guest holds nothing; the wait has its own
   * bound (asyncTimeoutMs). Fuel counts guest work only, so waiting costs none.
   */
  resume(started: number): void {
    const waited = performance.now() - started;
    this.deadline += waited;
    this.wallLimit += waited;
    // The thread served other messages meanwhile: not this invocation's CPU time.
    this.cpuStart += threadCpuMs() - this.cpuSuspended;
    this.suspendedMs += waited;
    this.segments?.enter();
  }

  /** A KSR call in `where` got its failure value: its answer did not come in time, or could not be waited for. */
  timedOut(where: string): void {
    this.timeouts++;
    this.timedOutIn ??= where;
  }

  /** Releases the context: any KSR call from now on (there should be none) fails. */
  end(): void {
    this.ctx = undefined;
    this.maxCalls = 0;
  }

  fuelUsed(): number {
    return fuelUsed(this.fuel, this.granted, this.stopped === undefined ? undefined : this.spent);
  }

  /** Charges log bytes against the invocation's budget; throws HostLimitError past it. */
  chargeLog(bytes: number): void {
    if (this.ctx === undefined) return;
    this.logBytes += bytes;
    if (this.logBytes > this.maxLog) {
      throw this.raise(
        new HostLimitError('log', `log output exceeds ${this.maxLog} bytes in one invocation`),
      );
    }
  }

  /** Records `error` as thrown into the guest (the first one wins) and returns it, for `throw S.raise(e)`. */
  raise<E>(error: E): E {
    if (this.raised === undefined) this.raised = error;
    return error;
  }
}

/**
 * Fuel used in an invocation: what `tick` counted when it ended it, or the units granted less those left in
 * the slice; 0 when the fuel global is out of reach (an own global of a failed instantiation).
 */
export function fuelUsed(
  fuel: WebAssembly.Global | undefined,
  granted: number,
  spent: number | undefined,
): number {
  if (spent !== undefined) return spent;
  return fuel ? granted - fuel.value : 0;
}
