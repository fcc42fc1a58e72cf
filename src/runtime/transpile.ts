// jco's transpile (the full validation of a component), run in a worker thread of its own. jco's transpiler
// is a wasm instance that one upload can make trap (a 14-byte component did, with "capacity overflow"), and
// after that every transpile in the same thread fails with "cannot enter component instance": every upload
// of every tenant would be refused as malformed until the process restarts. Here the upload that trapped is
// refused, the thread is replaced, and the jobs that only found it dead run again on the new one. The
// transpile's CPU time also leaves the caller's thread.
import { Worker } from 'node:worker_threads';
import type { TranspileJob, TranspileReply } from './transpile-worker.ts';

export type Transpiled = Extract<TranspileReply, { ok: true }>['result'];
export type TranspileResult =
  | { readonly ok: true; readonly result: Transpiled }
  | { readonly ok: false; readonly message: string };

const WORKER_URL = new URL('./transpile-worker.ts', import.meta.url);
/** Times a job is sent again after the thread it was sent to died under another upload. */
const RETRIES = 2;

interface Pending {
  readonly job: TranspileJob;
  readonly resolve: (result: TranspileResult) => void;
  tries: number;
  worker: Worker | undefined;
}

let worker: Worker | undefined;
const pending = new Map<number, Pending>();
let nextId = 1;

/** Transpiles `bytes`; never throws (a dead validator thread is a refusal of the jobs it took with it). */
export function transpile(bytes: Uint8Array): Promise<TranspileResult> {
  return new Promise((resolve) => {
    const p: Pending = { job: { id: nextId++, bytes }, resolve, tries: 0, worker: undefined };
    pending.set(p.job.id, p);
    send(p);
  });
}

function send(p: Pending): void {
  const w = current();
  p.tries++;
  p.worker = w;
  // Referenced while a job is out, so that a caller awaiting it keeps the process alive.
  w.ref();
  w.postMessage(p.job);
}

function current(): Worker {
  if (worker) return worker;
  const w = new Worker(WORKER_URL);
  w.unref();
  w.on('message', (reply: TranspileReply) => onReply(w, reply));
  w.on('error', () => replace(w));
  w.on('exit', () => replace(w));
  worker = w;
  return w;
}

function onReply(w: Worker, reply: TranspileReply): void {
  const p = pending.get(reply.id);
  if (!p || p.worker !== w) return;
  if (!reply.ok && reply.trapped) {
    // This job made the transpiler trap (refused), or found it dead already (sent again by replace).
    if (!/cannot enter component instance/.test(reply.message)) settle(p, reply);
    replace(w);
    return;
  }
  settle(p, reply.ok ? { ok: true, result: reply.result } : { ok: false, message: reply.message });
}

function settle(p: Pending, result: TranspileResult): void {
  pending.delete(p.job.id);
  p.resolve(result.ok ? result : { ok: false, message: result.message });
  if (pending.size === 0) worker?.unref();
}

/** Ends thread `w` and sends the jobs it had not answered to a new one. */
function replace(w: Worker): void {
  if (worker === w) worker = undefined;
  void w.terminate();
  for (const p of [...pending.values()]) {
    if (p.worker !== w) continue;
    if (p.tries > RETRIES) {
      settle(p, { ok: false, message: 'the component validator stopped while checking it' });
    } else send(p);
  }
}
