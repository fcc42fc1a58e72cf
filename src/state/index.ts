export {
  type ApplyResult,
  type Binding,
  type BindingChanges,
  type Clock,
  type LocationLimits,
  type LocationOpenResult,
  type LocationOptions,
  LocationStore,
} from './location-store.ts';
export {
  DEFAULT_REGISTRAR,
  DEFAULT_SWEEP_INTERVAL_S,
  type RegistrarSettings,
  SWEEP_BATCH,
} from './registrar-settings.ts';
