// Server state that outlives a message and a module version, one store per kind, namespaced by tenant:
// htables (in memory), the registrar's location and the subscribers (node:sqlite), digest nonces.

export { loadAuthSecret, SECRET_FILE, type SecretSource } from './auth-secret.ts';
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
  DEFAULT_NONCE_SETTINGS,
  NONCE_CHECK_CALL_ID,
  NONCE_CHECK_FROM_TAG,
  NONCE_CHECK_RURI,
  NONCE_CHECK_SOURCE_IP,
  NonceIssuer,
  type NonceSettings,
  type NonceVerdict,
} from './nonces.ts';
export {
  DEFAULT_REGISTRAR,
  DEFAULT_SWEEP_INTERVAL_S,
  type RegistrarSettings,
  SWEEP_BATCH,
} from './registrar-settings.ts';
export {
  invalidSubscriber,
  type NewSubscriber,
  type Subscriber,
  type SubscriberError,
  type SubscriberInfo,
  type SubscriberOptions,
  SubscriberStore,
  TABLE_NAME,
} from './subscriber-store.ts';
