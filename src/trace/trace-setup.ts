// The message trace as the config describes it: scope, store, export. server.ts wires the result into the
// transport (its wire tap), the router and the admin API.
import type { Logger } from 'pino';
import type { TraceConfig } from '../config/trace-schema.ts';
import { MessageTrace, type TraceExport, type TraceScope } from './message-trace.ts';
import { TraceRing } from './trace-ring.ts';

export interface TraceSetup {
  readonly trace: MessageTrace;
  readonly ring: TraceRing;
  readonly redactBodies: boolean;
}

export function traceScope(config: TraceConfig): TraceScope {
  if (config.scope === 'all') return { all: true };
  return { all: false, tenants: new Set(config.scope === 'tenants' ? config.tenants : []) };
}

export function createTrace(
  config: TraceConfig,
  log: Logger,
  extra: { export?: TraceExport; tenantLog?: (tenant: string) => Logger; anyTenantDebug?: boolean } = {},
): TraceSetup {
  const ring = new TraceRing(config.ring_size);
  const trace = new MessageTrace({
    log,
    scope: traceScope(config),
    ring,
    redactBodies: config.redact_bodies,
    ...extra,
  });
  return { trace, ring, redactBodies: config.redact_bodies };
}
