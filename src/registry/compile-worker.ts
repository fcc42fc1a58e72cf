// The compile worker's entry: runs the engine's `compile` off the main thread and posts the result back
// (a CompiledModule is structured-cloneable). Validation, rewriting and compiling a large or hostile upload
// then never stall the event loop that routes messages.
import { parentPort } from 'node:worker_threads';
import { type CompileOptions, compile } from '../runtime/index.ts';

export interface CompileJob {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly options: CompileOptions;
}

export type CompileReply =
  | { readonly id: number; readonly result: Awaited<ReturnType<typeof compile>> }
  | { readonly id: number; readonly crash: string };

const port = parentPort;
if (!port) throw new Error('compile-worker.ts runs as a worker thread');
port.on('message', async (job: CompileJob) => {
  let reply: CompileReply;
  try {
    reply = { id: job.id, result: await compile(job.bytes, job.options) };
  } catch (err) {
    // A throw from compile is a runtime bug, not a bad upload: report it with its stack.
    reply = { id: job.id, crash: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  port.postMessage(reply);
});
