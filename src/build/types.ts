// The vocabulary of a guest build: its steps, its progress events, its outcome. Build failures are
// expected (a typo in a route, a missing toolchain), so they are values that say how to fix them.

export type GuestLanguage = 'assemblyscript' | 'rust';

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

export interface BuildError {
  readonly step: BuildStepName;
  /** One line that names the problem and the fix. */
  readonly message: string;
  /** The compiler's own output, for compile errors. */
  readonly output?: string;
}

export interface BuildSuccess {
  readonly ok: true;
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

export interface BuildFailure {
  readonly ok: false;
  readonly error: BuildError;
  readonly steps: readonly BuildProgress[];
}

export type BuildResult = BuildSuccess | BuildFailure;

/** What a compiler step hands on. */
export interface CompiledModule {
  readonly core: Uint8Array;
  /** Compiler warnings, '' when none. */
  readonly warnings: string;
  /** The command, for progress output. */
  readonly command: string;
}

/** The outcome of one step. */
export type StepResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: BuildError };

export function stepOk<T>(value: T): StepResult<T> {
  return { ok: true, value };
}

export function stepError(step: BuildStepName, message: string, output?: string): StepResult<never> {
  return { ok: false, error: output === undefined ? { step, message } : { step, message, output } };
}
