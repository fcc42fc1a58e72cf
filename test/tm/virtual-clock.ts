// Virtual time for the transaction layer's timers: nothing fires until the test advances the clock, and
// timers fire in due order (equal due times in scheduling order).
import type { Clock, Timer } from '../../src/tm/clock.ts';

interface Entry {
  due: number;
  seq: number;
  fire: (arg: unknown) => void;
  arg: unknown;
  cancelled: boolean;
}

export class VirtualClock implements Clock {
  #now = 0;
  #seq = 0;
  #entries: Entry[] = [];

  now(): number {
    return this.#now;
  }

  schedule<A = undefined>(delayMs: number, fire: (arg: A) => void, arg?: A): Timer {
    const entry: Entry = {
      due: this.#now + delayMs,
      seq: this.#seq++,
      fire: fire as (arg: unknown) => void,
      arg,
      cancelled: false,
    };
    this.#entries.push(entry);
    return {
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  /** Timers still pending. */
  get pending(): number {
    return this.#entries.filter((e) => !e.cancelled).length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due (including ones scheduled meanwhile). */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const next = this.#entries
        .filter((e) => !e.cancelled && e.due <= end)
        .sort((a, b) => a.due - b.due || a.seq - b.seq)[0];
      if (!next) break;
      this.#now = next.due;
      next.cancelled = true;
      next.fire(next.arg);
    }
    this.#now = end;
    this.#entries = this.#entries.filter((e) => !e.cancelled);
  }
}
