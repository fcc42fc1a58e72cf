// The `dispatcher` key: Kamailio's dispatcher parameters (modparam("dispatcher", ...)) for every tenant,
// each tenant overriding them and listing its destinations under its own `dispatcher` (a line of
// Kamailio's dispatcher.list each: set, uri, flags, priority, attrs), and the caps that bound the module:
// destinations per tenant (config and admin API together), probes per tenant and round, call-load cells.
import { z } from 'zod';
import { checkDestinationUri, type DestinationInput } from '../dispatcher/destination-set.ts';
import type { DispatcherSettings } from '../dispatcher/tenant-dispatcher.ts';

const REPLY_CODES = /^\s*((code|class)\s*=\s*\d+\s*(;\s*|$))*$/i;

const tenantParams = {
  /** 1: hash only the URI user (algorithms 1-3); 2: failover, keep the other destinations for ds_next_dst [0]. */
  flags: z.number().int().min(0).max(3).optional(),
  /** 0: ds_select_dst fails when $du is already set [1]. */
  force_dst: z.union([z.literal(0), z.literal(1)]).optional(),
  /** 0 no probing, 1 probe every destination, 2 only inactive ones, 3 only those flagged probing [0]. */
  ds_probing_mode: z.number().int().min(0).max(3).optional(),
  /** Failed probes (or ds_mark_dst "t") before a destination is made inactive [1]. */
  ds_probing_threshold: z.number().int().min(1).max(1000).optional(),
  /** Answered probes before an inactive destination is made active again [1]. */
  ds_inactive_threshold: z.number().int().min(1).max(1000).optional(),
  /** Replies besides 2xx that count as alive: "code=404;class=4" [""]. */
  ds_ping_reply_codes: z.string().max(512).regex(REPLY_CODES, 'expected "code=NNN;class=N;..."').optional(),
  /** From URI of the probes [sip:dispatcher@localhost]. */
  ds_ping_from: z.string().min(5).max(255).optional(),
};

const destination = z
  .object({
    /** The set (Kamailio's setid). */
    set: z.number().int().min(0).max(0x7fffffff),
    uri: z
      .string()
      .min(1)
      .max(512)
      .refine((uri) => checkDestinationUri(uri).ok, { message: 'expected a sip: or sips: URI' }),
    /** State flags: 1 inactive, 2 trying, 4 disabled, 8 probing [0]. */
    flags: z.number().int().min(0).max(31).default(0),
    /** Higher first in the set (algorithm 8 picks the highest) [0]. */
    priority: z.number().int().default(0),
    /** Kamailio's attrs as written: "duid=gw1;weight=50;maxload=20" [""]. */
    attrs: z.string().max(1024).default(''),
    /** Shorthands added to attrs. */
    duid: z.string().min(1).max(64).optional(),
    weight: z.number().int().min(1).max(100).optional(),
    rweight: z.number().int().min(1).max(100).optional(),
    maxload: z.number().int().min(0).optional(),
    socket: z.string().min(1).max(128).optional(),
  })
  .strict();

/** A tenant's `dispatcher`: parameters over the top-level ones, and its destinations. */
export const tenantDispatcherSchema = z
  .object({ ...tenantParams, destinations: z.array(destination).max(10_000).default([]) })
  .strict();

export const dispatcherSchema = z
  .object({
    ...tenantParams,
    /** Seconds between probing rounds; 0 probes never [0, as Kamailio's ds_ping_interval]. */
    ds_ping_interval: z.number().int().min(0).max(3600).default(0),
    /** Method of the probes [OPTIONS]. */
    ds_ping_method: z
      .string()
      .regex(/^[A-Za-z]{1,32}$/)
      .default('OPTIONS'),
    /** Seconds a call-load cell (algorithm 10) lives once confirmed (`ds_hash_expire`) [7200]. */
    ds_hash_expire: z.number().int().min(1).max(604_800).default(7200),
    /** Seconds a call-load cell lives before its 2xx (`ds_hash_initexpire`) [7200]. */
    ds_hash_initexpire: z.number().int().min(1).max(604_800).default(7200),
    /** Destinations a tenant may have, config and admin API together; more are refused [1000]. */
    max_destinations_per_tenant: z.number().int().min(1).max(100_000).default(1000),
    /** Probes one tenant sends per round at most; the next round goes on where this one stopped [100]. */
    max_pings_per_interval: z.number().int().min(1).max(10_000).default(100),
    /** Calls of algorithm 10 a tenant tracks at most; past it selections fall back to algorithm 0 [100 000]. */
    max_calls_per_tenant: z.number().int().min(1).max(10_000_000).default(100_000),
  })
  .strict()
  .default({
    ds_ping_interval: 0,
    ds_ping_method: 'OPTIONS',
    ds_hash_expire: 7200,
    ds_hash_initexpire: 7200,
    max_destinations_per_tenant: 1000,
    max_pings_per_interval: 100,
    max_calls_per_tenant: 100_000,
  });

export type DispatcherConfig = z.infer<typeof dispatcherSchema>;
export type TenantDispatcherConfig = z.infer<typeof tenantDispatcherSchema>;

/** "code=404;class=4": codes 100..699 and classes 1..6, others dropped as Kamailio's ds_parse_reply_codes. */
export function parseReplyCodes(text: string): number[] {
  const codes: number[] = [];
  for (const item of text.split(';')) {
    const [name, value] = item.split('=').map((s) => s?.trim().toLowerCase());
    const n = Number.parseInt(value ?? '', 10);
    if (name === 'code' && n >= 100 && n < 700) codes.push(n);
    if (name === 'class' && n >= 1 && n < 7) codes.push(n);
  }
  return codes;
}

/** The settings of a tenant: its keys over the top-level ones over Kamailio's defaults. */
export function dispatcherSettings(
  top: DispatcherConfig,
  tenant: TenantDispatcherConfig | undefined,
): DispatcherSettings {
  const pick = <K extends keyof typeof tenantParams>(key: K) => tenant?.[key] ?? top[key];
  return {
    flags: pick('flags') ?? 0,
    forceDst: (pick('force_dst') ?? 1) === 1,
    probingMode: pick('ds_probing_mode') ?? 0,
    probingThreshold: pick('ds_probing_threshold') ?? 1,
    inactiveThreshold: pick('ds_inactive_threshold') ?? 1,
    replyCodes: parseReplyCodes(pick('ds_ping_reply_codes') ?? ''),
    pingMethod: top.ds_ping_method,
    pingFrom: pick('ds_ping_from') ?? 'sip:dispatcher@localhost',
    loadExpireMs: top.ds_hash_expire * 1000,
    loadInitExpireMs: top.ds_hash_initexpire * 1000,
    maxCalls: top.max_calls_per_tenant,
  };
}

/** The tenant's configured destinations as dispatcher.list lines, shorthands appended to attrs. */
export function configuredDestinations(tenant: TenantDispatcherConfig | undefined): DestinationInput[] {
  return (tenant?.destinations ?? []).map((d) => {
    const extra: string[] = [];
    if (d.duid !== undefined) extra.push(`duid=${d.duid}`);
    if (d.weight !== undefined) extra.push(`weight=${d.weight}`);
    if (d.rweight !== undefined) extra.push(`rweight=${d.rweight}`);
    if (d.maxload !== undefined) extra.push(`maxload=${d.maxload}`);
    if (d.socket !== undefined) extra.push(`socket=${d.socket}`);
    const base = d.attrs.replace(/;$/, '');
    const attrs = [base, ...extra].filter((s) => s !== '').join(';');
    return { set: d.set, uri: d.uri, flags: d.flags, priority: d.priority, attrs };
  });
}
