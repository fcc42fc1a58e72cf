import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shouldRelease } from '../../src/cli/memory-release.ts';
import { MEMORY_RELEASE_DEFAULTS } from '../../src/config/memory-release-schema.ts';

const MB = 1024 * 1024;

describe('shouldRelease', () => {
  const settings = MEMORY_RELEASE_DEFAULTS;
  it('releases when the server is quiet and grew by min_growth_mb since the last release', () => {
    expect(shouldRelease(settings, { utilization: 0.01, rss: 200 * MB }, 160 * MB)).toBe(true);
  });
  it('waits while the event loop is busy, however much it grew', () => {
    expect(shouldRelease(settings, { utilization: 0.3, rss: 400 * MB }, 160 * MB)).toBe(false);
  });
  it('leaves a small growth alone', () => {
    expect(shouldRelease(settings, { utilization: 0, rss: 180 * MB }, 160 * MB)).toBe(false);
  });
});

// What the release is for, on this Node's V8: a heap that grew to hundreds of MB and then emptied keeps its
// pages resident (pooled) until a memory-reducing GC, which the release asks for once the process is quiet.
const CHILD = `
import { startMemoryRelease } from ${JSON.stringify(new URL('../../src/cli/memory-release.ts', import.meta.url).href)};
const stop = startMemoryRelease(
  { check_s: 0.2, quiet_utilization: 0.5, min_growth_mb: 16 },
  (e) => { console.log(JSON.stringify(e)); stop(); process.exit(0); },
  (err) => { console.error(err); process.exit(1); },
);
// A peak (the event loop busy meanwhile), then the process quiet with its heap emptied.
let keep = [];
for (let i = 0; i < 2e6; i++) keep.push({ a: i, b: 'x' + i, c: [i] });
keep = null;
setTimeout(() => console.log('{"released":false}'), 10000);
`;

describe('startMemoryRelease', () => {
  it('gives the pages of an emptied heap back to the system once the process is quiet', () => {
    const out = spawnSync(process.execPath, ['--max-semi-space-size=4', '--input-type=module', '-e', CHILD], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(out.stderr).toBe('');
    const seen = JSON.parse(out.stdout.trim().split('\n')[0]);
    // The emptied heap's pages were still resident at the quiet check, and the release returned them.
    expect(seen.before - seen.after).toBeGreaterThan(100 * MB);
  });
});
