// One job at a time in a worker thread, supervised (jobs wait in a queue fair between their keys): the worker is started on first use and kept between jobs
// (its first job pays for loading the modules, later ones do not); a job past its deadline, a worker that
// dies, or a worker that says its own state is spoilt ends that worker, and the next job gets a new one.
// Both workers of the runtime (the compile worker, the component validator) are one of these; a worker never
// starts another, so a worker's resource limits bound everything a job does.
import { parentPort, type ResourceLimits, Worker } from 'node:worker_threads';
import { fail, ok, type Problem, type Result } from '../result.ts';
import { FairQueue } from './fair-queue.ts';

export interface SupervisedWorkerOptions {
  /** The worker's entry module; it calls `serveJobs`. */
  readonly url: URL;
  /** Longest one job may take; the worker running it is then ended. None when absent. */
  readonly timeoutMs?: number;
  /** The worker's heap and stack limits: a job that runs past them ends the worker, not the process. */
  readonly resourceLimits?: ResourceLimits;
  /**
   * Times a job is sent to a new worker after its worker died under it. Only where a job is pure and a
   * crash may not be its own doing; 0 (the default) where retrying a hostile job would double its cost.
   */
  readonly retries?: number;
}

/**
 * Why a job has no reply. Each message reads after the worker's name: `timeout` (ran past the deadline),
 * `threw` (the job's code threw: a bug, with its stack), `lost` (the worker failed or exited under it),
 * `closed` (the supervisor was closed before or while it ran).
 */
export type WorkerProblem = Problem<'timeout' | 'threw' | 'lost' | 'closed'>;

export interface Done<R> {
  readonly reply: R;
  /** From sending the job to its reply, in ms (the job's own time plus message passing). */
  readonly wallMs: number;
}

/** What a worker posts back for one job. */
type Envelope<R> =
  | { readonly id: number; readonly reply: R; readonly retire: boolean }
  | { readonly id: number; readonly threw: string };

interface Pending<J, R> {
  readonly id: number;
  readonly job: J;
  readonly resolve: (result: Result<Done<R>, WorkerProblem>) => void;
  tries: number;
}

export class SupervisedWorker<J, R> {
  readonly #options: SupervisedWorkerOptions;
  readonly #queue = new FairQueue<Pending<J, R>>();
  #worker: Worker | undefined;
  #running:
    | { readonly pending: Pending<J, R>; readonly timer?: NodeJS.Timeout; readonly start: number }
    | undefined;
  #nextId = 1;
  #closed = false;

  constructor(options: SupervisedWorkerOptions) {
    this.#options = options;
  }

  /** Starts the worker now, so that the first job does not wait for it. */
  warm(): void {
    if (!this.#closed) this.#ensureWorker();
  }

  /**
   * Runs `job` after those of its `key` before it, the keys waiting taking turns (src/runtime/fair-queue.ts);
   * never throws.
   */
  run(job: J, key = ''): Promise<Result<Done<R>, WorkerProblem>> {
    if (this.#closed) return Promise.resolve(fail('closed', 'is closed'));
    return new Promise((resolve) => {
      this.#queue.push(key, { id: this.#nextId++, job, resolve, tries: 0 });
      this.#next();
    });
  }

  /** Refuses the queued jobs and the running one, and ends the worker. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const p of this.#queue.drain()) p.resolve(fail('closed', 'was closed'));
    this.#finish(fail('closed', 'was closed'));
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(this.#options.url, { resourceLimits: this.#options.resourceLimits });
    // Referenced only while a job is out, so that an idle worker does not keep the process alive.
    worker.unref();
    worker.on('message', (envelope: Envelope<R>) => {
      const running = this.#running;
      if (this.#worker !== worker || envelope.id !== running?.pending.id) return;
      if ('threw' in envelope) {
        this.#finish(fail('threw', `failed: ${envelope.threw}`));
        return;
      }
      // The worker's state is spoilt for later jobs (this job made it so): the next job gets a new worker.
      if (envelope.retire) this.#end(worker);
      this.#finish(ok({ reply: envelope.reply, wallMs: performance.now() - running.start }));
    });
    worker.on('error', (e) => this.#lost(worker, `failed: ${e.message}`));
    worker.on('exit', (code) => this.#lost(worker, `exited with code ${code}`));
    this.#worker = worker;
    return worker;
  }

  #lost(worker: Worker, why: string): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    const running = this.#running;
    if (!running) return;
    if (running.pending.tries <= (this.#options.retries ?? 0)) {
      clearTimeout(running.timer);
      this.#running = undefined;
      this.#queue.unshift(running.pending);
      this.#next();
    } else this.#finish(fail('lost', why));
  }

  #end(worker: Worker): void {
    if (this.#worker === worker) this.#worker = undefined;
    void worker.terminate();
  }

  #next(): void {
    if (this.#running || this.#closed) return;
    const pending = this.#queue.shift();
    if (!pending) return;
    const worker = this.#ensureWorker();
    const { timeoutMs } = this.#options;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            this.#end(worker);
            this.#finish(fail('timeout', `took longer than ${timeoutMs} ms`));
          }, timeoutMs);
    pending.tries++;
    this.#running = { pending, timer, start: performance.now() };
    worker.ref();
    worker.postMessage({ id: pending.id, job: pending.job });
  }

  #finish(result: Result<Done<R>, WorkerProblem>): void {
    const running = this.#running;
    if (!running) return;
    clearTimeout(running.timer);
    this.#running = undefined;
    this.#worker?.unref();
    running.pending.resolve(result);
    this.#next();
  }
}

/**
 * The worker side: answers each job with `handle`'s reply. `retire` says this thread must not serve another
 * job (the job left state behind that would fail the next ones); a throw is reported as a bug, with its stack.
 */
export function serveJobs<J, R>(handle: (job: J) => Promise<{ reply: R; retire: boolean }>): void {
  const port = parentPort;
  if (!port) throw new Error('serveJobs runs in a worker thread');
  port.on('message', async ({ id, job }: { id: number; job: J }) => {
    let envelope: Envelope<R>;
    try {
      envelope = { id, ...(await handle(job)) };
    } catch (e) {
      envelope = { id, threw: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    }
    port.postMessage(envelope);
  });
}
