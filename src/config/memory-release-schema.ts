// `[memory_release]`: when the serve process gives the memory of a load peak back to the system
// (src/cli/memory-release.ts: one memory-reducing GC once the server is quiet again).
import { z } from 'zod';

export const MEMORY_RELEASE_DEFAULTS = { check_s: 10, quiet_utilization: 0.05, min_growth_mb: 32 };

export const memoryReleaseSchema = z
  .object({
    /** Seconds between checks [10]; 0: never release. */
    check_s: z.number().min(0).max(3600).default(MEMORY_RELEASE_DEFAULTS.check_s),
    /** Event loop utilization (0..1) over one check below which the server counts as quiet [0.05]. */
    quiet_utilization: z.number().min(0).max(1).default(MEMORY_RELEASE_DEFAULTS.quiet_utilization),
    /** Growth of the resident set since the last release (or the start) worth a release, MiB [32]. */
    min_growth_mb: z.number().min(1).max(65_536).default(MEMORY_RELEASE_DEFAULTS.min_growth_mb),
  })
  .strict()
  .default(MEMORY_RELEASE_DEFAULTS);

export type MemoryReleaseSettings = z.infer<typeof memoryReleaseSchema>;
