// Server state that outlives a message and a module version, one store per kind, namespaced by tenant:
// htables and pike (in memory), the registrar's location and the permissions address table (node:sqlite).

export { type AddressEntry, AddressIndex, type IndexedEntry } from './address-index.ts';
export {
  type AddressInput,
  type AddressProblem,
  type AddressRefusal,
  AddressStore,
  type AddressStoreOptions,
  MAX_TAG_BYTES,
} from './address-store.ts';
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
  PIKE_DEFAULTS,
  PIKE_DETECTED,
  PIKE_FLOODING,
  PIKE_OK,
  type PikeClock,
  type PikeCounts,
  type PikeSettings,
  PikeStore,
  PikeTable,
  type PikeVerdict,
} from './pike.ts';
export {
  DEFAULT_REGISTRAR,
  DEFAULT_SWEEP_INTERVAL_S,
  type RegistrarSettings,
  SWEEP_BATCH,
} from './registrar-settings.ts';
