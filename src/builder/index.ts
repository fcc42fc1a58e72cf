// The guest build: a Rust or AssemblyScript project folder in, a component of the script world out.
export { buildGuest } from './build-guest.ts';
export type {
  BuildError,
  BuildFailure,
  BuildOptions,
  BuildProgress,
  BuildResult,
  BuildStepName,
  BuiltGuest,
  GuestLanguage,
  RustToolchain,
} from './types.ts';
