// Time for the transaction layer: read the clock and schedule timers through this interface, so that tests
// can drive every timer of RFC 3261 17 with virtual time instead of waiting.

export interface Timer {
  /** Stops the timer; calling it after it fired, or twice, does nothing. */
  cancel(): void;
}

export interface Clock {
  /** Milliseconds on a monotonic scale. */
  now(): number;
  /**
   * Calls `fire(arg)` once after `delayMs`. A function shared by every timer of a kind and the object it
   * is for (a transaction), rather than a closure per timer: a transaction schedules several and keeps
   * them while it lingers, and a closure is two objects (its context holds `this`).
   */
  schedule<A = undefined>(delayMs: number, fire: (arg: A) => void, arg?: A): Timer;
}

/** Node's timers; unref'd, so pending transaction timers never keep a stopping process alive. */
export const systemClock: Clock = {
  now: () => performance.now(),
  schedule<A>(delayMs: number, fire: (arg: A) => void, arg?: A) {
    const handle = setTimeout(fire, delayMs, arg as A);
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
};
