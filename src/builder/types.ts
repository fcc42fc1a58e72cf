// The vocabulary of a guest build: its steps, its progress events, its outcome. Build failures are
// expected (a typo in a route, a missing toolchain), so they are values that say how to fix them.
import { err, type Problem, type Result } from '../result.ts';

export type GuestLanguage = 'assemblyscript' | 'rust' | 'javascript';

export type BuildStepName =
  | 'detect'
  | 'compile'
  | 'post-process'
  | 'check'
  | 'embed'
  | 'component'
  | 'validate'
  | 'write';

export interface BuildProgress {
  readonly step: BuildStepName;
  /** What the step did, one line (`cargo build --release ...`, `component 12.1 KiB`). */
  readonly detail: string;
  readonly ms: number;
}

/** Where Debian's Rust toolchain lives; other layouts can be given to buildGuest. */
export interface RustToolchain {
  readonly rustc: string;
  readonly cargo: string;
}

export interface BuildOptions {
  /** Output file; default `<dir>/build/<name>.wasm`. */
  readonly out?: string;
  /** Called after each step. */
  readonly onProgress?: (progress: BuildProgress) => void;
  /** Default: /usr/bin/rustc and /usr/bin/cargo. */
  readonly rustToolchain?: RustToolchain;
}

/** Why a build failed: `code` is the step that failed, `message` one line that names the problem and the fix. */
export interface BuildError extends Problem<BuildStepName> {
  /** The compiler's own output, for compile errors. */
  readonly output?: string;
}

/** A component built from a guest project. */
export interface BuiltGuest {
  readonly language: GuestLanguage;
  readonly name: string;
  /** Absolute path of the component written. */
  readonly out: string;
  readonly component: Uint8Array;
  /** The core module inside the component (after post-processing), for hosts that bind it directly. */
  readonly core: Uint8Array;
  /** Compiler warnings, '' when none. */
  readonly warnings: string;
  readonly steps: readonly BuildProgress[];
}

/** A failed build: the failure, and the steps that succeeded before it. */
export interface BuildFailure extends BuildError {
  readonly steps: readonly BuildProgress[];
}

export type BuildResult = Result<BuiltGuest, BuildFailure>;

/** What a compiler step hands on. */
export interface CompiledModule {
  readonly core: Uint8Array;
  /** Compiler warnings, '' when none. */
  readonly warnings: string;
  /** The command, for progress output. */
  readonly command: string;
}

/** The outcome of one step. */
export type StepResult<T> = Result<T, BuildError>;

export function stepError(step: BuildStepName, message: string, output?: string): StepResult<never> {
  return err(output === undefined ? { code: step, message } : { code: step, message, output });
}
