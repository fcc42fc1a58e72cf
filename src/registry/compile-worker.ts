// The compile worker's entry: runs the engine off the main thread and posts the result back (a
// CompiledModule is structured-cloneable). Validation, rewriting and compiling a large or hostile upload
// then never stall the event loop that routes messages. jco runs in this thread too (no worker of its own),
// under this worker's resource limits; the thread retires after jco's transpiler trapped (see
// src/runtime/transpile.ts).
import {
  type CompileOptions,
  type CompileResult,
  Engine,
  serveJobs,
  ThreadTranspiler,
} from '../runtime/index.ts';

export interface CompileJob {
  readonly bytes: Uint8Array;
  readonly options: CompileOptions;
}

const transpiler = new ThreadTranspiler();
const engine = new Engine(transpiler);
serveJobs<CompileJob, CompileResult>(async (job) => ({
  reply: await engine.compile(job.bytes, job.options),
  retire: transpiler.poisoned,
}));
