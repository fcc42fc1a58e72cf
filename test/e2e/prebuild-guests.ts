// Global setup of the e2e group that runs beside the latency suites (vitest.config.ts): builds the
// JavaScript/TypeScript examples the e2e suites load (componentize-js, ~20 s each) into the shared build
// cache (fixtures/built-guest.ts) while the first latency suites run, so the stateless and stateful suites
// find them built instead of building them on their own time. A suite that gets there first builds it
// itself; the cache's lock makes the other wait for that build rather than repeat it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildExample } from '../../fixtures/built-guest.ts';

/** The componentize-js examples of test/e2e/stateless.test.ts and test/e2e/stateful.test.ts. */
const SHARED_JS_GUESTS = ['guest-examples/js/proxy', 'guest-examples/js/hello'];

export default async function prebuildGuests(): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'kemi-e2e-prebuild-'));
  try {
    for (const dir of SHARED_JS_GUESTS) await buildExample(dir, out, 'prebuilt');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
