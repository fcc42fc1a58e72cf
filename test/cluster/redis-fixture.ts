// What the unit tests of stores kept in Redis share: a real redis-server for the test file (cluster-redis.ts,
// started before its tests and stopped after them) with a connection to it, and a store's link on it.
import { Redis } from 'ioredis';
import { type Logger, pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { LogLimiter } from '../../src/log-limit.ts';
import { type SharedStoreLink, sharedStoreLink, type Unavailable } from '../../src/state/shared-store.ts';
import { type RedisServer, startRedis } from '../e2e/cluster-redis.ts';

export interface TestRedis {
  readonly server: RedisServer;
  /** A connection to it, ready when the file's tests start. */
  readonly redis: Redis;
}

/** Starts a redis-server for this test file (beforeAll) and stops it after its tests (afterAll). */
export function useRedis(): TestRedis {
  const held = {} as { server: RedisServer; redis: Redis };
  beforeAll(async () => {
    held.server = await startRedis();
    held.redis = new Redis(held.server.url);
    await new Promise((resolve) => held.redis.once('ready', resolve));
  });
  afterAll(async () => {
    held.redis?.disconnect();
    await held.server?.stop();
  });
  return held;
}

/** Store `store`'s link on `redis` (2 s unless `timeoutMs`, silent unless `log`, a log limiter of its own). */
export function testLink(
  store: string,
  redis: Redis,
  unavailable: Unavailable,
  options: { log?: Logger; timeoutMs?: number } = {},
): SharedStoreLink {
  return sharedStoreLink({
    store,
    redis,
    timeoutMs: options.timeoutMs ?? 2000,
    unavailable,
    log: options.log ?? pino({ level: 'silent' }),
    logLimit: new LogLimiter(),
  });
}
