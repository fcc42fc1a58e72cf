// The bound on each wait for a KSR answer (asyncTimeoutMs) without a timer per wait: a setTimeout and its
// clearTimeout cost more than the rest of a wait's bookkeeping. Waits with the same bound end in the order
// they started, so each bound keeps a FIFO queue and one timer serves all queues, armed for the earliest
// live deadline. A wait that settled first is only marked; the timer skips it.

interface Bounded {
  readonly at: number;
  fire: (() => void) | undefined;
}

class Fifo {
  items: Bounded[] = [];
  head = 0;

  get first(): Bounded | undefined {
    while (this.head < this.items.length && this.items[this.head].fire === undefined) this.head++;
    if (this.head === this.items.length && this.head > 0) {
      this.items = [];
      this.head = 0;
    }
    return this.items[this.head];
  }

  shift(): void {
    this.head++;
  }
}

class WaitBounds {
  readonly #queues = new Map<number, Fifo>();
  #timer: NodeJS.Timeout | undefined = undefined;
  #armedFor = Number.POSITIVE_INFINITY;

  /** Calls `fire` in `ms` unless `cancel` is called with the handle first. */
  start(ms: number, fire: () => void): Bounded {
    let queue = this.#queues.get(ms);
    if (queue === undefined) {
      queue = new Fifo();
      this.#queues.set(ms, queue);
    }
    const entry: Bounded = { at: performance.now() + ms, fire };
    queue.items.push(entry);
    if (entry.at < this.#armedFor) this.#arm(entry.at);
    return entry;
  }

  cancel(entry: Bounded): void {
    entry.fire = undefined;
  }

  #arm(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#armedFor = at;
    this.#timer = setTimeout(() => this.#expire(), Math.max(0, at - performance.now()));
  }

  #expire(): void {
    this.#timer = undefined;
    this.#armedFor = Number.POSITIVE_INFINITY;
    const now = performance.now();
    let next = Number.POSITIVE_INFINITY;
    for (const [ms, queue] of this.#queues) {
      for (let entry = queue.first; entry !== undefined; entry = queue.first) {
        if (entry.at > now) {
          next = Math.min(next, entry.at);
          break;
        }
        queue.shift();
        const fire = entry.fire;
        entry.fire = undefined;
        fire?.();
      }
      if (queue.first === undefined) this.#queues.delete(ms);
    }
    if (next !== Number.POSITIVE_INFINITY) this.#arm(next);
  }
}

/** The process's wait bounds (one timer for every suspending runner of the thread). */
export const waitBounds = new WaitBounds();
