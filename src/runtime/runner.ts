// Runs a compiled module's routes: one instance reused across invocations; each invocation binds the
// context, opens the budgets and returns an outcome value. A failed invocation discards the instance and
// the next one gets a fresh instance made from the compiled module (a trap may leave guest state corrupt).

// The module's `performance`, not the global: the global is a lazy accessor that runs a receiver check on
// every read, and the clock is read on every invocation and KSR call.
import { performance } from 'node:perf_hooks';
import { err, OK, ok, type Result } from '../result.ts';
import type { CompiledModule } from './engine.ts';
import { isStackOverflow } from './fast-binding.ts';
import { instantiate, type RouteInstance, type RouteName } from './instance.ts';
import { defaultInvocationLimits, HostLimitError, type InvocationLimits } from './limits.ts';
import type { Linker } from './linker.ts';
import { type LoadError, loadError } from './load-error.ts';
import { CHECKPOINT_UNITS, type Context, FIRST_SLICE_UNITS, fuelUsed, Store } from './store.ts';

export type FailureCause =
  /** The fuel budget ran out (a loop or recursion that does not end). */
  | 'fuel'
  /**
   * The invocation ran past its deadline (`deadlineMs` of CPU time): seen at a fuel checkpoint inside guest
   * code, or at a KSR call.
   */
  | 'deadline'
  /** A memory.grow was refused at the memory cap and the guest then trapped. */
  | 'memory'
  /** The call stack overflowed (deep recursion). */
  | 'stack'
  /** Any other trap: unreachable, out-of-bounds access, bad pointer passed to a KSR function ... */
  | 'trap'
  /** A host-side limit: string size, KSR call count, log bytes, KSR call outside a route. */
  | 'limit'
  /**
   * A KSR implementation threw (or its Promise was rejected): a bug in the host, or a remote store's error,
   * reported with the function's name.
   */
  | 'host'
  /**
   * Not run: as many invocations of this module version as `maxSuspended` allows wait for KSR answers
   * already (SuspendingRunner). Not the script's fault: the server answers 503, the breaker is not told.
   */
  | 'busy'
  /**
   * The route returned, but after its deadline (the time went where no checkpoint sees it: inside KSR
   * calls between the checks). Not a failure of the message (what the route did stands); counted toward
   * the circuit breaker as one.
   */
  | 'slow';

/** Why an invocation failed: the route, the kind of failure, one line for the log, and what was thrown. */
export interface Failure {
  readonly route: RouteName;
  readonly cause: FailureCause;
  readonly message: string;
  readonly error: unknown;
}

/** A route that returned gives the shared OK (src/result.ts): the per-message path allocates no outcome. */
export type Outcome = Result<void, Failure>;

export const CAUGHT = 'the route caught a host error and went on: ';

/**
 * The deadline of a route's first invocation on a runner (and of its first instantiation), when the limit is
 * lower: V8 compiles a module's functions on their first call and the JS bindings are cold, which took 12-50
 * ms for the AssemblyScript examples on the 2-core reference machine under load, against ~0.1 ms warm. At
 * most one such invocation per route kind and version; fuel still bounds it.
 */
export const COLD_DEADLINE_MS = 250;
/**
 * The cold deadline of a JavaScript guest (see firstOfItsKind): its new instance copies a ~10 MiB image and
 * its first call compiles code as it goes, 115-180 ms on the quiet 2-core machine; at a load of 13 a fresh
 * server's first OPTIONS to the TypeScript registrar met 250 ms and was answered 500. js_fuel still bounds
 * its CPU.
 */
export const JS_COLD_DEADLINE_MS = 1000;
/** Share of the memory cap past which a JavaScript guest's instance is retired (see retireNearCap). */
export const RETIRE_AT = 0.75;
/**
 * Kinds of message (see messageKind) a JavaScript guest's instance remembers as warm; past this many, a new
 * kind runs under the ordinary deadline (so a stream of invented methods cannot keep its deadline at 250 ms).
 */
export const MAX_WARM_KINDS = 64;
/** The methods a kind of message names; any other is `other` (the method is the sender's to choose). */
const KNOWN_METHODS = new Set([
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'OPTIONS',
  'REGISTER',
  'PRACK',
  'UPDATE',
  'INFO',
  'SUBSCRIBE',
  'NOTIFY',
  'REFER',
  'MESSAGE',
  'PUBLISH',
]);
export const ROUTE_BIT: Record<RouteName, number> = {
  'request-route': 1,
  'reply-route': 2,
  'named-route': 4,
};

/** What the log tables use to report bytes written; the charge applies to the invocation in progress. */
export interface HostMeter {
  chargeLog(bytes: number): void;
}

export interface RunnerOptions {
  readonly limits?: Partial<InvocationLimits>;
  /** KSR interface names the tenant may use; all when absent. */
  readonly capabilities?: readonly string[];
}

export type RunnerResult = Result<ModuleRunner, LoadError>;

/**
 * Links `module` against the tables under the tenant's capabilities and returns its synchronous runner. A
 * module that imports a suspending function (LinkerOptions.suspending) is refused: createRouteRunner.
 */
export function createRunner(
  module: CompiledModule,
  linker: Linker,
  options: RunnerOptions = {},
): RunnerResult {
  const refused = linker.check(module, options.capabilities ? new Set(options.capabilities) : undefined);
  if (refused) return err(refused);
  const waits = linker.suspendingImports(module);
  if (waits.length > 0) {
    return err(
      loadError(
        'unsupported',
        `the module imports ${waits.join(', ')}, which may wait: link it with createRouteRunner`,
      ),
    );
  }
  return ok(new ModuleRunner(module, linker, { ...defaultInvocationLimits, ...options.limits }));
}

export class ModuleRunner {
  /** Its `invoke` returns the outcome itself (SuspendingRunner's returns a Promise of it). */
  readonly suspends = false;
  readonly module: CompiledModule;
  readonly limits: InvocationLimits;
  readonly meter: HostMeter;
  readonly stats = { invocations: 0, failures: 0, instances: 0, retired: 0 };
  /**
   * Figures of the last invocation. `fuelUsed` is read from the fuel global when asked (a read costs about
   * 15 ns, as much as a small route's metering), so it is valid until the next invocation starts.
   */
  readonly last: {
    readonly fuelUsed: number;
    ksrCalls: number;
    logBytes: number;
    overran: boolean;
    /** The budget it ran under: the route deadline, or COLD_DEADLINE_MS when it was cold. */
    deadlineMs: number;
    /**
     * KSR calls that got their failure value because their answer was a Promise, which a route run here
     * cannot wait for (the synchronous runner of a suspending module: SuspendingRunner.now).
     */
    timeouts: number;
    /** The first of them: `registrar.lookup`. */
    timedOutIn: string | undefined;
  };
  // What `last.fuelUsed` reads: the fuel globals and budget only, not the store (it would keep a failed
  // instance's memory alive).
  private lastFuel: WebAssembly.Global | undefined = undefined;
  private lastGranted = 0;
  private lastSpent: number | undefined = undefined;
  private readonly linker: Linker;
  /** ROUTE_BIT of each route kind that has run on this runner: the others get COLD_DEADLINE_MS. */
  private warm = 0;
  /** A JavaScript engine's instance: the kinds of message that have run on it (messageKind). */
  private readonly warmKinds = new Set<string>();
  private current: { readonly instance: RouteInstance; readonly store: Store } | undefined;

  constructor(module: CompiledModule, linker: Linker, limits: InvocationLimits) {
    this.module = module;
    this.linker = linker;
    // A JavaScript engine's interpreter is one huge loop body charged whole per bytecode op: its own budget.
    this.limits = module.meta.jsEngine
      ? { ...limits, fuel: limits.jsFuel, deadlineMs: limits.jsDeadlineMs }
      : limits;
    this.meter = { chargeLog: (bytes) => this.current?.store.chargeLog(bytes) };
    const runner = this;
    this.last = {
      get fuelUsed() {
        return fuelUsed(runner.lastFuel, runner.lastGranted, runner.lastSpent);
      },
      ksrCalls: 0,
      logBytes: 0,
      overran: false,
      deadlineMs: limits.deadlineMs,
      timeouts: 0,
      timedOutIn: undefined,
    };
  }

  invoke(route: RouteName, ctx: Context, name?: string): Outcome {
    this.stats.invocations++;
    let current = this.current;
    let firstSlice = FIRST_SLICE_UNITS;
    if (!current) {
      firstSlice = CHECKPOINT_UNITS;
      const fuel = this.module.meta.fuel ? (this.module.path === 'fast' ? 'export' : 'import') : undefined;
      const store = new Store(fuel, this.module.meta.maxMemoryBytes !== undefined);
      // A start function runs with the first invocation's budget and deadline.
      store.setFuel(Math.min(this.limits.fuel, 0x7fffffff), CHECKPOINT_UNITS);
      // A JavaScript engine's new instance is cold again (its 10 MB image copied in, its code compiled
      // lazily as each route first runs): every instance starts with the cold deadline for each route.
      if (this.module.meta.jsEngine) {
        this.warm = 0;
        this.warmKinds.clear();
      }
      store.setDeadline(
        performance.now(),
        this.coldDeadline(this.stats.instances === 0 || this.module.meta.jsEngine),
      );
      try {
        current = { instance: instantiate(this.module, this.linker, store), store };
      } catch (e) {
        return this.failed(route, e, store, 'instantiation failed: ');
      }
      this.current = current;
      this.stats.instances++;
    }
    const store = current.store;
    const bit = ROUTE_BIT[route];
    let cold = (this.warm & bit) === 0;
    this.warm |= bit;
    if (this.module.meta.jsEngine) cold = this.firstOfItsKind(route, ctx, name) || cold;
    const deadlineMs = this.coldDeadline(cold);
    this.last.deadlineMs = deadlineMs;
    store.begin(ctx, this.limits, performance.now(), deadlineMs, firstSlice);
    try {
      current.instance.call(route, name);
      // The guest caught what the host threw (exception handling) and returned: fail it all the same.
      if (store.raised !== undefined) {
        this.current = undefined;
        return this.failed(route, store.raised, store, CAUGHT);
      }
      // One clock read per invocation: a route that returned past its deadline is slow (RouteInvoker).
      this.last.overran = performance.now() > store.deadline && store.overDeadline();
      if (this.module.meta.jsEngine) this.retireNearCap(store);
      return OK;
    } catch (e) {
      this.current = undefined;
      this.last.overran = false;
      // A guest that caught what the host threw may fail later for it (jco's glue notices the call it
      // lost): the host's error is the cause.
      const first = store.raised ?? e;
      return this.failed(route, first, store, first === e ? '' : CAUGHT);
    } finally {
      this.lastFuel = store.fuel;
      this.lastGranted = store.granted;
      this.lastSpent = store.stopped === undefined ? undefined : store.spent;
      this.last.ksrCalls = Math.min(store.calls, store.maxCalls + 1);
      this.last.logBytes = store.logBytes;
      this.last.timeouts = store.timeouts;
      if (store.timeouts > 0) this.last.timedOutIn = store.timedOutIn;
      store.end();
    }
  }

  // componentize-js 0.23 guests keep ~340 bytes of linear memory per invocation that SpiderMonkey never
  // gives back (measured with the hello route: 9.5 MiB at start, the 64 MiB cap after ~170 000 messages,
  // where one message then failed). Their instance is retired after a successful invocation that leaves it
  // past RETIRE_AT of the cap, so that the next message starts a fresh one instead of failing.
  private retireNearCap(store: Store): void {
    const cap = this.module.meta.maxMemoryBytes;
    const used = store.memory?.buffer.byteLength ?? 0;
    if (cap !== undefined && used > cap * RETIRE_AT) {
      this.current = undefined;
      this.stats.retired++;
    }
  }

  // A JavaScript guest is cold on each new path through its code, not only on its first call: SpiderMonkey
  // compiles a JavaScript function when it first runs, and V8 compiles the engine's wasm functions that
  // does so on their first call. Measured with the TypeScript proxy on a loaded 2-core machine: the first
  // INVITE after an OPTIONS took 21 ms, the first in-dialog BYE 6.6 ms, the same messages later 0.4-3 ms;
  // in the stateful e2e suite such a first message met the 20 ms deadline and its call failed. The kind of
  // message (route, named route, method, initial or in-dialog; a reply's status class) stands for the
  // path: the first of each kind on an instance runs under the cold deadline. Fuel (js_fuel) still bounds it.
  private firstOfItsKind(route: RouteName, ctx: Context, name: string | undefined): boolean {
    if (this.warmKinds.size >= MAX_WARM_KINDS) return false;
    const kind = messageKind(route, ctx, name);
    if (this.warmKinds.has(kind)) return false;
    this.warmKinds.add(kind);
    return true;
  }

  private coldDeadline(cold: boolean): number {
    if (!cold) return this.limits.deadlineMs;
    return Math.max(
      this.limits.deadlineMs,
      this.module.meta.jsEngine ? JS_COLD_DEADLINE_MS : COLD_DEADLINE_MS,
    );
  }

  /** Drops the current instance; the next invocation makes a fresh one. */
  reset(): void {
    this.current = undefined;
  }

  private failed(route: RouteName, error: unknown, store: Store, prefix: string): Outcome {
    this.stats.failures++;
    const { cause, message } = classify(error, store, this.module.meta.maxMemoryBytes);
    return err({ route, cause, message: `${route}: ${prefix}${message}`, error });
  }
}

/** The kind of message a route runs on, for a JavaScript guest's warm paths (firstOfItsKind). */
export function messageKind(route: RouteName, ctx: Context, name: string | undefined): string {
  const msg = (ctx as { msg?: { method?: unknown; status?: unknown; to?: { tag?: string } } }).msg;
  const named = name === undefined ? '' : ` ${name}`;
  if (typeof msg?.status === 'number') return `${route}${named} ${Math.floor(msg.status / 100)}xx`;
  if (typeof msg?.method !== 'string') return `${route}${named}`;
  const method = KNOWN_METHODS.has(msg.method) ? msg.method : 'other';
  return `${route}${named} ${method} ${msg.to?.tag === undefined ? 'initial' : 'in-dialog'}`;
}

/** Tells the kinds of failure apart; the order matters (a host limit may surface as any error type). */
export function classify(
  error: unknown,
  store: Store,
  memoryCap: number | undefined,
): { cause: FailureCause; message: string } {
  const text = error instanceof Error ? error.message : String(error);
  if (error instanceof HostLimitError)
    return { cause: error.limit === 'deadline' ? 'deadline' : 'limit', message: text };
  if (store.hostFault) return { cause: 'host', message: `KSR function ${store.hostFault} threw: ${text}` };
  if (store.stopped === 'deadline') {
    return {
      cause: 'deadline',
      message: `deadline: the route ran past its budget of ${store.deadlineMs} ms of CPU time (${store.spent} fuel units used)`,
    };
  }
  if (store.outOfFuel()) {
    return {
      cause: 'fuel',
      message: `out of fuel: the route used up its budget of ${store.fuelBudget} units`,
    };
  }
  if (isStackOverflow(error)) return { cause: 'stack', message: `stack overflow: ${text}` };
  if (store.memoryExhausted?.value === 1) {
    return {
      cause: 'memory',
      message: `memory exhausted: a memory.grow was refused at the ${memoryCap}-byte cap, then: ${text}`,
    };
  }
  return { cause: 'trap', message: text };
}
