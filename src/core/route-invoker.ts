// Runs a script's routes for the server: one place that counts failed invocations, logs what their
// failure policy did with the message, tells the guard (the circuit breaker), and keeps routes from
// nesting. A guest instance is never re-entered while one of its routes runs (a KSR call that would run
// another route, as completing a transaction from inside a CANCEL's route would, is deferred until the
// outermost route returned).
import type { Logger } from 'pino';
import { RouteContext, type RouteHost, type RouteKind } from '../kemi/index.ts';
import type { Failure, RouteName } from '../runtime/index.ts';
import type { SipRequest, SipResponse } from '../sip/index.ts';
import type { Source } from '../transport/index.ts';
import { type CoreCounters, countIn } from './counters.ts';
import type { FailurePolicy, PolicyOutcome, ScriptGuard } from './failure-policy.ts';
import type { Script } from './script.ts';

/** A route context for `script` (its tenant set, for its defines). */
export function scriptContext(
  script: Script,
  kind: RouteKind,
  msg: SipRequest | SipResponse,
  source: Source,
  host: RouteHost,
  log: Logger,
): RouteContext {
  return new RouteContext(kind, msg, source, host, log, script);
}

export class RouteInvoker {
  readonly #counters: CoreCounters;
  readonly #guard: ScriptGuard;
  #depth = 0;
  #deferred: (() => void)[] = [];

  constructor(counters: CoreCounters, guard: ScriptGuard) {
    this.#counters = counters;
    this.#guard = guard;
  }

  /** True while a route runs. */
  get busy(): boolean {
    return this.#depth > 0;
  }

  /**
   * Runs `route` of `script` with `ctx`; the failure (counted by tenant and cause) when the invocation
   * failed. The caller applies the policy and then calls settle().
   */
  invoke(script: Script, route: RouteName, ctx: RouteContext, name?: string): Failure | undefined {
    ctx.logMeter = script.runner.meter;
    this.#depth++;
    let failure: Failure | undefined;
    try {
      const outcome = script.runner.invoke(route, ctx, name);
      if (!outcome.ok) {
        failure = outcome;
        countIn(this.#counters.routeFailures, script.tenant, outcome.cause);
      }
    } finally {
      this.#depth--;
    }
    if (this.#depth === 0) this.#drain();
    return failure;
  }

  /** The failure policy of the script's tenant. */
  policy(script: Script): FailurePolicy {
    return this.#guard.policy(script);
  }

  /** The version a failed route runs again on under fail-open (never `script` itself). */
  fallback(script: Script, policy: FailurePolicy): Script | undefined {
    if (policy.mode !== 'fail-open') return undefined;
    const fallback = this.#guard.fallback(script);
    return fallback === script ? undefined : fallback;
  }

  /**
   * A failed invocation once its policy was applied: one log line (tenant, version and Call-ID come with
   * ctx.log), the outcome counted, the guard told.
   */
  settle(
    script: Script,
    ctx: RouteContext,
    failure: Failure,
    policy: FailurePolicy,
    outcome: PolicyOutcome,
    name?: string,
  ): void {
    countIn(this.#counters.policyOutcomes, script.tenant, outcome);
    ctx.log.error(
      { cause: failure.cause, route: name ?? failure.route, kind: ctx.kind, policy: policy.mode, outcome },
      `route failed: ${failure.message}; ${describe(outcome, policy)}`,
    );
    this.#guard.failed(script, failure.cause);
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
