// One loaded module version of one tenant: the Script the router runs messages on. It counts the
// transactions (and dialogs) that pinned it; once it is no longer active, its pins are gone, any dialog
// grace period is over and it is not held as the tenant's fail-open version, it tells the registry, which
// unloads it.

import type { Logger } from 'pino';
import type { CallbackGuard } from '../callback-guard.ts';
import type { FailureReply } from '../router/failure-policy.ts';
import type { Script } from '../router/script.ts';
import type { ModuleRunner } from '../runtime/index.ts';
import type { Timer } from '../tm/clock.ts';

export class ManagedScript implements Script {
  readonly tenant: string;
  readonly version: number;
  readonly runner: ModuleRunner;
  readonly log: Logger;
  readonly sha256: string;
  readonly loadedAt = Date.now();
  #pins = 0;
  #active = false;
  /** Until when in-dialog requests may still select this version after it stopped being active. */
  #graceUntil = 0;
  #graceTimer: Timer | undefined;
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
    runner: ModuleRunner,
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
    return this.#active || Date.now() < this.#graceUntil;
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
    if (this.#pins === 0) this.#maybeIdle();
  }

  /** Called by the registry when this version becomes the active one. */
  activate(): void {
    this.#active = true;
    this.#graceUntil = 0;
    this.#graceTimer?.cancel();
  }

  /** Called by the registry when another version replaces this one; `graceMs` keeps it for dialogs. */
  deactivate(graceMs: number): void {
    this.#active = false;
    this.#graceUntil = graceMs > 0 ? Date.now() + graceMs : 0;
    this.#graceTimer?.cancel();
    if (graceMs > 0) {
      this.#graceTimer = this.#timers.timeout('dialog-grace', graceMs, () => {
        this.#graceUntil = 0;
        this.#maybeIdle();
      });
    } else this.#maybeIdle();
  }

  /** Called by the registry when it drops the version; later lookups no longer find it. */
  markUnloaded(): void {
    this.#unloaded = true;
    this.#graceTimer?.cancel();
  }

  #maybeIdle(): void {
    if (this.#active || this.#standby || this.#pins > 0 || this.#unloaded || Date.now() < this.#graceUntil)
      return;
    this.#onIdle(this);
  }
}
