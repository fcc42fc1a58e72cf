// The host state of one instance, as wasmtime's Store: the context bound for the current invocation, the
// invocation's budgets and counters, the fuel globals, and cached views of guest memory. Host functions close
// over it; fields are plain and public because generated code reads them on the hot path.
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
const EMPTY_I32 = new Int32Array(0);

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
  /** performance.now() value after which the invocation is over its wall-clock budget. */
  deadline = 0;
  /** Set when a KSR implementation threw: `pv.get`. */
  hostFault: string | undefined = undefined;
  /**
   * The first error the host threw into the guest in this invocation (a limit, a fault, a bad pointer). A
   * guest with exception handling can catch it and return normally; the runner fails the invocation anyway.
   */
  raised: unknown = undefined;

  /**
   * The fuel counter: created here and imported by the guest ('import', jco path), or the guest's own global,
   * adopted from its exports after instantiation ('export', fast path; see instrument.ts).
   */
  fuel: WebAssembly.Global | undefined;
  /** 'export' mode: the budget the guest's own fuel global starts from (immutable, made per instantiation). */
  fuelInit: WebAssembly.Global | undefined = undefined;
  /** 'export' mode: set to 1 by the guest when a charge traps. */
  readonly fuelExhausted: WebAssembly.Global | undefined;
  readonly memoryExhausted: WebAssembly.Global | undefined;
  readonly fuelMode: 'import' | 'export' | undefined;
  fuelBudget = 0;

  memory: WebAssembly.Memory | undefined = undefined;
  realloc: ((oldPtr: number, oldSize: number, align: number, newSize: number) => number) | undefined =
    undefined;
  u8: GuestBytes = EMPTY;
  i32: Int32Array = EMPTY_I32;

  constructor(fuel: 'import' | 'export' | undefined, memoryGuard: boolean) {
    this.fuelMode = fuel;
    this.fuel = fuel === 'import' ? new WebAssembly.Global({ value: 'i32', mutable: true }, 0) : undefined;
    this.fuelExhausted =
      fuel === 'export' ? new WebAssembly.Global({ value: 'i32', mutable: true }, 0) : undefined;
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

  setFuel(budget: number): void {
    this.fuelBudget = budget;
    if (this.fuel) this.fuel.value = budget;
    else if (this.fuelMode === 'export') this.fuelInit = new WebAssembly.Global({ value: 'i32' }, budget);
    // fuel-exhausted is set only by a trap, after which the store is discarded: no reset (it costs ~12 ns).
    if (this.memoryExhausted) this.memoryExhausted.value = 0;
  }

  /** 'export' mode: takes the instance's own fuel global, once instantiated. */
  adoptFuel(global: WebAssembly.Global): void {
    this.fuel = global;
  }

  /** True when a fuel charge trapped (fuel below zero). */
  outOfFuel(): boolean {
    return this.fuelExhausted?.value === 1 || (this.fuel !== undefined && this.fuel.value < 0);
  }

  /** Binds the context and opens the invocation's budgets. */
  begin(ctx: Context, limits: InvocationLimits, now: number): void {
    this.ctx = ctx;
    this.calls = 0;
    this.maxCalls = limits.maxKsrCalls;
    this.maxString = limits.maxStringBytes;
    this.argumentBytes = 0;
    this.maxArguments = limits.maxArgumentBytes;
    this.logBytes = 0;
    this.maxLog = limits.maxLogBytes;
    this.deadline = now + limits.deadlineMs;
    this.hostFault = undefined;
    this.raised = undefined;
    this.setFuel(Math.min(limits.fuel, 0x7fffffff));
  }

  /** Releases the context: any KSR call from now on (there should be none) fails. */
  end(): void {
    this.ctx = undefined;
    this.maxCalls = 0;
  }

  fuelUsed(): number {
    return fuelUsed(this.fuel, this.fuelExhausted, this.fuelBudget);
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

/** Fuel used out of `budget`, from the fuel globals of a store. */
export function fuelUsed(
  fuel: WebAssembly.Global | undefined,
  exhausted: WebAssembly.Global | undefined,
  budget: number,
): number {
  if (fuel) return budget - fuel.value;
  // An own fuel global out of reach: the instantiation failed; all of it if the start function ran dry.
  return exhausted?.value === 1 ? budget + 1 : 0;
}
