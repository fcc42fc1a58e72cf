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

  readonly fuel: WebAssembly.Global | undefined;
  readonly memoryExhausted: WebAssembly.Global | undefined;
  fuelBudget = 0;

  memory: WebAssembly.Memory | undefined = undefined;
  realloc: ((oldPtr: number, oldSize: number, align: number, newSize: number) => number) | undefined =
    undefined;
  u8: GuestBytes = EMPTY;
  i32: Int32Array = EMPTY_I32;

  constructor(fuel: boolean, memoryGuard: boolean) {
    this.fuel = fuel ? new WebAssembly.Global({ value: 'i32', mutable: true }, 0) : undefined;
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
    if (this.memoryExhausted) this.memoryExhausted.value = 0;
  }

  /** Binds the context and opens the invocation's budgets. */
  begin(ctx: Context, limits: InvocationLimits, now: number): void {
    this.ctx = ctx;
    this.calls = 0;
    this.maxCalls = limits.maxKsrCalls;
    this.maxString = limits.maxStringBytes;
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
    return this.fuel ? this.fuelBudget - this.fuel.value : 0;
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
