// The `nathelper` key: Kamailio's nathelper keepalive parameters (modparam("nathelper", ...)), usrloc's
// nat_bflag, and the per-tenant cap on pings (src/router/nat-keepalive.ts).
import { z } from 'zod';
import type { NatPingSettings } from '../router/nat-keepalive.ts';

const bflag = z.number().int().min(-1).max(31);

export const nathelperSchema = z
  .object({
    /** Seconds between keepalive rounds; 0 sends none [0, as Kamailio]. */
    natping_interval: z.number().min(0).max(3600).default(0),
    /** 1: ping only bindings saved with `nat_bflag` set [0]. */
    ping_nated_only: z.union([z.literal(0), z.literal(1)]).default(0),
    /** usrloc's nat_bflag: the branch flag that marks a binding as NATed [-1: none]. */
    nat_bflag: bflag.default(-1),
    /** Bindings saved with this branch flag get a SIP request as keepalive, the others 4 zero octets [-1]. */
    sipping_bflag: bflag.default(-1),
    /** Bindings saved with this branch flag are not pinged [-1]. */
    natping_disable_bflag: bflag.default(-1),
    /** From URI of the SIP keepalive; needed when sipping_bflag is set [""]. */
    sipping_from: z.string().max(255).default(''),
    /** Method of the SIP keepalive [OPTIONS]. */
    sipping_method: z
      .string()
      .regex(/^[A-Za-z]{1,32}$/)
      .default('OPTIONS'),
    /**
     * Seconds a SIP-pinged binding may go without answering before it is removed (usrloc's keepalive
     * timeout); 0 never removes [0].
     */
    keepalive_timeout: z.number().int().min(0).max(86_400).default(0),
    /** Bindings one tenant gets pinged per round at most; the next round goes on where this one stopped [1000]. */
    max_pings_per_interval: z.number().int().min(1).max(100_000).default(1000),
  })
  .strict()
  .superRefine((c, ctx) => {
    // Kamailio refuses to start on both.
    if (c.natping_interval > 0 && c.ping_nated_only === 1 && c.nat_bflag < 0)
      ctx.addIssue({ code: 'custom', message: 'ping_nated_only needs nat_bflag', path: ['ping_nated_only'] });
    if (c.natping_interval > 0 && c.sipping_bflag >= 0 && c.sipping_from === '')
      ctx.addIssue({ code: 'custom', message: 'sipping_bflag needs sipping_from', path: ['sipping_from'] });
  })
  .default({
    natping_interval: 0,
    ping_nated_only: 0,
    nat_bflag: -1,
    sipping_bflag: -1,
    natping_disable_bflag: -1,
    sipping_from: '',
    sipping_method: 'OPTIONS',
    keepalive_timeout: 0,
    max_pings_per_interval: 1000,
  });

export type NathelperConfig = z.infer<typeof nathelperSchema>;

const bit = (flag: number) => (flag < 0 ? 0 : 2 ** flag);

export function natPingSettings(c: NathelperConfig): NatPingSettings {
  return {
    intervalMs: c.natping_interval * 1000,
    natOnly: c.ping_nated_only === 1,
    natFlag: bit(c.nat_bflag),
    sipFlag: bit(c.sipping_bflag),
    disableFlag: bit(c.natping_disable_bflag),
    from: c.sipping_from,
    method: c.sipping_method.toUpperCase(),
    keepaliveTimeoutMs: c.keepalive_timeout * 1000,
    maxPerTenant: c.max_pings_per_interval,
  };
}
