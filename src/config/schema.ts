// The configuration file's schema: every key, its type and default, in one place. Errors name the key.
import { z } from 'zod';

const listenSpec = z
  .string()
  .regex(
    /^(udp|tcp):(\[[0-9A-Fa-f:.]+\]|[^:\s]+):\d{1,5}$/,
    'expected PROTO:HOST:PORT, e.g. udp:127.0.0.1:5060',
  );

export const configSchema = z
  .object({
    /** SIP listeners. */
    listen: z.array(listenSpec).min(1).default(['udp:127.0.0.1:5060', 'tcp:127.0.0.1:5060']),
    /** Domains that `is-myself` accepts besides the listen addresses. */
    domains: z.array(z.string().min(1)).default([]),
    /** The routing script (a component .wasm); the bundled AssemblyScript example when absent. */
    route: z.string().min(1).optional(),
    log_level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
