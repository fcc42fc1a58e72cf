// The transport layer's public API, for the server glue.
export type { ProtoCounters, TransportCounters } from './counters.ts';
export type { Endpoint, Proto } from './endpoint.ts';
export { formatEndpoint, normalizeAddress } from './endpoint.ts';
export type { TransportLimits } from './limits.ts';
export { DEFAULT_LIMITS } from './limits.ts';
export type { ListenSpec } from './listen-spec.ts';
export { parseListenSpec } from './listen-spec.ts';
export type { LocalAddress } from './local-addresses.ts';
export { type Resolve, type ResolveError, resolveHost } from './resolve.ts';
export type {
  AddressTarget,
  ConnectionTarget,
  SendDone,
  SendError,
  SendErrorCode,
  SendResult,
  SendTarget,
  Sent,
} from './send-result.ts';
export type { Source } from './source.ts';
export type { FramingError, FramingErrorCode } from './stream-framer.ts';
export type { Direction } from './tcp-connection.ts';
export { type TlsCertificate, TlsContexts, type TlsSettings } from './tls-contexts.ts';
export type { ConnectionInfo, TransportOptions } from './transport.ts';
export { Transport } from './transport.ts';
export type { WireTap } from './transport-context.ts';
