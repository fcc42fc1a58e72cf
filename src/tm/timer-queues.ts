// The transaction layer's real-time clock: every timer of every transaction on one Node timer. A call
// through the proxy schedules about a dozen timers (A, B, C again on each provisional, lifetimes, D/J/K/L
// lingering ...) and cancels most of them; with setTimeout each one was a Timeout object with an async id,
// an unref toggle and two closures around it, measured at ~15 µs of CPU per call under
// bench/proxy-calls.ts. Here a timer is one small entry in the queue of its delay: timers of the same
// delay are due in the order they were made, so each queue is kept in due order by appending, a cancel
// unlinks in O(1), and the one Node timer is armed for the earliest head of the queues (there are a few
// distinct delays: T1 doublings, fr, frInv, wait, lifetimes).

import type { Clock, Timer } from './clock.ts';

/** One pending timer, a node of its delay's queue. */
class QueuedTimer implements Timer {
  readonly due: number;
  fire: ((arg: unknown) => void) | undefined;
  arg: unknown;
  queue: TimerQueue | undefined;
  prev: QueuedTimer | undefined = undefined;
  next: QueuedTimer | undefined = undefined;

  constructor(due: number, fire: (arg: unknown) => void, arg: unknown, queue: TimerQueue) {
    this.due = due;
    this.fire = fire;
    this.arg = arg;
    this.queue = queue;
  }

  cancel(): void {
    this.queue?.unlink(this);
  }
}

/** The pending timers of one delay, in due order. */
class TimerQueue {
  readonly delay: number;
  head: QueuedTimer | undefined = undefined;
  tail: QueuedTimer | undefined = undefined;

  constructor(delay: number) {
    this.delay = delay;
  }

  append(timer: QueuedTimer): void {
    timer.prev = this.tail;
    if (this.tail === undefined) this.head = timer;
    else this.tail.next = timer;
    this.tail = timer;
  }

  unlink(timer: QueuedTimer): void {
    if (timer.prev === undefined) this.head = timer.next;
    else timer.prev.next = timer.next;
    if (timer.next === undefined) this.tail = timer.prev;
    else timer.next.prev = timer.prev;
    timer.prev = undefined;
    timer.next = undefined;
    timer.queue = undefined;
    timer.fire = undefined; // what the callback is for (a transaction) is not kept by a dead entry
    timer.arg = undefined;
  }
}

/** The most delays with a queue of their own (the transaction timers use about a dozen). */
export const MAX_QUEUES = 64;

export interface TimerQueuesOptions {
  /** Runs a due callback, `fire(arg)`: the server's guard (a throw is caught and counted there, never passed on). */
  readonly run: (fire: (arg: unknown) => void, arg: unknown) => void;
  /** Milliseconds on a monotonic scale; performance.now() when absent. */
  readonly now?: () => number;
}

/**
 * A Clock whose timers share one unref'd Node timer (a pending transaction timer never keeps a stopping
 * process alive). A callback fires once, no earlier than its delay after schedule(), in due order with the
 * others that are due.
 */
export class TimerQueues implements Clock {
  /** The queues by delay, and the same in an array: scanned without an iterator's entry per queue. */
  readonly #queues = new Map<number, TimerQueue>();
  readonly #scan: TimerQueue[] = [];
  readonly #run: (fire: (arg: unknown) => void, arg: unknown) => void;
  readonly #now: () => number;
  /** The Node timer, and when it is armed to go off (Infinity: not armed). */
  #handle: ReturnType<typeof setTimeout> | undefined = undefined;
  #armedFor = Number.POSITIVE_INFINITY;
  #firing = false;

  constructor(options: TimerQueuesOptions) {
    this.#run = options.run;
    this.#now = options.now ?? (() => performance.now());
  }

  now(): number {
    return this.#now();
  }

  schedule<A = undefined>(delayMs: number, fire: (arg: A) => void, arg?: A): Timer {
    const delay = Math.max(delayMs, 0);
    let queue = this.#queues.get(delay);
    if (queue === undefined) {
      // Delays a script chose (t-set-fr, dialog timeouts) can be many different values: past a few dozen
      // queues each would be scanned on every expiry, so such a timer gets a Node timer of its own.
      if (this.#scan.length >= MAX_QUEUES) return this.#own(delay, fire as (arg: unknown) => void, arg);
      queue = new TimerQueue(delay);
      this.#queues.set(delay, queue);
      this.#scan.push(queue);
    }
    const timer = new QueuedTimer(this.#now() + delay, fire as (arg: unknown) => void, arg, queue);
    queue.append(timer);
    if (!this.#firing && timer.due < this.#armedFor) this.#arm(timer.due);
    return timer;
  }

  /** The timers not fired nor cancelled yet (tests). */
  get pending(): number {
    let n = 0;
    for (const queue of this.#scan) for (let t = queue.head; t !== undefined; t = t.next) n++;
    return n;
  }

  #own(delay: number, fire: (arg: unknown) => void, arg: unknown): Timer {
    const run = this.#run;
    const handle = setTimeout(() => run(fire, arg), delay);
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  }

  #arm(due: number): void {
    if (this.#handle !== undefined) clearTimeout(this.#handle);
    this.#armedFor = due;
    // Node's timers count whole milliseconds from the loop's cached time: rounded up, and checked on firing.
    this.#handle = setTimeout(this.#expire, Math.max(1, Math.ceil(due - this.#now())));
    this.#handle.unref();
  }

  readonly #expire = (): void => {
    this.#handle = undefined;
    this.#armedFor = Number.POSITIVE_INFINITY;
    this.#firing = true;
    // Only what is due now: a callback scheduling a timer of delay 0 does not run it in this pass.
    const now = this.#now();
    try {
      for (let timer = this.#earliest(); timer !== undefined && timer.due <= now; timer = this.#earliest()) {
        const fire = timer.fire!;
        const arg = timer.arg;
        timer.queue!.unlink(timer);
        this.#run(fire, arg);
      }
    } finally {
      this.#firing = false;
      const next = this.#earliest();
      if (next !== undefined) this.#arm(next.due);
    }
  };

  /** The head due first; queues left empty are dropped (a delay used once, by a script's t-set-fr). */
  #earliest(): QueuedTimer | undefined {
    const scan = this.#scan;
    let first: QueuedTimer | undefined;
    for (let i = 0; i < scan.length; ) {
      const head = scan[i].head;
      if (head === undefined) {
        this.#queues.delete(scan[i].delay);
        scan[i] = scan[scan.length - 1];
        scan.pop();
        continue;
      }
      if (first === undefined || head.due < first.due) first = head;
      i++;
    }
    return first;
  }
}
