// The runtime's public surface, for the server and the registry. Everything else in this folder is internal.
export { type BindingMismatch, checkBindings } from './check-bindings.ts';
export { defaultStructureLimits, type StructureLimits } from './component-reader.ts';
export {
  type CompiledModule,
  type CompileOptions,
  type CompileResult,
  Engine,
  type FastModule,
  type JcoModule,
  type ModuleMeta,
  materialize,
  type PortableModule,
  type PortableResult,
  type RoutePath,
} from './engine.ts';
export type { RouteName } from './instance.ts';
export {
  defaultInvocationLimits,
  defaultModuleLimits,
  type HostLimit,
  HostLimitError,
  type InvocationLimits,
  type ModuleLimits,
} from './limits.ts';
export { Linker, type LinkerOptions, suspendingName } from './linker.ts';
export type { LoadError, LoadErrorCode } from './load-error.ts';
export {
  createRunner,
  type Failure,
  type FailureCause,
  type HostMeter,
  ModuleRunner,
  type Outcome,
  type RunnerOptions,
  type RunnerResult,
} from './runner.ts';
export type { Context } from './store.ts';
export {
  type Done,
  SupervisedWorker,
  type SupervisedWorkerOptions,
  serveJobs,
  type WorkerProblem,
} from './supervised-worker.ts';
export {
  createRouteRunner,
  type Measured,
  type RouteRunner,
  SuspendingRunner,
} from './suspending-runner.ts';
export { ThreadTranspiler } from './thread-transpiler.ts';
export { type Transpiled, type TranspileResult, type Transpiler, WorkerTranspiler } from './transpile.ts';
export { setV8Flags } from './v8-flags.ts';
export { ksrPackage, parseWit, qualifiedName, type WitPackage } from './wit.ts';
