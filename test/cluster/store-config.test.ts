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

describe('[cluster.stores.subscribers] and [cluster.stores.addresses]', () => {
  it('are Redis, read from the copy when Redis is down, by default once [cluster] is there', () => {
    const config = validateConfig({ cluster: { redis: REDIS } });
    for (const store of ['subscribers', 'addresses'] as const)
      expect(config.ok && config.value.cluster?.stores[store]).toEqual({
        backend: 'redis',
        unavailable: 'cache',
        timeout_ms: 1000,
      });
  });

  it('take "embedded" and refuse "fail" (reads never wait for Redis) and unknown keys', () => {
    const embedded = validateConfig({
      cluster: { redis: REDIS, stores: { subscribers: { backend: 'embedded' } } },
    });
    expect(embedded.ok && embedded.value.cluster?.stores.subscribers.backend).toBe('embedded');
    for (const addresses of [{ unavailable: 'fail' }, { backend: 'sql' }, { ttl: 1 }])
      expect(
        validateConfig({ cluster: { redis: REDIS, stores: { addresses } } }).ok,
        JSON.stringify(addresses),
      ).toBe(false);
  });
});
