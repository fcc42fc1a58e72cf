// The `rtpengine` key: the media relays of KSR rtpengine, as Kamailio's rtpengine module parameters
// (rtpengine_sock with its weights, rtpengine_tout_ms, rtpengine_retr, rtpengine_disable_tout), and the
// bounds on what the client keeps. No instance: the rtpengine functions answer -1.
import { z } from 'zod';
import { NG_DEFAULTS, type NgSettings } from '../rtpengine/ng-client.ts';

const instanceSchema = z
  .object({
    /** `udp:HOST:PORT` of the instance's ng socket (Kamailio's rtpengine_sock entry; IPv4). */
    sock: z.string().regex(/^udp:[0-9.]+:[0-9]{1,5}$/, 'udp:IPv4:PORT'),
    /** Share of the calls, relative to the other instances [1]. */
    weight: z.number().int().min(0).max(1000).default(1),
  })
  .strict();

export const rtpengineSchema = z
  .object({
    instances: z.array(instanceSchema).max(64).default([]),
    /** Wait for one reply, ms [1000]. */
    tout_ms: z.number().int().min(1).max(60_000).default(NG_DEFAULTS.toutMs),
    /** Sends of a command to one instance before it counts as dead [5]. */
    retr: z.number().int().min(1).max(20).default(NG_DEFAULTS.retr),
    /** Seconds a dead instance is left out [60]. */
    disable_tout: z.number().int().min(0).max(86_400).default(NG_DEFAULTS.disableToutS),
    /** Commands waiting for a reply at once, server-wide [1000]. */
    max_pending: z.number().int().min(1).max(100_000).default(NG_DEFAULTS.maxPending),
    /** Calls remembered with the instance that took them [100 000]. */
    max_calls: z.number().int().min(1).max(10_000_000).default(NG_DEFAULTS.maxCalls),
  })
  .strict()
  .default({
    instances: [],
    tout_ms: NG_DEFAULTS.toutMs,
    retr: NG_DEFAULTS.retr,
    disable_tout: NG_DEFAULTS.disableToutS,
    max_pending: NG_DEFAULTS.maxPending,
    max_calls: NG_DEFAULTS.maxCalls,
  });

export type RtpengineConfig = z.infer<typeof rtpengineSchema>;

export function ngSettings(config: RtpengineConfig): NgSettings {
  return {
    instances: config.instances.map((i) => {
      const [, host, port] = i.sock.split(':');
      return { host, port: Number(port), weight: i.weight };
    }),
    toutMs: config.tout_ms,
    retr: config.retr,
    disableToutS: config.disable_tout,
    maxPending: config.max_pending,
    maxCalls: config.max_calls,
  };
}
