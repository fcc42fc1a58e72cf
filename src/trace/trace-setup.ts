// The message trace as the config describes it: scope, store, export. server.ts wires the result into the
// transport (its wire tap), the router and the admin API.
import type { Logger } from 'pino';
import type { TraceConfig } from '../config/trace-schema.ts';
import { HepClient, splitCollector } from './hep-client.ts';
import { MessageTrace, type TraceScope } from './message-trace.ts';
import { TraceRing } from './trace-ring.ts';

export interface TraceSetup {
  readonly trace: MessageTrace;
  readonly ring: TraceRing;
  readonly redactBodies: boolean;
  /** The HEP export, when trace.hep is configured. */
  readonly hep: HepClient | undefined;
}

export function traceScope(config: TraceConfig): TraceScope {
  if (config.scope === 'all') return { all: true };
  return { all: false, tenants: new Set(config.scope === 'tenants' ? config.tenants : []) };
}

export function createTrace(
  config: TraceConfig,
  log: Logger,
  extra: { tenantLog?: (tenant: string) => Logger; anyTenantDebug?: boolean } = {},
): TraceSetup {
  const ring = new TraceRing(config.ring_size);
  const hep =
    config.hep &&
    new HepClient({
      ...splitCollector(config.hep.address),
      proto: config.hep.proto,
      captureId: config.hep.capture_id,
      agent: config.hep.agent,
      tenantTags: config.hep.tenant_tags,
      queue: config.hep.queue,
      log,
    });
  const trace = new MessageTrace({
    log,
    scope: traceScope(config),
    ring,
    redactBodies: config.redact_bodies,
    export: hep,
    ...extra,
  });
  return { trace, ring, redactBodies: config.redact_bodies, hep };
}
