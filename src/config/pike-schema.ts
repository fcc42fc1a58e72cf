// The `pike` key: Kamailio's pike parameters (modparam("pike", ...)) and the cap that bounds each tenant's
// table under a flood of random source addresses (src/state/pike.ts has the defaults).
import { z } from 'zod';
import { PIKE_DEFAULTS, type PikeSettings } from '../state/pike.ts';

export const pikeSchema = z
  .object({
    /** Seconds per sampling unit [2]. */
    sampling_time_unit: z.number().int().min(1).max(3600).default(PIKE_DEFAULTS.samplingTimeUnit),
    /** Requests per unit from one address before it is reported flooding [30]. */
    reqs_density_per_unit: z.number().int().min(1).max(65_534).default(PIKE_DEFAULTS.reqsDensityPerUnit),
    /** Seconds an address is remembered after its last request [120]. */
    remove_latency: z.number().int().min(1).max(86_400).default(PIKE_DEFAULTS.removeLatency),
    /** Addresses tracked per tenant at most; beyond it the least recently seen is forgotten [100 000]. */
    max_entries: z.number().int().min(1).max(10_000_000).default(PIKE_DEFAULTS.maxEntries),
  })
  .strict()
  .default({
    sampling_time_unit: PIKE_DEFAULTS.samplingTimeUnit,
    reqs_density_per_unit: PIKE_DEFAULTS.reqsDensityPerUnit,
    remove_latency: PIKE_DEFAULTS.removeLatency,
    max_entries: PIKE_DEFAULTS.maxEntries,
  });

export type PikeConfig = z.infer<typeof pikeSchema>;

export function pikeSettings(config: PikeConfig): PikeSettings {
  return {
    samplingTimeUnit: config.sampling_time_unit,
    reqsDensityPerUnit: config.reqs_density_per_unit,
    removeLatency: config.remove_latency,
    maxEntries: config.max_entries,
  };
}
