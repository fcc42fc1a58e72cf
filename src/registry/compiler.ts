// Compiles uploads in the compile worker (a supervised worker, see src/runtime/supervised-worker.ts), one job
// at a time, the tenants with jobs waiting taking turns. The breaker's rollbacks and fail-open refreshes
// compile in a lane of their own (a second worker, started on first use): they never wait for an upload,
// queued or running. The worker stays up between jobs (its first transpile costs a few hundred ms, later ones tens of
// ms). A job that runs past the deadline or a worker that dies is a failure of that upload only: the worker
// is replaced and the next job runs normally. A crash is not retried: it may be the upload's own doing (a
// memory bomb), and a second try would double its cost.
import { fail, ok, type Problem, type Result } from '../result.ts';
import {
  type CompiledModule,
  type CompileOptions,
  type CompileResult,
  type LoadErrorCode,
  SupervisedWorker,
} from '../runtime/index.ts';
import type { CompileJob } from './compile-worker.ts';

/** The engine's refusal, or `timeout` / `crashed` for the worker itself. */
export type CompileFailure = Problem<LoadErrorCode | 'timeout' | 'crashed'>;

export interface Compiled {
  readonly module: CompiledModule;
  /** From sending the job to the worker to its reply, in ms. */
  readonly wallMs: number;
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
  /** Longest a single compile may take (default 60 s). */
  readonly timeoutMs?: number;
  /** Heap of the worker, MB (default 1024): a memory bomb ends the worker, not the server. */
  readonly maxHeapMb?: number;
}

export class ModuleCompiler {
  readonly #timeoutMs: number;
  readonly #worker: SupervisedWorker<CompileJob, CompileResult>;
  readonly #urgent: SupervisedWorker<CompileJob, CompileResult>;

  constructor(options: CompilerOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    const lane = () =>
      new SupervisedWorker<CompileJob, CompileResult>({
        url: new URL('./compile-worker.ts', import.meta.url),
        timeoutMs: this.#timeoutMs,
        resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? 1024 },
      });
    this.#worker = lane();
    this.#urgent = lane();
  }

  /** Starts the worker now, so the first upload does not pay for it. */
  warm(): void {
    this.#worker.warm();
  }

  async compile(
    bytes: Uint8Array,
    options: CompileOptions = {},
    lane: CompileLane = { tenant: '' },
  ): Promise<CompileOutcome> {
    const worker = lane.urgent ? this.#urgent : this.#worker;
    const done = await worker.run({ bytes, options }, lane.tenant);
    if (!done.ok) {
      const { code, message } = done.error;
      if (code === 'timeout')
        return fail('timeout', `compiling took longer than ${this.#timeoutMs} ms: refused`);
      // `threw`: a bug in the engine, with its stack; `lost`: the worker died; `closed`: so was the compiler.
      return fail('crashed', `the ${code === 'lost' ? 'compile worker' : 'compiler'} ${message}`);
    }
    const { reply, wallMs } = done.value;
    return reply.ok ? ok({ module: reply.value, wallMs }) : reply;
  }

  async close(): Promise<void> {
    await Promise.all([this.#worker.close(), this.#urgent.close()]);
  }
}
