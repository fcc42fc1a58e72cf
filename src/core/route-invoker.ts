// Runs a script's routes for the server: one place that counts and logs failed invocations, and that keeps
// routes from nesting. A guest instance is never re-entered while one of its routes runs (a KSR call that
// would run another route, as completing a transaction from inside a CANCEL's route would, is deferred
// until the outermost route returned).
import type { RouteContext } from '../kemi/index.ts';
import type { RouteName } from '../runtime/index.ts';
import { type CoreCounters, countBy } from './counters.ts';
import type { Script } from './script.ts';

export class RouteInvoker {
  readonly #counters: CoreCounters;
  #depth = 0;
  #deferred: (() => void)[] = [];

  constructor(counters: CoreCounters) {
    this.#counters = counters;
  }

  /** True while a route runs. */
  get busy(): boolean {
    return this.#depth > 0;
  }

  /** Runs `route` of `script` with `ctx`; false (counted, logged) when the invocation failed. */
  invoke(script: Script, route: RouteName, ctx: RouteContext, name?: string): boolean {
    ctx.logMeter = script.runner.meter;
    this.#depth++;
    let ok: boolean;
    try {
      const outcome = script.runner.invoke(route, ctx, name);
      ok = outcome.ok;
      if (!outcome.ok) {
        countBy(this.#counters.routeFailures, outcome.cause);
        ctx.log.error({ cause: outcome.cause, route: name ?? route }, `route failed: ${outcome.message}`);
      }
    } finally {
      this.#depth--;
    }
    if (this.#depth === 0) this.#drain();
    return ok;
  }

  /** Runs `task` now when no route runs, else right after the outermost one returns. */
  defer(task: () => void): void {
    if (this.#depth === 0) task();
    else this.#deferred.push(task);
  }

  #drain(): void {
    while (this.#deferred.length > 0 && this.#depth === 0) this.#deferred.shift()!();
  }
}
