// What the server does with a message whose route failed (trap, fuel, deadline, memory, stack, host limit): the
// tenant's failure policy. The core applies it per route kind (docs/sandbox.md has the table); the
// registry says which policy a script's tenant has, which version fail-open runs on, and counts failures
// for the circuit breaker (ScriptGuard).
import type { FailureCause } from '../runtime/index.ts';
import type { Script } from './script.ts';

export type FailureMode = 'fail-closed' | 'fail-open' | 'drop';

export interface FailureReply {
  readonly status: number;
  readonly reason: string;
}

export interface FailurePolicy {
  readonly mode: FailureMode;
  /** The reply of fail-closed; also what fail-open sends when there is no previous version to run. */
  readonly reply: FailureReply;
}

export const DEFAULT_FAILURE_REPLY: FailureReply = { status: 500, reason: 'Server Internal Error' };
export const DEFAULT_FAILURE_POLICY: FailurePolicy = { mode: 'fail-closed', reply: DEFAULT_FAILURE_REPLY };

/**
 * What the policy did with the message, for the log line and the metrics: `reply` (the configured reply
 * went out), `fallback` (the previous version ran the route), `drop` (nothing went out, or the failed
 * route's work was dropped), `forward` (a response went on as received), `none` (nothing was left to do:
 * the route had answered before it failed, or the message was an ACK).
 */
export type PolicyOutcome = 'reply' | 'fallback' | 'drop' | 'forward' | 'none';

/** The registry's side of failure handling; the router asks it for every failed invocation. */
export interface ScriptGuard {
  /** The failure policy of the script's tenant. */
  policy(script: Script): FailurePolicy;
  /** The version fail-open runs a failed route on; undefined when there is none (fail-closed then). */
  fallback(script: Script): Script | undefined;
  /** A failed invocation of `script`, after its policy was applied (the circuit breaker counts it). */
  failed(script: Script, cause: FailureCause): void;
}

/** Every tenant fail-closed with 500, no fallback, nothing counted: a server without a registry. */
export const defaultGuard: ScriptGuard = {
  policy: () => DEFAULT_FAILURE_POLICY,
  fallback: () => undefined,
  failed: () => {},
};
