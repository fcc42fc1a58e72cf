// The compile process's entry: runs the engine in a child process bounded in all its memory (see
// src/runtime/job-host.ts) and sends the result back with its cores as bytes (a PortableModule; the server
// compiles them again, see compiler.ts). Validation, rewriting and compiling a large or hostile upload then
// never stall the event loop that routes messages, and whatever memory they take (JS heap, jco's and V8's
// WebAssembly and native memory) counts against the process's bound, not the server's. jco runs in this
// process too (no worker of its own); the process retires after jco's transpiler trapped (see
// src/runtime/transpile.ts).
import {
  type CompileOptions,
  Engine,
  type PortableResult,
  serveJobs,
  ThreadTranspiler,
} from '../runtime/index.ts';

export interface CompileJob {
  readonly bytes: Uint8Array;
  readonly options: CompileOptions;
}

const transpiler = new ThreadTranspiler();
const engine = new Engine(transpiler);
serveJobs<CompileJob, PortableResult>(async (job) => ({
  reply: await engine.compilePortable(job.bytes, job.options),
  retire: transpiler.poisoned,
}));
