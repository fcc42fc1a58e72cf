// Runs a script's routes for the server, under the tenant's failure policy: the one place that runs a
// route, and when it failed asks the policy, runs it again on the previous version under fail-open,
// counts the failure, logs what the policy did with the message and tells the guard (the circuit
// breaker). Each route kind says only what is its own (PolicedRoute): how a run starts, what a run that
// returned means, what to put back, and what reply, forward or drop means for it (docs/sandbox.md has the
// table). It also keeps routes from nesting: a guest instance is never re-entered while one of its routes
// runs (a KSR call that would run another route, as completing a transaction from inside a CANCEL's route
// would, is deferred until the outermost route returned).
import type { Logger } from 'pino';
import { hostLog } from '../kemi/host-log.ts';
import { RouteContext, type RouteHost, type RouteKind } from '../kemi/index.ts';
import type { Failure, RouteName } from '../runtime/index.ts';
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

  readonly #stats: ScriptStats;

  constructor(counters: RouterCounters, guard: ScriptGuard, stats: ScriptStats) {
    this.#counters = counters;
    this.#guard = guard;
    this.#stats = stats;
  }

  /** Runs `kind`'s route on `script` under the tenant's failure policy; what the caller carries out. */
  run<T>(script: Script, kind: PolicedRoute<T>): T {
    let ran = script;
    let ctx = kind.context(script, false);
    let failure = this.#invoke(script, kind.route, ctx, kind.name);
    if (failure === undefined) return kind.returned(ctx);
    const policy = this.#guard.policy(script);
    const fallback = kind.answered?.(ctx) ? undefined : this.#fallback(script, policy);
    if (fallback !== undefined) {
      kind.retrying?.(ctx);
      this.#settle(script, ctx, failure, policy, 'fallback', kind.name);
      ran = fallback;
      ctx = kind.context(fallback, true);
      failure = this.#invoke(fallback, kind.route, ctx, kind.name);
      if (failure === undefined) return kind.returned(ctx);
    }
    const { outcome, value } = kind.failed(ctx, policy);
    this.#settle(ran, ctx, failure, policy, outcome, kind.name);
    return value;
  }

  /** Runs `task` now when no route runs, else right after the outermost one returns. */
  defer(task: () => void): void {
    if (this.#depth === 0) task();
    else this.#deferred.push(task);
  }

  /** Runs `route` of `script` with `ctx`; the failure (counted by tenant and cause) when it failed. */
  #invoke(
    script: Script,
    route: RouteName,
    ctx: RouteContext,
    name: string | undefined,
  ): Failure | undefined {
    ctx.logMeter = script.runner.meter;
    this.#depth++;
    let failure: Failure | undefined;
    const started = performance.now();
    try {
      const outcome = script.runner.invoke(route, ctx, name);
      if (!outcome.ok) {
        failure = outcome.error;
        countIn(this.#counters.routeFailures, script.tenant, failure.cause);
      } else if (script.runner.last.overran) this.#slow(script, ctx, name ?? route);
    } finally {
      this.#depth--;
    }
    this.#stats.invocation(
      script,
      route, // never the named route's name: the script picks it, and a label must stay few
      performance.now() - started,
      script.runner.last.fuelUsed,
      failure?.cause,
    );
    if (this.#depth === 0) this.#drain();
    return failure;
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
