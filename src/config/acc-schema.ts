// The `acc` key: Kamailio's acc parameters (modparam("acc", ...)) for every tenant, each tenant may override
// them under its own `acc`, and the cap on the records a tenant keeps (`acc.db` in data_dir; in memory
// without one). Flags are message flag numbers (0..31) as the script sets them with KSR.setflag; -1 (the
// default, as Kamailio's) turns that trigger off. Kamailio's basic cfg: log_flag = db_flag = 1,
// log_missed_flag = db_missed_flag = 2, failed_transaction_flag = 3, and db_extra as ACC_BASIC_EXTRA.
import { z } from 'zod';
import type { AccSettings } from '../state/acc-store.ts';

/** The extra columns of Kamailio's basic cfg (kamailio-basic-kemi.cfg, WITH_ACCDB). */
export const ACC_BASIC_EXTRA =
  'src_user=$fU;src_domain=$fd;src_ip=$si;dst_ouser=$tU;dst_user=$rU;dst_domain=$rd';

const flag = z.number().int().min(-1).max(31);
const EXTRA_ITEM = /^[A-Za-z_][A-Za-z0-9_]{0,63}=\$[A-Za-z_][A-Za-z0-9_]*(\([^()]{1,128}\))?$/;
/** "name=$pv;name=$pv": Kamailio's db_extra / log_extra. */
const extra = z
  .string()
  .max(4096)
  .refine((s) => s === '' || s.split(';').every((item) => EXTRA_ITEM.test(item.trim())), {
    message: 'expected "column=$pv;column=$pv" (columns of letters, digits and _)',
  });

const accFields = {
  /** Write a log line for each accounted transaction whose request has this flag. */
  log_flag: flag.optional(),
  /** Write a log line for a missed call (INVITE answered >= 300) whose request has this flag. */
  log_missed_flag: flag.optional(),
  /** Record each accounted transaction whose request has this flag in the `acc` table. */
  db_flag: flag.optional(),
  /** Record a missed call whose request has this flag in the `missed_calls` table. */
  db_missed_flag: flag.optional(),
  /** With this flag too, transactions answered >= 300 are accounted (else only 2xx, and 1xx with early_media). */
  failed_transaction_flag: flag.optional(),
  /** Account provisional replies with a body (early media). */
  early_media: z.boolean().optional(),
  /** Account CANCEL transactions (off: a flagged CANCEL is not recorded). */
  report_cancels: z.boolean().optional(),
  /** Swap From and To tags for requests going upstream (their Route's ftag is the To tag). */
  detect_direction: z.boolean().optional(),
  /** Extra values of each log line, "name=$pv;...". */
  log_extra: extra.optional(),
  /** Extra columns of each record, "name=$pv;...", evaluated when the record is written. */
  db_extra: extra.optional(),
};

/** A tenant's `acc`: any key over the top-level one. */
export const tenantAccSchema = z.object(accFields).strict();

export const accSchema = z
  .object({
    ...accFields,
    /** Records a tenant keeps at most, over its tables; more are refused and counted [100 000]. */
    max_rows_per_tenant: z.number().int().min(1).max(100_000_000).default(100_000),
  })
  .strict()
  .default({ max_rows_per_tenant: 100_000 });

export type AccConfig = z.infer<typeof accSchema>;
export type TenantAccConfig = z.infer<typeof tenantAccSchema>;

/** The settings of `tenant`: its own keys over the top-level ones over Kamailio's defaults. */
export function accSettings(top: AccConfig, tenant: TenantAccConfig | undefined): AccSettings {
  const pick = <K extends keyof TenantAccConfig>(key: K) => tenant?.[key] ?? top[key];
  return {
    logFlag: pick('log_flag') ?? -1,
    logMissedFlag: pick('log_missed_flag') ?? -1,
    dbFlag: pick('db_flag') ?? -1,
    dbMissedFlag: pick('db_missed_flag') ?? -1,
    failedTransactionFlag: pick('failed_transaction_flag') ?? -1,
    earlyMedia: pick('early_media') ?? false,
    reportCancels: pick('report_cancels') ?? false,
    detectDirection: pick('detect_direction') ?? false,
    logExtra: parseExtra(pick('log_extra') ?? ''),
    dbExtra: parseExtra(pick('db_extra') ?? ''),
  };
}

/** "a=$fU;b=$rd" as [column, pv] pairs (validated by the schema). */
export function parseExtra(text: string): readonly (readonly [column: string, pv: string])[] {
  if (text.trim() === '') return [];
  return text.split(';').map((item) => {
    const at = item.indexOf('=');
    return [item.slice(0, at).trim(), item.slice(at + 1).trim()] as const;
  });
}
