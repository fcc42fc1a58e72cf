// The validator worker's entry (see transpile.ts): jco's transpile of each job's bytes; the thread retires
// after jco's transpiler trapped.
import { serveJobs } from './supervised-worker.ts';
import { ThreadTranspiler } from './thread-transpiler.ts';
import type { TranspileResult } from './transpile.ts';

const transpiler = new ThreadTranspiler();
serveJobs<Uint8Array, TranspileResult>(async (bytes) => ({
  reply: await transpiler.transpile(bytes),
  retire: transpiler.poisoned,
}));
