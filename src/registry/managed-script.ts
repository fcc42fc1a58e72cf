// One loaded module version of one tenant: the Script the router runs messages on. It counts the
// transactions (and dialogs) that pinned it; once it is no longer active, its pins are gone, any dialog
// grace period is over and it is not held as the tenant's fail-open version, it tells the registry, which
// unloads it.
//
// Dialog grace (issue 11): a replaced version takes in-dialog requests that name it while it holds
// transactions and for the tenant's grace period after the last one ended (Kamailio keeps a dialog's
// module while the dialog is in use; here a late ACK or BYE after a long transaction still finds its
// version), never beyond `maxGraceMs` after it was replaced (a UA sending in-dialog requests cannot keep a
// version forever). A version removed for failing (the breaker, an operator's rollback) is revoked: no
// grace at all, its running transactions finish on it, new in-dialog requests go to the active version.

import type { Logger } from 'pino';
import type { CallbackGuard } from '../callback-guard.ts';
import type { FailureReply } from '../router/failure-policy.ts';
import type { Script } from '../router/script.ts';
import type { RouteRunner } from '../runtime/index.ts';
import type { Timer } from '../tm/clock.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import type { BreakerSettings } from './tenant-spec.ts';

/** How a replaced version keeps taking in-dialog requests. */
export interface DialogGrace {
  /** After the last transaction of the version ended (0: dialog pinning off). */
  readonly graceMs: number;
  /** After the version was replaced, whatever its transactions do. */
  readonly maxGraceMs: number;
  /** Removed for failing: no grace. */
  readonly revoked: boolean;
}

export class ManagedScript implements Script {
  readonly tenant: string;
  readonly version: number;
  readonly runner: RouteRunner;
  readonly log: Logger;
  readonly sha256: string;
  readonly loadedAt = Date.now();
  #pins = 0;
  #active = false;
  /** Until when in-dialog requests may still select this version after it stopped being active. */
  #graceUntil = 0;
  /** The bound of #graceUntil however often pins are released (replaced at + max grace). */
  #graceLimit = 0;
  #graceMs = 0;
  #revoked = false;
  #graceTimer: Timer | undefined;
  /** Failures counted while not active (the tenant's breaker counts the active version's). */
  #breaker: CircuitBreaker | undefined;
  readonly #timers: CallbackGuard;
  #unloaded = false;
  /** Kept loaded as the version fail-open runs failed routes on. */
  #standby = false;
  #blocked: FailureReply | undefined = undefined;
  readonly #onIdle: (script: ManagedScript) => void;

  constructor(
    tenant: string,
    version: number,
    sha256: string,
    runner: RouteRunner,
    log: Logger,
    onIdle: (script: ManagedScript) => void,
    /** Schedules the dialog grace timer (guarded: a throw in it is logged, never fatal). */
    timers: CallbackGuard,
  ) {
    this.#timers = timers;
    this.tenant = tenant;
    this.version = version;
    this.sha256 = sha256;
    this.runner = runner;
    this.log = log;
    this.#onIdle = onIdle;
  }

  get pins(): number {
    return this.#pins;
  }

  get active(): boolean {
    return this.#active;
  }

  get unloaded(): boolean {
    return this.#unloaded;
  }

  get standby(): boolean {
    return this.#standby;
  }

  /**
   * Set when the circuit breaker tripped on this active version and no good version was left: its
   * tenant's new requests get this reply without running it, until an operator activates a version.
   */
  get blocked(): FailureReply | undefined {
    return this.#blocked;
  }

  block(reply: FailureReply): void {
    this.#blocked = reply;
  }

  unblock(): void {
    this.#blocked = undefined;
  }

  /** Keeps the version loaded as the tenant's fail-open version (or lets it go). */
  setStandby(on: boolean): void {
    this.#standby = on;
    if (!on) this.#maybeIdle();
  }

  /** True while an in-dialog request naming this version may still run on it. */
  get inGrace(): boolean {
    if (this.#active) return true;
    if (this.#revoked) return false;
    const now = Date.now();
    return now < this.#graceLimit && (this.#pins > 0 || now < this.#graceUntil);
  }

  /** Removed for failing (breaker, operator rollback): in-dialog requests naming it go elsewhere. */
  get revoked(): boolean {
    return this.#revoked;
  }

  /**
   * Counts a failure of this version while it is not active, with the tenant's breaker settings; true when
   * it is the N-th within the window (the caller revokes it).
   */
  recordInactiveFailure(settings: BreakerSettings, now: number): boolean {
    this.#breaker ??= new CircuitBreaker(settings);
    return this.#breaker.record(now);
  }

  /** No more grace: the breaker tripped on this replaced version. */
  revoke(): void {
    if (this.#active) return;
    this.#revoked = true;
    this.#graceUntil = 0;
    this.#graceTimer?.cancel();
    this.#maybeIdle();
  }

  pin(): void {
    this.#pins++;
  }

  unpin(): void {
    if (this.#pins === 0) {
      // More unpins than pins is a bug in the caller; counting below zero would unload a version in use.
      this.log.error('unpin() without a matching pin(): ignored');
      return;
    }
    this.#pins--;
    if (this.#pins > 0) return;
    // The grace period runs from the last released pin, within the bound set at deactivation.
    if (!this.#active && !this.#revoked && this.#graceMs > 0) this.#extendGrace();
    this.#maybeIdle();
  }

  /** Called by the registry when this version becomes the active one. */
  activate(): void {
    this.#active = true;
    this.#revoked = false;
    this.#breaker = undefined;
    this.#graceUntil = 0;
    this.#graceLimit = 0;
    this.#graceTimer?.cancel();
  }

  /** Called by the registry when another version replaces this one; `grace` keeps it for dialogs. */
  deactivate(grace: DialogGrace): void {
    this.#active = false;
    this.#revoked = grace.revoked;
    this.#graceMs = grace.revoked ? 0 : grace.graceMs;
    this.#graceTimer?.cancel();
    this.#graceUntil = 0;
    this.#graceLimit = 0;
    if (this.#graceMs > 0) {
      this.#graceLimit = Date.now() + Math.max(grace.maxGraceMs, this.#graceMs);
      this.#extendGrace();
    } else this.#maybeIdle();
  }

  /** Called by the registry when it drops the version; later lookups no longer find it. */
  markUnloaded(): void {
    this.#unloaded = true;
    this.#graceTimer?.cancel();
  }

  /** Grace until `graceMs` from now (bounded), with the timer that lets the version go at its end. */
  #extendGrace(): void {
    const now = Date.now();
    this.#graceTimer?.cancel();
    this.#graceTimer = undefined;
    this.#graceUntil = Math.min(now + this.#graceMs, this.#graceLimit);
    if (this.#graceUntil <= now) {
      this.#graceUntil = 0;
      return;
    }
    this.#graceTimer = this.#timers.timeout('dialog-grace', this.#graceUntil - now, () => {
      // Each extension replaced this timer: when it fires, the grace is over.
      this.#graceTimer = undefined;
      this.#graceUntil = 0;
      this.#maybeIdle();
    });
  }

  #maybeIdle(): void {
    if (this.#active || this.#standby || this.#pins > 0 || this.#unloaded || Date.now() < this.#graceUntil)
      return;
    this.#onIdle(this);
  }
}
