// The registry's public surface, for the server, the admin API and the transaction layer.

export type { SharedFailures } from './circuit-breaker.ts';
export type { CompileFailure, CompileOutcome, CompilerOptions } from './compiler.ts';
export { compilerFor, ModuleCompiler } from './compiler.ts';
export {
  DIALOG_VERSION_PARAM,
  DialogPins,
  type IsOwnUri,
  type PinClaim,
  type PinRefusal,
} from './dialog-pin.ts';
export { ManagedScript } from './managed-script.ts';
export { openRegistry } from './open-registry.ts';
export { loadPinKey, PIN_KEY_FILE, type PinKey } from './pin-key.ts';
export { Registry, type RegistryOptions } from './registry.ts';
export type {
  Activated,
  ActivateResult,
  RegistryError,
  RegistryErrorCode,
  RegistryEvent,
  Uploaded,
  UploadResult,
  UploadTimings,
} from './results.ts';
export { type Refuse, RegistrySelector, type SelectorCounters } from './selector.ts';
export {
  ModuleStore,
  type NewVersion,
  type OpenedStore,
  type OpenReport,
  type StoreOptions,
} from './store.ts';
export type {
  ActivationKind,
  ActivationRecord,
  TripRecord,
  VersionRecord,
  VersionState,
} from './store-schema.ts';
export { type BoundSocket, TenantMatcher } from './tenant-matcher.ts';
export {
  type BreakerSettings,
  catchAllTenant,
  DEFAULT_BREAKER,
  DEFAULT_TENANT,
  type TenantSpec,
  tenantSpecs,
} from './tenant-spec.ts';
export type { BreakerStatus, LoadedVersionStatus, TenantStatus, VersionInfo } from './tenant-status.ts';
export { type VersionNumbering, WORLD } from './version-loader.ts';
