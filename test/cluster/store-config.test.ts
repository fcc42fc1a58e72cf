// `[cluster.stores.location]`: Redis by default in a cluster, "embedded" on request, what to do when Redis
// does not answer, and the bounds of its keys.
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';

const REDIS = 'redis://127.0.0.1:6379/0';

describe('[cluster.stores.location]', () => {
  it('is Redis, failing closed, by default once [cluster] is there', () => {
    const config = validateConfig({ cluster: { redis: REDIS } });
    expect(config.ok && config.value.cluster?.stores.location).toEqual({
      backend: 'redis',
      unavailable: 'fail',
      timeout_ms: 500,
      cache_aors: 100_000,
    });
    const single = validateConfig({});
    expect(single.ok && single.value.cluster).toBeUndefined();
  });

  it('takes "embedded" and "cache", and refuses other values and unknown keys', () => {
    const config = validateConfig({
      cluster: { redis: REDIS, stores: { location: { backend: 'embedded', unavailable: 'cache' } } },
    });
    expect(config.ok && config.value.cluster?.stores.location).toMatchObject({
      backend: 'embedded',
      unavailable: 'cache',
    });
    for (const location of [{ backend: 'sql' }, { unavailable: 'queue' }, { timeout_ms: 5 }, { ttl: 1 }]) {
      expect(
        validateConfig({ cluster: { redis: REDIS, stores: { location } } }).ok,
        JSON.stringify(location),
      ).toBe(false);
    }
  });
});
