// jco's transpile in the calling thread: for worker threads only (see transpile.ts), which ask `poisoned`
// after each job and retire when it is set. jco is loaded on first use, so that importing this module (the
// main thread does, through index.ts) does not load the transpiler.
import { err, ok } from '../result.ts';
import { isTranspilerTrap, type TranspileResult, type Transpiler } from './transpile.ts';

export class ThreadTranspiler implements Transpiler {
  /** jco's transpiler trapped: every later transpile in this thread would fail. */
  poisoned = false;

  async transpile(bytes: Uint8Array): Promise<TranspileResult> {
    try {
      const { transpileBytes } = await import('@bytecodealliance/jco-transpile');
      return ok(
        await transpileBytes(bytes, {
          name: 'component',
          instantiation: 'sync',
          emitTypescriptDeclarations: false,
        }),
      );
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (isTranspilerTrap(message)) this.poisoned = true;
      return err(message);
    }
  }

  async close(): Promise<void> {}
}
