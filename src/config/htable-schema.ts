// The `htables` key (per tenant, or top-level for the implicit default tenant): Kamailio's
// modparam("htable", "htable", "name=>autoexpire=60;initval=0"), with the caps that bound what a tenant's
// tables can hold (src/state/htable.ts has the defaults).
import { z } from 'zod';
import { HTABLE_DEFAULTS, type HtableSpec } from '../state/htable.ts';

const S32_MIN = -0x80000000;
const S32_MAX = 0x7fffffff;

const HTABLE_NAME = /^[A-Za-z0-9_]{1,64}$/;

const htableSpec = z
  .object({
    /** Items the table holds at most [10 000]; a write of a new key beyond it fails. */
    max_items: z.number().int().min(1).max(1_000_000).default(HTABLE_DEFAULTS.maxItems),
    /** Longest key in bytes [256]. */
    max_key_bytes: z.number().int().min(1).max(65_536).default(HTABLE_DEFAULTS.maxKeyBytes),
    /** Longest string value in bytes [1024]. */
    max_value_bytes: z
      .number()
      .int()
      .min(0)
      .max(1024 * 1024)
      .default(HTABLE_DEFAULTS.maxValueBytes),
    /** Seconds an item lives after its last write [0: until removed]. */
    autoexpire: z.number().int().min(0).max(31_536_000).default(HTABLE_DEFAULTS.autoexpire),
    /** Where sht-inc / sht-dec start from for a missing item [0]. */
    initval: z.number().int().min(S32_MIN).max(S32_MAX).default(HTABLE_DEFAULTS.initval),
    /**
     * In a cluster whose htable store is Redis: keep this table in this node only [false] (a per-node
     * cache; $sht reads it synchronously). Without [cluster], or with the embedded store, every table is.
     */
    node_local: z.boolean().default(HTABLE_DEFAULTS.nodeLocal),
  })
  .strict();

/** Declared tables by name; absent: none (every htable call then fails with a log naming the table). */
export const htablesSchema = z
  .record(z.string(), htableSpec)
  .superRefine((tables, ctx) => {
    // Checked here rather than as the record's key schema, whose error would not say what a name is.
    for (const name of Object.keys(tables)) {
      if (!HTABLE_NAME.test(name)) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'an htable name is letters, digits and "_" (1-64 characters)',
        });
      }
    }
  })
  .default({});

export type HtablesConfig = z.infer<typeof htablesSchema>;

/** The store's view of a tenant's `htables`. */
export function htableSpecs(config: HtablesConfig): Record<string, HtableSpec> {
  return Object.fromEntries(
    Object.entries(config).map(([name, t]) => [
      name,
      {
        maxItems: t.max_items,
        maxKeyBytes: t.max_key_bytes,
        maxValueBytes: t.max_value_bytes,
        autoexpire: t.autoexpire,
        initval: t.initval,
        nodeLocal: t.node_local,
      },
    ]),
  );
}
