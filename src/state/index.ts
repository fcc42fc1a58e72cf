// Server state that outlives a message and a module version, one store per kind, namespaced by tenant:
// htables, pike and digest nonces (in memory); the registrar's location, the permissions address table and
// the subscribers (node:sqlite).

export {
  ACC_OFF,
  ACC_TABLE_NAME,
  type AccListQuery,
  type AccRecord,
  type AccRow,
  type AccSettings,
  AccStore,
} from './acc-store.ts';
export { type AddressEntry, AddressIndex, type IndexedEntry } from './address-index.ts';
export {
  type AddressInput,
  type AddressProblem,
  type AddressRefusal,
  AddressStore,
  type AddressStoreOptions,
  checkAddress,
  MAX_TAG_BYTES,
} from './address-store.ts';
export { loadAuthSecret, SECRET_FILE, type SecretSource } from './auth-secret.ts';
export {
  DIALOG_DEFAULTS,
  type DialogEnded,
  type DialogEndReason,
  type DialogRecord,
  type DialogSettings,
  DialogStore,
  DLG_STATE,
} from './dialog-store.ts';
export { type DispatcherRow, type DispatcherRowInput, DispatcherStore } from './dispatcher-store.ts';
export {
  type AnyHtable,
  HTABLE_DEFAULTS,
  Htable,
  type HtableSpec,
  HtableStore,
  type HtClock,
  type HtRefusal,
  type HtRefusalCounts,
  type HtValue,
  type HtWrite,
  type SharedHtables,
  TenantHtables,
} from './htable.ts';
export {
  FAMILY_BITS,
  formatIp,
  formatPrefix,
  type IpFamily,
  type IpPrefix,
  type IpValue,
  maskValue,
  parseIp,
  parsePrefix,
} from './ip-prefix.ts';
export { type Awaitable, andThen, type LocationBackend, sweepExpired } from './location-backend.ts';
export {
  type Binding,
  type BindingChanges,
  type Clock,
  type LocationFull,
  type LocationLimits,
  type LocationOptions,
  LocationStore,
  type PingEntry,
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
  PIKE_DEFAULTS,
  PIKE_DETECTED,
  PIKE_FLOODING,
  PIKE_OK,
  type PikeClock,
  type PikeCounts,
  type PikeRemote,
  type PikeSettings,
  PikeStore,
  PikeTable,
  type PikeVerdict,
} from './pike.ts';
export { RedisHtable } from './redis-htable.ts';
export {
  DEFAULT_REGISTRAR,
  DEFAULT_SWEEP_INTERVAL_S,
  type RegistrarSettings,
  SWEEP_BATCH,
  SWEEP_MAX_BATCHES,
} from './registrar-settings.ts';
export {
  newCounters,
  type SharedAnswer,
  type SharedStoreCounters,
  type SharedStoreLink,
  sharedCall,
  sharedStoreLink,
  type Unavailable,
} from './shared-store.ts';
export {
  invalidSubscriber,
  type NewSubscriber,
  type StoredSubscriber,
  type Subscriber,
  type SubscriberError,
  type SubscriberInfo,
  type SubscriberOptions,
  SubscriberStore,
  storedSubscriber,
  TABLE_NAME,
} from './subscriber-store.ts';
