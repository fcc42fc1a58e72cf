// Compiles and links a test component on a chosen path, failing the test loudly if either step refuses.
import type { KsrModule } from '../../../src/kemi/define.ts';
import { type CompileOptions, Engine, type RoutePath } from '../../../src/runtime/engine.ts';
import { Linker } from '../../../src/runtime/linker.ts';
import { createRunner, type ModuleRunner, type RunnerOptions } from '../../../src/runtime/runner.ts';
import { recordingTables } from './tables.ts';

export const PATHS: readonly RoutePath[] = ['fast', 'jco'];

/** The engine of the test file (vitest loads modules once per file); its validator worker is unreferenced
 *  when idle, so it does not keep the run alive. */
export const engine = new Engine();

export interface RunSetup {
  readonly compile?: CompileOptions;
  readonly runner?: RunnerOptions;
  readonly tables?: KsrModule[];
}

export async function runnerFor(
  bytes: Uint8Array,
  path: RoutePath,
  setup: RunSetup = {},
): Promise<ModuleRunner> {
  const compiled = await engine.compile(bytes, { ...setup.compile, path });
  if (!compiled.ok) throw new Error(`compile refused: ${compiled.error.code}: ${compiled.error.message}`);
  if (compiled.value.path !== path) throw new Error(`expected the ${path} path`);
  // A generous default deadline, so a loaded test machine does not turn a slow jco call into a failure.
  const runnerOptions = { ...setup.runner, limits: { deadlineMs: 10_000, ...setup.runner?.limits } };
  const linked = createRunner(compiled.value, new Linker(setup.tables ?? recordingTables()), runnerOptions);
  if (!linked.ok) throw new Error(`link refused: ${linked.error.message}`);
  return linked.value;
}

/** A byte string (one char per UTF-8 octet), as host strings are. */
export function bytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}
