// The worker side of transpile.ts: runs jco's transpile (which validates the whole component) and posts the
// result back. jco runs its transpiler as a wasm instance: one upload that makes it trap kills that instance
// for good, so the thread is replaced after a trap rather than reused.
import { parentPort } from 'node:worker_threads';
import { transpileBytes } from '@bytecodealliance/jco-transpile';

export interface TranspileJob {
  readonly id: number;
  readonly bytes: Uint8Array;
}

export type TranspileReply =
  | { readonly id: number; readonly ok: true; readonly result: Awaited<ReturnType<typeof transpileBytes>> }
  /** `trapped`: the transpiler's instance is dead (this job made it trap, or an earlier one did). */
  | { readonly id: number; readonly ok: false; readonly message: string; readonly trapped: boolean };

const port = parentPort;
if (!port) throw new Error('transpile-worker.ts runs as a worker thread');
port.on('message', async (job: TranspileJob) => {
  let reply: TranspileReply;
  try {
    const result = await transpileBytes(job.bytes, {
      name: 'component',
      instantiation: 'sync',
      emitTypescriptDeclarations: false,
    });
    reply = { id: job.id, ok: true, result };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    reply = {
      id: job.id,
      ok: false,
      message,
      trapped: /wasm trap|cannot enter component instance/.test(message),
    };
  }
  port.postMessage(reply);
});
