// jco's transpile: the full validation of a component (function bodies included) and, for the jco path, its
// glue and core modules. jco's transpiler is a wasm instance that one upload can make trap (a 14-byte
// component did, with "capacity overflow"), and after that every transpile in the same thread fails with
// "cannot enter component instance": every upload of every tenant would be refused as malformed until the
// process restarts. So jco runs only in a thread that can be thrown away: `ThreadTranspiler` in a worker
// (the compile worker, or the validator worker of `WorkerTranspiler`), which retires the thread after a trap.
import type { transpileBytes } from '@bytecodealliance/jco-transpile';
import { siblingModule } from '../module-url.ts';
import { err, type Result } from '../result.ts';
import { SupervisedWorker } from './supervised-worker.ts';

export type Transpiled = Awaited<ReturnType<typeof transpileBytes>>;
/** The transpiled component, or jco's reason for refusing it. */
export type TranspileResult = Result<Transpiled, string>;

export interface Transpiler {
  transpile(bytes: Uint8Array): Promise<TranspileResult>;
  close(): Promise<void>;
}

/** Is `message` a trap of jco's transpiler (its instance is dead for the rest of the thread)? */
export function isTranspilerTrap(message: string): boolean {
  return /wasm trap|cannot enter component instance/.test(message);
}

/** jco in a validator worker of its own, for an engine on a thread that must outlive a trap. */
export class WorkerTranspiler implements Transpiler {
  readonly #worker = new SupervisedWorker<Uint8Array, TranspileResult>({
    url: siblingModule('transpile-worker', import.meta.url),
    // Transpiling has no side effect: a job whose thread died is sent once more to a new one.
    retries: 1,
  });

  async transpile(bytes: Uint8Array): Promise<TranspileResult> {
    const done = await this.#worker.run(bytes);
    return done.ok ? done.value.reply : err('the component validator stopped while checking it');
  }

  close(): Promise<void> {
    return this.#worker.close();
  }
}
