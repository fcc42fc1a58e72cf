// A worker entry for the SupervisedWorker tests: each job says what the thread does with it.
import { threadId } from 'node:worker_threads';
import { serveJobs } from '../../../src/runtime/supervised-worker.ts';

export type Job =
  | { readonly action: 'echo' | 'retire' | 'throw' | 'exit' | 'hang'; readonly value?: number }
  /** Exits the thread on the first try only (the count is shared across threads). */
  | { readonly action: 'exit-once'; readonly tries: Int32Array };

export interface Reply {
  readonly value: number | undefined;
  readonly threadId: number;
}

serveJobs<Job, Reply>(async (job) => {
  if (job.action === 'throw') throw new Error('the job threw');
  if (job.action === 'exit') process.exit(3);
  if (job.action === 'exit-once' && Atomics.add(job.tries, 0, 1) === 0) process.exit(3);
  if (job.action === 'hang') await new Promise(() => {});
  const value = 'value' in job ? job.value : undefined;
  return { reply: { value, threadId }, retire: job.action === 'retire' };
});
