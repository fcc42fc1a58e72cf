// The transport layer's public API, for the server glue.
export type { ProtoCounters, TransportCounters } from './counters.ts';
export type { Endpoint, Proto } from './endpoint.ts';
export { formatEndpoint, normalizeAddress } from './endpoint.ts';
export type { TransportLimits } from './limits.ts';
export { DEFAULT_LIMITS } from './limits.ts';
export type { ListenSpec, ListenSpecResult } from './listen-spec.ts';
export { parseListenSpec } from './listen-spec.ts';
export type { LocalAddress } from './local-addresses.ts';
export type { Resolve, ResolveResult } from './resolve.ts';
export type {
  AddressTarget,
  ConnectionTarget,
  SendError,
  SendErrorKind,
  SendResult,
  SendTarget,
} from './send-result.ts';
export type { Source } from './source.ts';
export type { FramingError, FramingErrorKind } from './stream-framer.ts';
export type { Direction } from './tcp-connection.ts';
export type { ConnectionInfo, StartResult, TransportOptions } from './transport.ts';
export { Transport } from './transport.ts';
