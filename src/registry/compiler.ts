// Compiles uploads in the compile process (a supervised worker run as a child process bounded in all its
// memory, see src/runtime/supervised-worker.ts and job-host.ts), one job at a time, the tenants with jobs
// waiting taking turns. The breaker's rollbacks and fail-open refreshes compile in a lane of their own (a
// second process, started on first use): they never wait for an upload, queued or running. The process
// stays up between jobs (its first transpile costs a few hundred ms, later ones tens of ms). It sends the
// rewritten cores back as bytes, known to compile; they are compiled again here (V8 compiles off the event
// loop), since a WebAssembly.Module cannot cross processes. Each process ends after `idleExitMs` without a
// job (compile.idle_exit_s): an idle server does not keep ~250 MB of compiler resident; the next compile
// starts it again (a few hundred ms).
// Compiled modules are shared by content: a compile of the same bytes under the same options (limits,
// capabilities) while an earlier one is still held by some loaded version, or still running, gets that
// one's module (one WebAssembly.Module, one compile) instead of a new compile. Ten thousand tenants running
// the same blob then compile it once and share its code; each still gets its own instances (runner.ts). The
// engine is deterministic in (bytes, options), so the shared result is the one a new compile would give.
// The cache holds modules weakly: one that no loaded version uses any more is collected as before. A job that runs past the deadline or a process
// that dies (an upload that needs more memory than the bound) is a failure of that upload only: the process
// is replaced and the next job runs normally. A crash is not retried: it may be the upload's own doing (a
// memory bomb), and a second try would double its cost.

import { createHash } from 'node:crypto';
import { siblingModule } from '../module-url.ts';
import { fail, ok, type Problem, type Result } from '../result.ts';
import {
  type CompiledModule,
  type CompileOptions,
  type LoadErrorCode,
  materialize,
  type PortableResult,
  SupervisedWorker,
} from '../runtime/index.ts';
import type { CompileJob } from './compile-worker.ts';

/** The engine's refusal, or `timeout` / `crashed` for the worker itself. */
export type CompileFailure = Problem<LoadErrorCode | 'timeout' | 'crashed'>;

export interface Compiled {
  readonly module: CompiledModule;
  /** From sending the job to the worker to its reply, in ms (0 when shared). */
  readonly wallMs: number;
  /** The module of an earlier compile of the same bytes and options: `module.meta.timings` are that one's. */
  readonly shared: boolean;
}

export type CompileOutcome = Result<Compiled, CompileFailure>;

/** Whose compile it is, and whether it may wait behind uploads. */
export interface CompileLane {
  /** The tenant: tenants with compiles waiting take turns. */
  readonly tenant: string;
  /**
   * A stored version the tenant needs now, not an upload (the breaker's rollback, the fail-open
   * version): compiled in the urgent lane, never behind an upload.
   */
  readonly urgent?: boolean;
}

export interface CompilerOptions {
  /** Longest a single compile may take (default 60 s, `compile.timeout_ms`), plus timeoutMsPerMib. */
  readonly timeoutMs?: number;
  /**
   * More time per MiB of the component (default 10 s, `compile.timeout_ms_per_mib`): the fuel rewrite takes
   * time in proportion to the code. A 12.6 MiB JavaScript component (componentize-js) took 7-11 s to load
   * on a quiet 2-core machine and more than 60 s on a loaded one; an AssemblyScript or Rust route (tens of
   * KiB) gets the base alone.
   */
  readonly timeoutMsPerMib?: number;
  /**
   * Resident memory of each compile process, MiB (default 1024, `compile.max_memory_mb`): JS heap,
   * WebAssembly and native memory together. A memory bomb ends the compile, not the server.
   */
  readonly maxMemoryMb?: number;
  /** A compile process ends after this long without a job (default 30 s, `compile.idle_exit_s`). */
  readonly idleExitMs?: number;
}

export const DEFAULT_COMPILE_IDLE_EXIT_S = 30;
export const DEFAULT_COMPILE_TIMEOUT_MS = 60_000;
export const DEFAULT_COMPILE_TIMEOUT_MS_PER_MIB = 10_000;

/** An ordinary compile peaks at about 300 MiB resident (jco and V8 loaded): room for large uploads. */
export const DEFAULT_COMPILE_MEMORY_MB = 1024;

/** The `[compile]` section of the configuration (src/config/schema.ts), as the compiler reads it. */
export interface CompileSettings {
  readonly max_memory_mb?: number;
  readonly idle_exit_s?: number;
  readonly timeout_ms?: number;
  readonly timeout_ms_per_mib?: number;
}

/** The compiler `[compile]` asks for: its process starts with the first compile and ends when idle. */
export function compilerFor(settings: CompileSettings | undefined): ModuleCompiler {
  const idleExitS = settings?.idle_exit_s;
  return new ModuleCompiler({
    maxMemoryMb: settings?.max_memory_mb,
    timeoutMs: settings?.timeout_ms,
    timeoutMsPerMib: settings?.timeout_ms_per_mib,
    ...(idleExitS !== undefined && { idleExitMs: idleExitS * 1000 }),
  });
}

export class ModuleCompiler {
  readonly #timeoutMs: number;
  readonly #timeoutMsPerMib: number;
  readonly #maxMemoryMb: number;
  readonly #worker: SupervisedWorker<CompileJob, PortableResult>;
  readonly #urgent: SupervisedWorker<CompileJob, PortableResult>;
  /** Compiles running, by key (content hash and options): a second ask for the same waits for the first. */
  readonly #running = new Map<string, Promise<CompileOutcome>>();
  /** Compiled modules still held somewhere, by key. */
  readonly #compiled = new Map<string, WeakRef<CompiledModule>>();
  readonly #collected = new FinalizationRegistry<string>((key) => {
    if (this.#compiled.get(key)?.deref() === undefined) this.#compiled.delete(key);
  });
  /** Compiles answered from the cache (a held module or one running), for the figures and the tests. */
  readonly stats = { compiles: 0, shared: 0 };

  constructor(options: CompilerOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_COMPILE_TIMEOUT_MS;
    this.#timeoutMsPerMib = options.timeoutMsPerMib ?? DEFAULT_COMPILE_TIMEOUT_MS_PER_MIB;
    const maxMemoryMb = options.maxMemoryMb ?? DEFAULT_COMPILE_MEMORY_MB;
    this.#maxMemoryMb = maxMemoryMb;
    const lane = () =>
      new SupervisedWorker<CompileJob, PortableResult>({
        url: siblingModule('compile-worker', import.meta.url),
        timeoutMs: this.#timeoutMs,
        // The JS heap alone gets at most the whole bound: V8 then collects before the watch kills.
        process: { maxMemoryMb, maxHeapMb: maxMemoryMb },
        idleMs: options.idleExitMs ?? DEFAULT_COMPILE_IDLE_EXIT_S * 1000,
      });
    this.#worker = lane();
    this.#urgent = lane();
  }

  /** The bound of one compile of `bytes` bytes: the base and the allowance for its size. */
  timeoutFor(bytes: number): number {
    return Math.round(this.#timeoutMs + (this.#timeoutMsPerMib * bytes) / (1024 * 1024));
  }

  /** Starts the worker now, so the first upload does not pay for it. */
  warm(): void {
    this.#worker.warm();
  }

  /**
   * Validates, rewrites and compiles `bytes` in the compile process; or, when the same bytes were compiled
   * under the same options and their module is still held (or being compiled), answers with that module.
   */
  compile(
    bytes: Uint8Array,
    options: CompileOptions = {},
    lane: CompileLane = { tenant: '' },
  ): Promise<CompileOutcome> {
    const key = cacheKey(bytes, options);
    const held = this.#compiled.get(key)?.deref();
    if (held) {
      this.stats.shared++;
      return Promise.resolve(ok({ module: held, wallMs: 0, shared: true }));
    }
    const running = this.#running.get(key);
    if (running) {
      this.stats.shared++;
      return running.then((o) => (o.ok ? ok({ ...o.value, wallMs: 0, shared: true }) : o));
    }
    this.stats.compiles++;
    const compiling = this.#compile(bytes, options, lane).then((outcome) => {
      this.#running.delete(key);
      if (outcome.ok) {
        this.#compiled.set(key, new WeakRef(outcome.value.module));
        this.#collected.register(outcome.value.module, key);
      }
      return outcome;
    });
    this.#running.set(key, compiling);
    return compiling;
  }

  async #compile(bytes: Uint8Array, options: CompileOptions, lane: CompileLane): Promise<CompileOutcome> {
    const worker = lane.urgent ? this.#urgent : this.#worker;
    const timeoutMs = this.timeoutFor(bytes.length);
    const done = await worker.run({ bytes, options }, lane.tenant, timeoutMs);
    if (!done.ok) {
      const { code, message } = done.error;
      if (code === 'timeout') return fail('timeout', `compiling took longer than ${timeoutMs} ms: refused`);
      // `threw`: a bug in the engine, with its stack; `lost`: the process died (out of memory, above
      // compile.max_memory_mb, as a rule); `closed`: so was the compiler.
      if (code === 'lost') {
        return fail(
          'crashed',
          `the compile process ${message}: the upload needs more than compile.max_memory_mb (${this.#maxMemoryMb} MiB) to compile, or crashed it`,
        );
      }
      return fail('crashed', `the compiler ${message}`);
    }
    const { reply, wallMs } = done.value;
    if (!reply.ok) return reply;
    const module = await materialize(reply.value);
    return module.ok ? ok({ module: module.value, wallMs, shared: false }) : module;
  }

  async close(): Promise<void> {
    await Promise.all([this.#worker.close(), this.#urgent.close()]);
  }
}

/** The content hash of the bytes and the options they are compiled under (the engine's whole input). */
function cacheKey(bytes: Uint8Array, options: CompileOptions): string {
  return createHash('sha256').update(bytes).update(JSON.stringify(options)).digest('hex');
}
