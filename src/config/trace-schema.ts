// Configuration of the message trace (src/trace/): the `trace` section. Which tenants' messages are kept
// in the recent-trace store and exported to a HEP collector, how many are kept, and the collector.
import { z } from 'zod';

export const DEFAULT_TRACE_RING_SIZE = 200;
export const DEFAULT_HEP_QUEUE = 1000;

const hepSchema = z
  .object({
    /** The collector, "host:port" (an IP literal, "[v6]:port" for IPv6). */
    address: z.string().regex(/^(?:\[[0-9a-fA-F:.]+\]|[^:[\]]+):\d{1,5}$/, 'expected "host:port"'),
    proto: z.enum(['udp', 'tcp']).default('udp'),
    /** HEP capture agent id (chunk 12). */
    capture_id: z.number().int().min(0).max(0xffff_ffff).default(0),
    /** Capture node name (chunk 19) of every capture; a tenant's entry in `tenant_tags` overrides it. */
    agent: z.string().max(64).optional(),
    /** Node name by tenant: the collector tells tenants apart by it. */
    tenant_tags: z.record(z.string(), z.string().max(64)).default({}),
    /** Captures waiting for the collector; beyond it new captures are dropped and counted. */
    queue: z.number().int().positive().max(1_000_000).default(DEFAULT_HEP_QUEUE),
  })
  .strict();

export const traceSchema = z
  .object({
    /** Whose messages are kept and exported: nobody's, everybody's, or those of `tenants`. */
    scope: z.enum(['none', 'all', 'tenants']).default('none'),
    tenants: z.array(z.string()).default([]),
    /** Messages kept per tenant in the recent-trace store (0: none). */
    ring_size: z.number().int().min(0).max(100_000).default(DEFAULT_TRACE_RING_SIZE),
    /** Replace message bodies in trace log lines, the store and the export. */
    redact_bodies: z.boolean().default(false),
    hep: hepSchema.optional(),
  })
  .strict()
  .default({ scope: 'none', tenants: [], ring_size: DEFAULT_TRACE_RING_SIZE, redact_bodies: false });

export type TraceConfig = z.infer<typeof traceSchema>;
export type HepConfig = z.infer<typeof hepSchema>;
