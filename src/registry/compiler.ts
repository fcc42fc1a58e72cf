// Compiles uploads in a worker thread, one job at a time. The worker stays up between jobs (its first
// transpile costs a few hundred ms, later ones tens of ms). A job that runs past the deadline or a worker
// that dies is a failure of that upload only: the worker is replaced and the next job runs normally.
import { Worker } from 'node:worker_threads';
import type { CompiledModule, CompileOptions, LoadErrorCode } from '../runtime/index.ts';
import type { CompileJob, CompileReply } from './compile-worker.ts';

export interface CompileFailure {
  /** The engine's refusal, or `timeout` / `crashed` for the worker itself. */
  readonly code: LoadErrorCode | 'timeout' | 'crashed';
  readonly message: string;
}

export type CompileOutcome =
  | { readonly ok: true; readonly module: CompiledModule; readonly wallMs: number }
  | { readonly ok: false; readonly error: CompileFailure };

export interface CompilerOptions {
  /** Longest a single compile may take (default 60 s). */
  readonly timeoutMs?: number;
  /** Heap of the worker, MB (default 1024): a memory bomb ends the worker, not the server. */
  readonly maxHeapMb?: number;
}

interface Pending {
  readonly job: CompileJob;
  readonly resolve: (outcome: CompileOutcome) => void;
}

const WORKER_URL = new URL('./compile-worker.ts', import.meta.url);

export class ModuleCompiler {
  readonly #timeoutMs: number;
  readonly #maxHeapMb: number;
  readonly #queue: Pending[] = [];
  #worker: Worker | undefined;
  #running: { pending: Pending; timer: NodeJS.Timeout; start: number } | undefined;
  #nextId = 1;
  #closed = false;

  constructor(options: CompilerOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#maxHeapMb = options.maxHeapMb ?? 1024;
  }

  /** Starts the worker now, so the first upload does not pay for it. */
  warm(): void {
    this.#ensureWorker();
  }

  compile(bytes: Uint8Array, options: CompileOptions = {}): Promise<CompileOutcome> {
    if (this.#closed) return Promise.resolve(failure('crashed', 'the compiler is closed'));
    return new Promise((resolve) => {
      this.#queue.push({ job: { id: this.#nextId++, bytes, options }, resolve });
      this.#next();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const p of this.#queue.splice(0)) p.resolve(failure('crashed', 'the compiler was closed'));
    this.#finish(failure('crashed', 'the compiler was closed'));
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(WORKER_URL, { resourceLimits: { maxOldGenerationSizeMb: this.#maxHeapMb } });
    worker.unref();
    worker.on('message', (reply: CompileReply) => {
      if (reply.id !== this.#running?.pending.job.id) return;
      if ('crash' in reply) this.#finish(failure('crashed', `the compiler failed: ${reply.crash}`));
      else if (reply.result.ok) {
        this.#finish({
          ok: true,
          module: reply.result.module,
          wallMs: performance.now() - this.#running.start,
        });
      } else this.#finish({ ok: false, error: reply.result.error });
    });
    const lost = (why: string) => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      this.#finish(failure('crashed', `the compile worker ${why}`));
    };
    worker.on('error', (err) => lost(`failed: ${err.message}`));
    worker.on('exit', (code) => lost(`exited with code ${code}`));
    this.#worker = worker;
    return worker;
  }

  #next(): void {
    if (this.#running || this.#closed) return;
    const pending = this.#queue.shift();
    if (!pending) return;
    const worker = this.#ensureWorker();
    const timer = setTimeout(() => {
      const w = this.#worker;
      this.#worker = undefined;
      this.#finish(failure('timeout', `compiling took longer than ${this.#timeoutMs} ms: refused`));
      void w?.terminate();
    }, this.#timeoutMs);
    this.#running = { pending, timer, start: performance.now() };
    worker.postMessage(pending.job);
  }

  #finish(outcome: CompileOutcome): void {
    const running = this.#running;
    if (!running) return;
    clearTimeout(running.timer);
    this.#running = undefined;
    running.pending.resolve(outcome);
    this.#next();
  }
}

function failure(code: CompileFailure['code'], message: string): CompileOutcome {
  return { ok: false, error: { code, message } };
}
