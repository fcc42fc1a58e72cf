// Callbacks nobody waits for (timers: transaction timers, dialog grace, store sweeps) run under the same
// guard as message delivery (src/transport/transport.ts): a throw is caught, counted by what threw, and
// logged, and the server goes on. Without it a throw in a timer callback is an uncaught exception, which
// ends the process (src/cli/serve.ts: the policy for what still escapes). Every timer of the server is
// scheduled here, so there is one path to guard.
import type { Logger } from 'pino';
import type { Clock, Timer } from './tm/clock.ts';
import { TimerQueues } from './tm/timer-queues.ts';

export class CallbackGuard {
  readonly #log: Logger;
  /** Callbacks that threw, by what they were (`tm-timer`, `dialog-grace`, `location-sweep` ...). */
  readonly errors = new Map<string, number>();
  /**
   * The transaction layer's clock, its timers guarded as `tm-timer`: all on one Node timer (a dozen per
   * call through the proxy, tm/timer-queues.ts).
   */
  readonly clock: Clock;

  constructor(log: Logger) {
    this.#log = log;
    this.clock = new TimerQueues({ run: (fire, arg) => this.run('tm-timer', fire, arg) });
  }

  /** Runs `fn(arg)` now; a throw is counted and logged as `what`, never passed on. */
  run<A = undefined>(what: string, fn: (arg: A) => void, arg?: A): void {
    try {
      fn(arg as A);
    } catch (err) {
      this.errors.set(what, (this.errors.get(what) ?? 0) + 1);
      this.#log.error({ err, what }, 'callback threw: caught, the server goes on');
    }
  }

  /**
   * Calls `fn` once after `delayMs`, guarded. Unref'd: a pending timer never keeps a stopping process
   * alive.
   */
  timeout(what: string, delayMs: number, fn: () => void): Timer {
    const handle = setTimeout(() => this.run(what, fn), delayMs);
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  }

  /** Calls `fn` every `everyMs`, guarded (a throw does not stop the later calls); unref'd. */
  interval(what: string, everyMs: number, fn: () => void): Timer {
    const handle = setInterval(() => this.run(what, fn), everyMs);
    handle.unref();
    return { cancel: () => clearInterval(handle) };
  }
}
