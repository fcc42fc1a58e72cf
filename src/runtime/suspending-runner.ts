// Runs the routes of a module that imports a KSR function whose answer may come later (a remote store:
// LinkerOptions.suspending), through JSPI: those imports are `WebAssembly.Suspending`, the routes are called
// through `WebAssembly.promising`, and `invoke` returns a Promise of the outcome. While one invocation waits,
// the event loop serves other messages, those of this very version too: a suspended instance cannot be
// entered again (its shadow stack and allocator are mid-call), so each invocation under way has an instance
// of its own, from a pool of at most `maxSuspended`. A failure discards its instance only.
//
// Routes that the transaction layer runs and must answer at once (branch, onreply, failure) go to `now`, a
// synchronous runner of the same module on an instance of its own, where a suspending function's Promise
// gets the function's failure value at once (counted as a timeout: Store.timedOut).
//
// A JavaScript guest (componentize-js: StarlingMonkey, `meta.jsEngine`) runs here too, under its own rules
// as on ModuleRunner: js_fuel and js_deadline_ms, a pool bound of its own (jsMaxSuspended: each instance is
// a ~9.5 MiB engine image), the cold deadline on each new instance for the first message of each kind (the
// warm kinds are the instance's, not the version's: every pooled instance compiles its paths anew), and an
// instance past RETIRE_AT of the memory cap after a successful invocation is dropped, not pooled.

// The module's `performance`, not the global: the global is a lazy accessor that runs a receiver check on
// every read, and the clock is read on every invocation and KSR call.
import { performance } from 'node:perf_hooks';
import { err, OK, ok, type Result } from '../result.ts';
import type { CompiledModule, FastModule } from './engine.ts';
import { instantiateSuspending, type RouteName, type SuspendingInstance } from './instance.ts';
import { defaultInvocationLimits, type InvocationLimits } from './limits.ts';
import type { Linker } from './linker.ts';
import type { LoadError } from './load-error.ts';
import {
  CAUGHT,
  COLD_DEADLINE_MS,
  classify,
  type Failure,
  type HostMeter,
  JS_COLD_DEADLINE_MS,
  MAX_WARM_KINDS,
  ModuleRunner,
  messageKind,
  type Outcome,
  RETIRE_AT,
  ROUTE_BIT,
  type RunnerOptions,
} from './runner.ts';
import {
  CHECKPOINT_UNITS,
  type Context,
  FIRST_SLICE_UNITS,
  fuelUsed,
  type Segments,
  Store,
} from './store.ts';

/** An outcome with the figures of its invocation (several may be under way: none is "the last"). */
export interface Measured {
  readonly outcome: Outcome;
  readonly fuelUsed: number;
  /** The route returned after its deadline (time waiting for KSR answers not counted). */
  readonly overran: boolean;
  /** The budget it ran under: the route deadline, or the cold one (COLD_DEADLINE_MS ...). */
  readonly deadlineMs: number;
  /** KSR calls whose answer did not come within asyncTimeoutMs (they got their failure value). */
  readonly timeouts: number;
  /** The first of them: `registrar.lookup`. */
  readonly timedOutIn: string | undefined;
  /** Waits for KSR answers, and the time they took. */
  readonly suspensions: number;
  readonly suspendedMs: number;
}

interface Slot {
  readonly instance: SuspendingInstance;
  readonly store: Store;
  /** A JavaScript guest's instance: the kinds of message it has run (messageKind); undefined otherwise. */
  readonly warmKinds: Set<string> | undefined;
  /** A JavaScript guest's instance: ROUTE_BIT of the route kinds it has run. */
  warm: number;
}

export class SuspendingRunner {
  /** Its `invoke` returns a Promise of the outcome. */
  readonly suspends = true;
  readonly module: FastModule;
  readonly limits: InvocationLimits;
  readonly stats = {
    invocations: 0,
    failures: 0,
    instances: 0,
    retired: 0,
    /** Messages not run: maxSuspended invocations were under way. */
    busy: 0,
    /** KSR calls that got their failure value: no answer within asyncTimeoutMs. */
    timeouts: 0,
    /** Invocations that waited at least once. */
    suspended: 0,
  };
  /**
   * Told when an invocation's guest code starts or resumes running (enter) and when it stops to wait or
   * ends (leave): the router defers work while a route runs, and a waiting route does not run.
   */
  segments: Segments | undefined = undefined;
  /** The same module run synchronously, for the routes that cannot wait (see the file's comment). */
  readonly now: ModuleRunner;
  /** The config key of the pool bound in force, for the busy message. */
  readonly #boundName: string;
  readonly #js: boolean;
  readonly #linker: Linker;
  readonly #idle: Slot[] = [];
  /** Each invocation's store, by its context: what the log tables charge (meterFor). */
  readonly #running = new Map<Context, Store>();
  #active = 0;
  #warm = 0;
  #idleWaiters: (() => void)[] = [];

  constructor(module: FastModule, linker: Linker, limits: InvocationLimits) {
    this.module = module;
    this.#linker = linker;
    this.#js = module.meta.jsEngine === true;
    this.#boundName = this.#js ? 'js_max_suspended' : 'max_suspended';
    // A JavaScript engine's budgets as ModuleRunner gives them (limits.ts jsFuel, jsDeadlineMs), and its pool
    // bound. `now` is given the tenant's limits: it applies the JavaScript ones itself.
    this.limits = this.#js
      ? {
          ...limits,
          fuel: limits.jsFuel,
          deadlineMs: limits.jsDeadlineMs,
          maxSuspended: limits.jsMaxSuspended,
        }
      : limits;
    this.now = new ModuleRunner(module, linker, limits);
  }

  /** Invocations under way (running or waiting for a KSR answer). */
  get inFlight(): number {
    return this.#active;
  }

  /** Settles once no invocation is under way (each ends by its KSR waits' bound, asyncTimeoutMs). */
  idle(): Promise<void> {
    if (this.#active === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** The meter of the invocation of `ctx`: log bytes charged to that invocation's budget. */
  meterFor(ctx: Context): HostMeter {
    return { chargeLog: (bytes) => this.#running.get(ctx)?.chargeLog(bytes) };
  }

  invoke(route: RouteName, ctx: Context, name?: string): Promise<Outcome> {
    return this.invokeMeasured(route, ctx, name).then((m) => m.outcome);
  }

  /** Runs `route` with `ctx`; settles when it returned or failed, with its figures. Never rejects. */
  async invokeMeasured(route: RouteName, ctx: Context, name?: string): Promise<Measured> {
    this.stats.invocations++;
    if (this.#active >= this.limits.maxSuspended) {
      this.stats.busy++;
      return measured(
        err({
          route,
          cause: 'busy',
          message: `${route}: not run, ${this.limits.maxSuspended} invocations of this version are waiting for KSR answers already (${this.#boundName})`,
          error: undefined,
        }),
      );
    }
    this.#active++;
    try {
      return await this.#run(route, ctx, name);
    } finally {
      this.#active--;
      if (this.#active === 0 && this.#idleWaiters.length > 0) {
        const waiters = this.#idleWaiters;
        this.#idleWaiters = [];
        for (const wake of waiters) wake();
      }
    }
  }

  /** Drops the idle instances (and the synchronous one); invocations under way keep theirs to the end. */
  reset(): void {
    this.#idle.length = 0;
    this.now.reset();
  }

  async #run(route: RouteName, ctx: Context, name: string | undefined): Promise<Measured> {
    let slot = this.#idle.pop();
    let firstSlice = FIRST_SLICE_UNITS;
    if (slot === undefined) {
      firstSlice = CHECKPOINT_UNITS;
      const store = this.#newStore();
      try {
        const instance = instantiateSuspending(this.module, this.#linker, store);
        slot = { instance, store, warmKinds: this.#js ? new Set() : undefined, warm: 0 };
      } catch (e) {
        return measured(this.#failed(route, e, store, 'instantiation failed: '));
      }
      this.stats.instances++;
    }
    const store = slot.store;
    const deadlineMs = this.#deadline(this.#cold(slot, route, ctx, name));
    store.begin(ctx, this.limits, performance.now(), deadlineMs, firstSlice);
    this.#running.set(ctx, store);
    let outcome: Outcome;
    let overran = false;
    const segments = this.segments;
    store.segments = segments;
    segments?.enter();
    try {
      const call = slot.instance.call(route, name);
      await call;
      if (store.raised !== undefined) {
        outcome = this.#failed(route, store.raised, store, CAUGHT);
      } else {
        overran = performance.now() > store.deadline && store.overDeadline();
        outcome = OK;
        if (this.#nearCap(store)) this.stats.retired++;
        else this.#idle.push(slot);
      }
    } catch (e) {
      const first = store.raised ?? e;
      outcome = this.#failed(route, first, store, first === e ? '' : CAUGHT);
    }
    segments?.leave();
    store.segments = undefined;
    this.#running.delete(ctx);
    if (store.suspensions > 0) this.stats.suspended++;
    this.stats.timeouts += store.timeouts;
    const figures: Measured = {
      outcome,
      fuelUsed: fuelUsed(store.fuel, store.granted, store.stopped === undefined ? undefined : store.spent),
      overran,
      deadlineMs,
      timeouts: store.timeouts,
      timedOutIn: store.timedOutIn,
      suspensions: store.suspensions,
      suspendedMs: store.suspendedMs,
    };
    store.end();
    return figures;
  }

  #newStore(): Store {
    const fuel = this.module.meta.fuel ? 'export' : undefined;
    const store = new Store(fuel, this.module.meta.maxMemoryBytes !== undefined);
    // A start function runs with the first invocation's budget and deadline (as in ModuleRunner).
    store.setFuel(Math.min(this.limits.fuel, 0x7fffffff), CHECKPOINT_UNITS);
    store.setDeadline(performance.now(), this.#deadline(this.stats.instances === 0 || this.#js));
    return store;
  }

  /**
   * Whether this invocation runs under the cold deadline: the first of its route kind on this version, or,
   * for a JavaScript guest, the first of its route kind or kind of message on this instance (ModuleRunner's
   * firstOfItsKind says why; at most MAX_WARM_KINDS kinds per instance).
   */
  #cold(slot: Slot, route: RouteName, ctx: Context, name: string | undefined): boolean {
    const bit = ROUTE_BIT[route];
    const kinds = slot.warmKinds;
    if (kinds === undefined) {
      const cold = (this.#warm & bit) === 0;
      this.#warm |= bit;
      return cold;
    }
    let cold = (slot.warm & bit) === 0;
    slot.warm |= bit;
    if (kinds.size < MAX_WARM_KINDS) {
      const kind = messageKind(route, ctx, name);
      if (!kinds.has(kind)) {
        kinds.add(kind);
        cold = true;
      }
    }
    return cold;
  }

  /** A JavaScript guest's instance past RETIRE_AT of the memory cap (ModuleRunner.retireNearCap: why). */
  #nearCap(store: Store): boolean {
    const cap = this.module.meta.maxMemoryBytes;
    if (!this.#js || cap === undefined) return false;
    return (store.memory?.buffer.byteLength ?? 0) > cap * RETIRE_AT;
  }

  #deadline(cold: boolean): number {
    if (!cold) return this.limits.deadlineMs;
    return Math.max(this.limits.deadlineMs, this.#js ? JS_COLD_DEADLINE_MS : COLD_DEADLINE_MS);
  }

  #failed(route: RouteName, error: unknown, store: Store, prefix: string): Result<never, Failure> {
    this.stats.failures++;
    const { cause, message } = classify(error, store, this.module.meta.maxMemoryBytes);
    return err({ route, cause, message: `${route}: ${prefix}${message}`, error });
  }
}

function measured(outcome: Outcome): Measured {
  return {
    outcome,
    fuelUsed: 0,
    overran: false,
    deadlineMs: 0,
    timeouts: 0,
    timedOutIn: undefined,
    suspensions: 0,
    suspendedMs: 0,
  };
}

/** Either runner of a module: SuspendingRunner when it imports a suspending function, else ModuleRunner. */
export type RouteRunner = ModuleRunner | SuspendingRunner;

/**
 * Links `module` as createRunner does and returns the runner it needs: a SuspendingRunner when it imports a
 * suspending function (LinkerOptions.suspending), else the synchronous ModuleRunner, exactly as createRunner's.
 */
export function createRouteRunner(
  module: CompiledModule,
  linker: Linker,
  options: RunnerOptions = {},
): Result<RouteRunner, LoadError> {
  const refused = linker.check(module, options.capabilities ? new Set(options.capabilities) : undefined);
  if (refused) return err(refused);
  const limits = { ...defaultInvocationLimits, ...options.limits };
  if (module.path === 'fast' && linker.suspendingImports(module).length > 0)
    return ok(new SuspendingRunner(module, linker, limits));
  return ok(new ModuleRunner(module, linker, limits));
}
