// Server state that outlives a message and a module version, one store per kind, namespaced by tenant:
// htables (in memory) and the registrar's location (node:sqlite).
export {
  HTABLE_DEFAULTS,
  Htable,
  type HtableSpec,
  HtableStore,
  type HtClock,
  type HtRefusal,
  type HtRefusalCounts,
  type HtValue,
  type HtWrite,
  TenantHtables,
} from './htable.ts';
export {
  type Binding,
  type BindingChanges,
  type Clock,
  type LocationFull,
  type LocationLimits,
  type LocationOptions,
  LocationStore,
} from './location-store.ts';
export {
  DEFAULT_REGISTRAR,
  DEFAULT_SWEEP_INTERVAL_S,
  type RegistrarSettings,
  SWEEP_BATCH,
} from './registrar-settings.ts';
