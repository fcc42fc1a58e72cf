// Runs a script's routes for the server, under the tenant's failure policy: the one place that runs a
// route, and when it failed asks the policy, runs it again on the previous version under fail-open,
// counts the failure, logs what the policy did with the message and tells the guard (the circuit
// breaker). Each route kind says only what is its own (PolicedRoute): how a run starts, what a run that
// returned means, what to put back, and what reply, forward or drop means for it (docs/sandbox.md has the
// table). It also keeps routes from nesting: a guest instance is never re-entered while one of its routes
// runs (a KSR call that would run another route, as completing a transaction from inside a CANCEL's route
// would, is deferred until the outermost route returned).
//
// A script whose module may wait in KSR calls (a remote store: SuspendingRunner) runs its request, reply and
// failure routes through `route`, which then returns a Promise: the caller goes on when it settles, and the
// event loop serves other messages meanwhile. Branch and onreply routes answer at once through `run`: for
// such a script they run on its synchronous runner, where a KSR call that would wait gets its failure value
// (counted in ksrTimeouts). While a suspended route waits, it is not "running" for the deferral above: only
// the stretches where its guest code runs are (SuspendingRunner.segments).

// The module's `performance`, not the global: the global is a lazy accessor that runs a receiver check on
// every read, and the clock is read on every invocation and KSR call.
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { hostLog } from '../kemi/host-log.ts';
import { RouteContext, type RouteHost, type RouteKind } from '../kemi/index.ts';
import type {
  Failure,
  Measured,
  ModuleRunner,
  RouteName,
  RouteRunner,
  SuspendingRunner,
} from '../runtime/index.ts';
import type { SipRequest, SipResponse } from '../sip/index.ts';
import type { Source } from '../transport/index.ts';
import { countIn, type RouterCounters } from './counters.ts';
import type { FailurePolicy, PolicyOutcome, ScriptGuard } from './failure-policy.ts';
import type { Script } from './script.ts';
import type { ScriptStats } from './script-stats.ts';

/**
 * A route context for `script`: it carries the script it runs on (its tenant's defines, htables ...).
 * `log` may be a function that makes the logger when the route first logs.
 */
export function scriptContext(
  script: Script,
  kind: RouteKind,
  msg: SipRequest | SipResponse,
  source: Source,
  host: RouteHost,
  log: Logger | (() => Logger),
): RouteContext {
  // Every log maker of the server makes a child of the script's log (its level): see RouteContext.logEnabled.
  return new RouteContext(kind, msg, source, host, log, script, script.log);
}

/** The Script a context of the server runs on: scriptContext made it with one. */
export function scriptOf(ctx: RouteContext): Script | undefined {
  return ctx.script as Script | undefined;
}

/** What the policy did with the message of a failed route, and what the caller goes on with. */
export interface Settled<T> {
  readonly outcome: PolicyOutcome;
  readonly value: T;
}

/** One route kind's part in RouteInvoker.run. */
export interface PolicedRoute<T> {
  readonly route: RouteName;
  /** The name a named route (branch, onreply, failure) is invoked with; it is also what the log names. */
  readonly name?: string;
  /**
   * A fresh context for a run on `script`. `retry`: fail-open runs the route again on the previous
   * version, from a pristine copy of the message (what the failed run changed is not there).
   */
  context(script: Script, retry: boolean): RouteContext;
  /** A run returned: what the caller carries out. */
  returned(ctx: RouteContext): T;
  /** The failed run had answered the message already: it keeps its answer, nothing runs it again. */
  answered?(ctx: RouteContext): boolean;
  /** Before fail-open runs the route again: forget what the failed run made, put back what it changed. */
  retrying?(ctx: RouteContext): void;
  /**
   * The route failed and no version is left to run it (not fail-open, no previous version, or that failed
   * too): carry out what the policy means for this kind, and say what came of it.
   */
  failed(ctx: RouteContext, policy: FailurePolicy): Settled<T>;
}

export class RouteInvoker {
  readonly #counters: RouterCounters;
  readonly #guard: ScriptGuard;
  #depth = 0;
  #deferred: (() => void)[] = [];
  /** Routes under way that may wait (route()): what shutdown waits for. */
  readonly #waiting = new Set<Promise<unknown>>();
  /** What a SuspendingRunner reports when its guest code starts or stops running (see the file's comment). */
  readonly #segments = {
    enter: () => {
      this.#depth++;
    },
    leave: () => {
      this.#depth--;
      if (this.#depth === 0) this.#drain();
    },
  };

  readonly #stats: ScriptStats;

  constructor(counters: RouterCounters, guard: ScriptGuard, stats: ScriptStats) {
    this.#counters = counters;
    this.#guard = guard;
    this.#stats = stats;
  }

  /**
   * Runs `kind`'s route on `script` under the tenant's failure policy and answers at once; what the caller
   * carries out. A script whose KSR calls may wait runs here on its synchronous runner (see the file's
   * comment): `route` is for the callers that can wait.
   */
  run<T>(script: Script, kind: PolicedRoute<T>): T {
    const ctx = kind.context(script, false);
    const failure = this.#invoke(script, kind.route, ctx, kind.name);
    if (failure === undefined) return kind.returned(ctx);
    return this.#recover(script, kind, ctx, failure, false) as T;
  }

  /**
   * As `run`, but a script whose KSR calls may wait runs on its SuspendingRunner: the result is then a
   * Promise, settled once the route (and a fail-open run on the previous version) returned. It never
   * rejects for a route's failure; an error of the caller's own callbacks rejects it.
   */
  route<T>(script: Script, kind: PolicedRoute<T>): T | Promise<T> {
    if (!script.runner.suspends) return this.run(script, kind);
    const running = this.#routeSuspending(script, script.runner, kind);
    this.#waiting.add(running);
    void running.then(
      () => this.#waiting.delete(running),
      () => this.#waiting.delete(running),
    );
    return running;
  }

  /** Settles when the routes under way now that may wait have settled (each wait is bounded). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#waiting]);
  }

  /** Routes under way that may wait. */
  get waiting(): number {
    return this.#waiting.size;
  }

  async #routeSuspending<T>(script: Script, runner: SuspendingRunner, kind: PolicedRoute<T>): Promise<T> {
    const ctx = kind.context(script, false);
    const failure = await this.#invokeSuspending(script, runner, kind.route, ctx, kind.name);
    if (failure === undefined) return kind.returned(ctx);
    if (failure.cause === 'busy') return this.#busy(script, kind, ctx, failure);
    return this.#recover(script, kind, ctx, failure, true);
  }

  /**
   * A failed run: fail-open runs the route again on the previous version (waiting for it when `wait` and
   * its runner may wait), else the policy's outcome for the kind.
   */
  #recover<T>(
    script: Script,
    kind: PolicedRoute<T>,
    ctx: RouteContext,
    failure: Failure,
    wait: boolean,
  ): T | Promise<T> {
    const policy = this.#guard.policy(script);
    const fallback = kind.answered?.(ctx) ? undefined : this.#fallback(script, policy);
    if (fallback === undefined) return this.#give(script, kind, ctx, failure, policy);
    kind.retrying?.(ctx);
    this.#settle(script, ctx, failure, policy, 'fallback', kind.name);
    const retry = kind.context(fallback, true);
    const after = (again: Failure | undefined): T =>
      again === undefined ? kind.returned(retry) : this.#give(fallback, kind, retry, again, policy);
    const runner = fallback.runner;
    if (wait && runner.suspends)
      return this.#invokeSuspending(fallback, runner, kind.route, retry, kind.name).then(after);
    return after(this.#invoke(fallback, kind.route, retry, kind.name));
  }

  /** No version is left to run the route: the policy's outcome for the kind, logged and counted. */
  #give<T>(
    ran: Script,
    kind: PolicedRoute<T>,
    ctx: RouteContext,
    failure: Failure,
    policy: FailurePolicy,
  ): T {
    const { outcome, value } = kind.failed(ctx, policy);
    this.#settle(ran, ctx, failure, policy, outcome, kind.name);
    return value;
  }

  /**
   * The route was not run: max_suspended invocations of its version wait for KSR answers already. The
   * message gets what a fail-closed 503 gives its kind (a request is answered 503); not the script's fault,
   * so no fallback and nothing told to the breaker.
   */
  #busy<T>(script: Script, kind: PolicedRoute<T>, ctx: RouteContext, failure: Failure): T {
    const { outcome, value } = kind.failed(ctx, BUSY_POLICY);
    countIn(this.#counters.policyOutcomes, script.tenant, outcome);
    hostLog(ctx, 'warn', 'route-busy', { route: kind.name ?? kind.route, outcome }, failure.message);
    return value;
  }

  /** Runs `task` now when no route runs, else right after the outermost one returns. */
  defer(task: () => void): void {
    if (this.#depth === 0) task();
    else this.#deferred.push(task);
  }

  /**
   * Runs `route` of `script` with `ctx` synchronously; the failure (counted by tenant and cause) when it
   * failed.
   */
  #invoke(
    script: Script,
    route: RouteName,
    ctx: RouteContext,
    name: string | undefined,
  ): Failure | undefined {
    const runner = syncRunner(script.runner);
    ctx.logMeter = runner.meter;
    this.#depth++;
    let failure: Failure | undefined;
    const started = performance.now();
    try {
      const outcome = runner.invoke(route, ctx, name);
      if (!outcome.ok) {
        failure = outcome.error;
        countIn(this.#counters.routeFailures, script.tenant, failure.cause);
      } else if (runner.last.overran) this.#slow(script, ctx, name ?? route);
    } finally {
      this.#depth--;
    }
    // A suspending script's KSR calls that could not wait here (their answer was a Promise).
    if (runner !== script.runner && runner.last.timeouts > 0)
      this.#timedOut(script, ctx, runner.last.timeouts, runner.last.timedOutIn, false);
    this.#stats.invocation(
      script,
      route, // never the named route's name: the script picks it, and a label must stay few
      performance.now() - started,
      runner.last.fuelUsed,
      failure?.cause,
    );
    if (this.#depth === 0) this.#drain();
    return failure;
  }

  /**
   * Runs `route` on a runner whose KSR calls may wait. The script stays pinned while it runs (its version
   * is not unloaded under a suspended route); the time it spent waiting is not in its invocation time.
   */
  async #invokeSuspending(
    script: Script,
    runner: SuspendingRunner,
    route: RouteName,
    ctx: RouteContext,
    name: string | undefined,
  ): Promise<Failure | undefined> {
    ctx.logMeter = runner.meterFor(ctx);
    runner.segments = this.#segments;
    const started = performance.now();
    script.pin();
    let measured: Measured;
    try {
      measured = await runner.invokeMeasured(route, ctx, name);
    } finally {
      script.unpin();
    }
    let failure: Failure | undefined;
    const { outcome } = measured;
    if (!outcome.ok) {
      failure = outcome.error;
      countIn(this.#counters.routeFailures, script.tenant, failure.cause);
    } else if (measured.overran) this.#slow(script, ctx, name ?? route);
    if (measured.timeouts > 0) this.#timedOut(script, ctx, measured.timeouts, measured.timedOutIn, true);
    this.#stats.invocation(
      script,
      route,
      performance.now() - started - measured.suspendedMs,
      measured.fuelUsed,
      failure?.cause,
    );
    return failure;
  }

  /** KSR calls of one invocation that got their failure value instead of a remote store's answer. */
  #timedOut(
    script: Script,
    ctx: RouteContext,
    count: number,
    first: string | undefined,
    waited: boolean,
  ): void {
    const fn = first ?? 'unknown';
    for (let i = 0; i < count; i++) countIn(this.#counters.ksrTimeouts, script.tenant, fn);
    hostLog(
      ctx,
      'warn',
      'ksr-timeout',
      { function: first, count },
      waited
        ? `${fn}: no answer within async_timeout_ms, the call got its failure value`
        : `${fn} would wait for a remote store, which a ${ctx.kind} route cannot: the call got its failure value`,
    );
  }

  /** The version a failed route runs again on under fail-open (never `script` itself). */
  #fallback(script: Script, policy: FailurePolicy): Script | undefined {
    if (policy.mode !== 'fail-open') return undefined;
    const fallback = this.#guard.fallback(script);
    return fallback === script ? undefined : fallback;
  }

  /**
   * A failed invocation once its policy was applied: one log line (tenant, version and Call-ID come with
   * ctx.log), the outcome counted, the guard told.
   */
  #settle(
    script: Script,
    ctx: RouteContext,
    failure: Failure,
    policy: FailurePolicy,
    outcome: PolicyOutcome,
    name: string | undefined,
  ): void {
    countIn(this.#counters.policyOutcomes, script.tenant, outcome);
    ctx.log.error(
      { cause: failure.cause, route: name ?? failure.route, kind: ctx.kind, policy: policy.mode, outcome },
      `route failed: ${failure.message}; ${describe(outcome, policy)}`,
    );
    this.#guard.failed(script, failure.cause);
  }

  /**
   * A route that returned after its deadline: its work stands, but it counts toward the breaker as a
   * failure (cause `slow`), so a route that is slow without ever being stopped still rolls back.
   */
  #slow(script: Script, ctx: RouteContext, route: string): void {
    countIn(this.#counters.routeFailures, script.tenant, 'slow');
    hostLog(ctx, 'warn', 'slow-route', { route }, 'route returned after its deadline (counted as slow)');
    this.#guard.failed(script, 'slow');
  }

  #drain(): void {
    while (this.#deferred.length > 0 && this.#depth === 0) this.#deferred.shift()!();
  }
}

/** What a message gets when its route was not run for max_suspended (RouteInvoker.#busy). */
const BUSY_POLICY: FailurePolicy = {
  mode: 'fail-closed',
  reply: { status: 503, reason: 'Service Unavailable' },
};

/** The runner that answers at once: a suspending script's synchronous one. */
function syncRunner(runner: RouteRunner): ModuleRunner {
  return runner.suspends ? runner.now : runner;
}

function describe(outcome: PolicyOutcome, policy: FailurePolicy): string {
  switch (outcome) {
    case 'reply':
      return `answered ${policy.reply.status} ${policy.reply.reason}`;
    case 'fallback':
      return 'running the route on the previous version';
    case 'drop':
      return 'dropped';
    case 'forward':
      return 'the response goes on as received';
    case 'none':
      return 'nothing left to do';
  }
}
