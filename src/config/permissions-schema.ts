// The `permissions` key: the bound of each tenant's address table (src/state/address-store.ts), which
// tenant tokens fill through the admin API.
import { z } from 'zod';

export const DEFAULT_MAX_ADDRESSES_PER_TENANT = 10_000;

export const permissionsSchema = z
  .object({
    /** Rows a tenant's address table holds at most [10 000]; an add or import beyond it is refused. */
    max_addresses_per_tenant: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(DEFAULT_MAX_ADDRESSES_PER_TENANT),
  })
  .strict()
  .default({ max_addresses_per_tenant: DEFAULT_MAX_ADDRESSES_PER_TENANT });
