// One job at a time in a worker thread or a child process (job-host.ts), supervised (jobs wait in a queue
// fair between their keys): the worker is started on first use and kept between jobs
// (its first job pays for loading the modules, later ones do not), and with `idleMs` ended after that long
// without a job (a compile process holds ~250 MB that an idle server has no use for); a job past its deadline, a worker that
// dies, or a worker that says its own state is spoilt ends that worker, and the next job gets a new one.
// Both workers of the runtime (the compile worker, the component validator) are one of these; a worker never
// starts another, so a worker's resource limits bound everything a job does.
import { parentPort, type ResourceLimits } from 'node:worker_threads';
import { fail, ok, type Problem, type Result } from '../result.ts';
import { FairQueue } from './fair-queue.ts';
import { type JobHost, type ProcessIsolation, processHost, threadHost } from './job-host.ts';

export interface SupervisedWorkerOptions {
  /** The worker's entry module; it calls `serveJobs`. */
  readonly url: URL;
  /** Longest one job may take; the worker running it is then ended. None when absent. */
  readonly timeoutMs?: number;
  /** The worker's heap and stack limits: a job that runs past them ends the worker, not the process. */
  readonly resourceLimits?: ResourceLimits;
  /**
   * Run the jobs in a child process bounded in all its memory (job-host.ts) instead of a thread; the
   * replies then cross a process boundary (structured clone: no WebAssembly.Module).
   */
  readonly process?: ProcessIsolation;
  /**
   * Times a job is sent to a new worker after its worker died under it. Only where a job is pure and a
   * crash may not be its own doing; 0 (the default) where retrying a hostile job would double its cost.
   */
  readonly retries?: number;
  /**
   * End the worker once it has had no job for this long; the next job starts a new one. Kept for good
   * when absent.
   */
  readonly idleMs?: number;
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
  /** This job's bound, over the worker's `timeoutMs`. */
  readonly timeoutMs: number | undefined;
  tries: number;
}

export class SupervisedWorker<J, R> {
  readonly #options: SupervisedWorkerOptions;
  readonly #queue = new FairQueue<Pending<J, R>>();
  #worker: JobHost | undefined;
  #running:
    | { readonly pending: Pending<J, R>; readonly timer?: NodeJS.Timeout; readonly start: number }
    | undefined;
  #nextId = 1;
  #closed = false;
  #idleTimer: NodeJS.Timeout | undefined;

  constructor(options: SupervisedWorkerOptions) {
    this.#options = options;
  }

  /** Starts the worker now, so that the first job does not wait for it. */
  warm(): void {
    if (this.#closed) return;
    this.#ensureWorker();
    this.#armIdle();
  }

  /** Whether a worker is up (started, not yet ended). */
  get started(): boolean {
    return this.#worker !== undefined;
  }

  /**
   * Runs `job` after those of its `key` before it, the keys waiting taking turns (src/runtime/fair-queue.ts);
   * never throws.
   */
  run(job: J, key = '', timeoutMs = this.#options.timeoutMs): Promise<Result<Done<R>, WorkerProblem>> {
    if (this.#closed) return Promise.resolve(fail('closed', 'is closed'));
    return new Promise((resolve) => {
      this.#queue.push(key, { id: this.#nextId++, job, resolve, timeoutMs, tries: 0 });
      this.#next();
    });
  }

  /** Refuses the queued jobs and the running one, and ends the worker. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#idleTimer);
    for (const p of this.#queue.drain()) p.resolve(fail('closed', 'was closed'));
    this.#finish(fail('closed', 'was closed'));
    const worker = this.#worker;
    this.#worker = undefined;
    worker?.end();
  }

  #ensureWorker(): JobHost {
    if (this.#worker) return this.#worker;
    const { url, resourceLimits, process } = this.#options;
    const events = {
      onMessage: (envelope: unknown) => this.#message(worker, envelope as Envelope<R>),
      onLost: (why: string) => this.#lost(worker, why),
    };
    const worker = process ? processHost(url, process, events) : threadHost(url, resourceLimits, events);
    // Referenced only while a job is out, so that an idle worker does not keep the process alive.
    worker.unref();
    this.#worker = worker;
    return worker;
  }

  #message(worker: JobHost, envelope: Envelope<R>): void {
    const running = this.#running;
    if (this.#worker !== worker || envelope.id !== running?.pending.id) return;
    if ('threw' in envelope) {
      this.#finish(fail('threw', `failed: ${envelope.threw}`));
      return;
    }
    // The worker's state is spoilt for later jobs (this job made it so): the next job gets a new worker.
    if (envelope.retire) this.#end(worker);
    this.#finish(ok({ reply: envelope.reply, wallMs: performance.now() - running.start }));
  }

  #lost(worker: JobHost, why: string): void {
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

  #end(worker: JobHost): void {
    if (this.#worker === worker) this.#worker = undefined;
    worker.end();
  }

  #next(): void {
    if (this.#running || this.#closed) return;
    const pending = this.#queue.shift();
    if (!pending) return;
    clearTimeout(this.#idleTimer);
    const worker = this.#ensureWorker();
    const { timeoutMs } = pending;
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
    worker.send({ id: pending.id, job: pending.job });
  }

  #finish(result: Result<Done<R>, WorkerProblem>): void {
    const running = this.#running;
    if (!running) return;
    clearTimeout(running.timer);
    this.#running = undefined;
    this.#worker?.unref();
    running.pending.resolve(result);
    this.#next();
    this.#armIdle();
  }

  /** With no job running, ends the worker after `idleMs` unless a job comes first (#next clears it). */
  #armIdle(): void {
    const { idleMs } = this.#options;
    clearTimeout(this.#idleTimer);
    if (idleMs === undefined || this.#running || !this.#worker || this.#closed) return;
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = undefined;
      const worker = this.#worker;
      if (!this.#running && worker) this.#end(worker);
    }, idleMs);
    this.#idleTimer.unref();
  }
}

/**
 * The worker side: answers each job with `handle`'s reply. `retire` says this thread must not serve another
 * job (the job left state behind that would fail the next ones); a throw is reported as a bug, with its stack.
 */
export function serveJobs<J, R>(handle: (job: J) => Promise<{ reply: R; retire: boolean }>): void {
  const port = parentPort ?? childPort();
  if (!port) throw new Error('serveJobs runs in a worker thread or a child process with an IPC channel');
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

/** The IPC channel of a child process, as a port; the process ends when its parent goes. */
function childPort() {
  const send = process.send?.bind(process);
  if (!send) return undefined;
  process.once('disconnect', () => process.exit(0));
  return {
    on: (event: 'message', listener: (message: { id: number; job: never }) => void) =>
      process.on(event, listener),
    postMessage: (message: unknown) => send(message),
  };
}
