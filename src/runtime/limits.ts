// Per-tenant limits, in two groups: those applied when a module is compiled (they change the code) and
// those checked on every invocation. Each comment says exactly what the limit covers and what it does not.

/** Applied by the engine when it validates, rewrites and compiles a module. */
export interface ModuleLimits {
  /** Largest upload accepted, in bytes; checked before anything is parsed. */
  readonly maxComponentBytes: number;
  /**
   * Instrument every core module for fuel: each function entry is charged the weights of the expressions of
   * its body, each loop iteration those of the loop body (nested loops excluded), and memory.fill/copy/init
   * one unit per 2 bytes (see fuel-meter.ts for the weights). The per-invocation budget is
   * `InvocationLimits.fuel`; the same instrumentation enforces `InvocationLimits.deadlineMs` inside guest
   * code. Fuel counts guest work only: time spent inside KSR host functions is covered by `maxKsrCalls` and
   * the deadline.
   */
  readonly fuel: boolean;
  /**
   * Largest size of each memory a core module defines, in bytes: its declared maximum is rewritten so
   * `memory.grow` past it fails (returns -1) and a module starting above it is refused at load. With a cap,
   * `memory.grow` is also instrumented so that a trap after a refused grow is reported as cause 'memory'.
   * `undefined` leaves memories as the guest declared them (the engine's 4 GiB bound then applies).
   */
  readonly maxMemoryBytes: number | undefined;
  /** Largest number of elements of each table a core module defines (declared maximum rewritten). */
  readonly maxTableElements: number | undefined;
}

/** Checked on every invocation of a route; a hit fails the invocation with cause 'limit' (or 'fuel', 'deadline'). */
export interface InvocationLimits {
  /** Fuel units per invocation (see ModuleLimits.fuel), including `cabi_realloc` calls made by the host. */
  readonly fuel: number;
  /**
   * Largest string crossing the boundary, in bytes, in either direction: each string argument the guest
   * passes to a KSR function, each string a KSR function returns to the guest, and the `named-route` name.
   * Checked before the string is copied, so a huge length costs nothing.
   */
  readonly maxStringBytes: number;
  /**
   * Largest total of the string arguments the guest passes to KSR functions in one invocation, in bytes.
   * Each string may be up to `maxStringBytes`, but what the host keeps of them (variables, headers) would
   * otherwise grow with every call until the deadline: 1 MB values into `$var(...)` held 150-210 MB.
   */
  readonly maxArgumentBytes: number;
  /** Largest number of KSR function calls in one invocation (bounds host work that fuel does not see). */
  readonly maxKsrCalls: number;
  /** Largest number of log bytes in one invocation, as charged by the log tables through `HostMeter`. */
  readonly maxLogBytes: number;
  /**
   * Budget of one invocation in milliseconds of the thread's CPU time, from the start of the call (and at
   * most WALL_FACTOR times as much wall-clock time: store.ts); past it the invocation fails with cause
   * 'deadline'. CPU time, so that a host too busy to run the route (a loaded machine) does not fail it. Checked inside guest code at each fuel checkpoint (once per
   * slice of fuel: store.ts, CHECKPOINT_UNITS), so a loop that calls nothing is stopped too, and at KSR calls
   * (every 16th call, and on the call that exceeds `maxKsrCalls`), so a route that spends its time in host
   * functions is. A route that returns late is not failed after the fact. Needs fuel on (ModuleLimits.fuel).
   */
  readonly deadlineMs: number;
  /**
   * Fuel units per invocation, instead of `fuel`, for a module that embeds a JavaScript engine
   * (`ModuleMeta.jsEngine`: StarlingMonkey, what componentize-js builds). The fuel pass charges a loop
   * iteration the weights of its whole body; SpiderMonkey's interpreter loop is one body with every opcode's
   * code in it, so a hello route in JavaScript is charged ~11 million units for ~40 µs of work. For these
   * modules the deadline is the CPU bound; this budget (~8 ms of their interpreted code) is a second one.
   */
  readonly jsFuel: number;
  /**
   * The deadline of a JavaScript guest's invocation, instead of `deadlineMs`. Its routes take
   * 0.05-6 ms of CPU (interpreted, with first paths compiled as they run), so on a 2-core machine under a
   * load of 16 a warm invocation of the TypeScript proxy met the 20 ms route deadline, and every failure
   * made a cold instance that failed the message after next. `jsFuel`, counted in guest work and not in
   * time, bounds their CPU whatever the load; this deadline backs it up.
   */
  readonly jsDeadlineMs: number;
  /**
   * Invocations of one module version that may be under way at once when its KSR calls can wait for a
   * remote store (LinkerOptions.suspending): each needs an instance of its own (a suspended instance cannot
   * be entered again). Past it a message's route is not run (cause `busy`: the server answers 503).
   */
  readonly maxSuspended: number;
  /**
   * `maxSuspended` for a JavaScript guest (`ModuleMeta.jsEngine`): each of its instances holds a ~9.5 MiB
   * engine image and grows to 3/4 of the memory cap before it is retired, so its pool is bounded apart.
   */
  readonly jsMaxSuspended: number;
  /**
   * The longest wait for one suspending KSR call's answer, in milliseconds; past it the call gives the guest
   * its failure value (-1, false, none, "": what Kamailio's function gives when its database is
   * unreachable) and the route goes on. Time waited does not count against `deadlineMs`.
   */
  readonly asyncTimeoutMs: number;
}

export const defaultModuleLimits: ModuleLimits = {
  maxComponentBytes: 32 * 1024 * 1024,
  fuel: true,
  maxMemoryBytes: 64 * 1024 * 1024,
  maxTableElements: 100_000,
};

export const defaultInvocationLimits: InvocationLimits = {
  // About 10 ms of the slowest compute-bound code on the reference machine (bench/fuel-calibration.ts);
  // memory-latency-bound code (dependent cache-missing loads) runs longer and meets the deadline instead.
  // The hello routes need 100-50 000 units, AssemblyScript's UTF-8 encoder about 300 per character.
  fuel: 10_000_000,
  maxStringBytes: 1024 * 1024,
  maxArgumentBytes: 4 * 1024 * 1024,
  maxKsrCalls: 10_000,
  maxLogBytes: 64 * 1024,
  // Twice what the fuel budget lasts on the slowest compute-bound code, and far above any real route (a few
  // microseconds): only memory-latency-bound guest code or slow host work meets it.
  deadlineMs: 20,
  // Near the largest budget (2^31 - 1); docs/guests.md has the units a JavaScript route is charged.
  jsFuel: 2_000_000_000,
  jsDeadlineMs: 100,
  // A pool this size of an AssemblyScript or Rust guest holds 2-40 MiB; Redis answers in well under a ms,
  // so 32 waits at once is thousands of messages a second per version.
  maxSuspended: 32,
  // 4 instances of a componentize-js guest start at ~38 MiB (up to 4 x 48 MiB before retirement under the
  // 64 MiB cap); at a Redis round trip well under a ms that is still thousands of waits a second.
  jsMaxSuspended: 4,
  // Far above a Redis round trip, below an INVITE's first retransmission (T1 = 500 ms) twice over.
  asyncTimeoutMs: 1000,
};

export type HostLimit = 'string' | 'arguments' | 'calls' | 'log' | 'deadline' | 'context';

/**
 * A host-side limit hit inside a KSR call. It is thrown out through the guest's frames, which is safe only
 * because the instance is discarded right after; tables never throw it for control flow.
 */
export class HostLimitError extends Error {
  readonly limit: HostLimit;
  constructor(limit: HostLimit, message: string) {
    super(message);
    this.limit = limit;
  }
}
