// The message trace (log lines, the recent-trace store, the HEP export): the public API.

export { encodeHep3, type HepCapture, MAX_HEP_BYTES } from './hep.ts';
export { HepClient, type HepClientOptions, type HepCounters, splitCollector } from './hep-client.ts';
export {
  MessageTrace,
  type MessageTraceOptions,
  type TraceExport,
  type TraceScope,
} from './message-trace.ts';
export { endpointText, redactedText, type TraceRecord, traceRecord } from './trace-record.ts';
export { TraceRing } from './trace-ring.ts';
export { createTrace, type TraceSetup, traceScope } from './trace-setup.ts';
