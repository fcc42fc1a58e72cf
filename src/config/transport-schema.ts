// Configuration of the transport's TCP limits: the `transport` section. Absent keys keep the transport's
// defaults (src/transport/limits.ts, in brackets); the transport checks the values once more at start.
import { z } from 'zod';
import type { TransportLimits } from '../transport/limits.ts';

export const transportSchema = z
  .object({
    /** Inbound TCP connections from one remote IP; 0 turns the per-IP limit off (64). */
    max_connections_per_ip: z.number().int().nonnegative().optional(),
    /** Inbound TCP connections at once (2048). */
    max_inbound_connections: z.number().int().positive().optional(),
    /** Outbound TCP connections at once, a budget apart from the inbound one (1024). */
    max_outbound_connections: z.number().int().positive().optional(),
    /** A TCP message must be complete within this many ms of its first byte, or the connection closes (10000). */
    message_timeout_ms: z.number().int().positive().optional(),
  })
  .strict()
  .default({});

export type TransportConfig = z.infer<typeof transportSchema>;

/** The limits the config sets (the others keep their defaults). */
export function transportLimits(transport: TransportConfig): Partial<TransportLimits> {
  const limits: { -readonly [K in keyof TransportLimits]?: number } = {};
  if (transport.max_connections_per_ip !== undefined)
    limits.maxConnectionsPerIp = transport.max_connections_per_ip;
  if (transport.max_inbound_connections !== undefined)
    limits.maxInboundConnections = transport.max_inbound_connections;
  if (transport.max_outbound_connections !== undefined)
    limits.maxOutboundConnections = transport.max_outbound_connections;
  if (transport.message_timeout_ms !== undefined) limits.messageTimeoutMs = transport.message_timeout_ms;
  return limits;
}
