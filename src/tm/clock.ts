// Time for the transaction layer: read the clock and schedule timers through this interface, so that tests
// can drive every timer of RFC 3261 17 with virtual time instead of waiting.

export interface Timer {
  /** Stops the timer; calling it after it fired, or twice, does nothing. */
  cancel(): void;
}

export interface Clock {
  /** Milliseconds on a monotonic scale. */
  now(): number;
  /** Calls `fire` once after `delayMs`. */
  schedule(delayMs: number, fire: () => void): Timer;
}

/** Node's timers; unref'd, so pending transaction timers never keep a stopping process alive. */
export const systemClock: Clock = {
  now: () => performance.now(),
  schedule(delayMs, fire) {
    const handle = setTimeout(fire, delayMs);
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
};
