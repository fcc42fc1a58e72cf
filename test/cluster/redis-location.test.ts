// The Redis location store against a real redis-server (started here on a free loopback port, no
// persistence): the embedded store's behaviour (order, expiry, caps, removal), the caps held across nodes
// under concurrent REGISTERs (the Lua script), Redis TTLs on the keys, the NAT keepalive's batches of the
// bindings saved through this node, and Redis down or slow with `unavailable = "fail"` and `"cache"`.
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisLocation, type Unavailable } from '../../src/cluster/redis-location.ts';
import { LogLimiter } from '../../src/log-limit.ts';
import { NatKeepalive } from '../../src/router/nat-keepalive.ts';
import type { Binding } from '../../src/state/index.ts';
import type { AddressTarget } from '../../src/transport/send-result.ts';
import { type RedisServer, startRedis } from '../e2e/cluster-redis.ts';

let server: RedisServer;
const connections: Redis[] = [];
let prefix = 0;
// Near the wall clock: Redis expires the keys (PEXPIREAT) on its own clock.
const T0 = Date.now();
const LIMITS = { maxContacts: 10, maxBindings: 100 };

/** A connection as the cluster's (never queueing while Redis is down), once it is ready. */
async function connect(): Promise<Redis> {
  const redis = new Redis(server.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: () => 50,
  });
  redis.on('error', () => {});
  connections.push(redis);
  await ready(redis);
  return redis;
}

async function ready(redis: Redis): Promise<void> {
  for (let i = 0; i < 100 && redis.status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 50));
}

interface Nodes {
  clock: { t: number };
  redis: Redis;
  node(name: string, how?: { unavailable?: Unavailable; timeoutMs?: number }): RedisLocation;
}

/** Stores of several nodes under one fresh prefix: every test starts from an empty cluster. */
async function cluster(): Promise<Nodes> {
  const p = `t${++prefix}:`;
  const clock = { t: T0 };
  const redis = await connect();
  return {
    clock,
    redis,
    node: (name, how = {}) =>
      new RedisLocation({
        redis,
        prefix: p,
        node: name,
        tenants: ['acme', 'other'],
        unavailable: how.unavailable ?? 'fail',
        timeoutMs: how.timeoutMs ?? 1000,
        cacheAors: 100,
        log: pino({ level: 'silent' }),
        logLimit: new LogLimiter(),
        now: () => clock.t,
      }),
  };
}

function binding(contact: string, t: number, over: Partial<Binding> = {}): Binding {
  return {
    contact,
    q: undefined,
    expiresAt: t + 60_000,
    callId: 'c1',
    cseq: 1,
    source: 'udp:127.0.0.1:5070',
    userAgent: undefined,
    updatedAt: t,
    ...over,
  };
}

const put = (...bindings: Binding[]) => ({ remove: [], put: bindings });

beforeAll(async () => {
  server = await startRedis();
});

afterAll(async () => {
  for (const c of connections) c.disconnect();
  await server?.stop();
});

describe('RedisLocation', () => {
  it('keys bindings by tenant, table and AoR, and one node reads what another saved', async () => {
    const c = await cluster();
    const a = c.node('node-1');
    const b = c.node('node-2');
    await a.apply('acme', 'location', 'bob@example.com', put(binding('sip:bob@10.0.0.1', T0)), LIMITS);
    expect((await b.bindings('acme', 'location', 'bob@example.com')).map((x) => x.contact)).toEqual([
      'sip:bob@10.0.0.1',
    ]);
    expect(await b.bindings('other', 'location', 'bob@example.com')).toEqual([]);
    expect(await b.bindings('acme', 'other_table', 'bob@example.com')).toEqual([]);
    expect(await c.redis.exists(`t${prefix}:tenant:acme:loc:location:bob@example.com`)).toBe(1);
  });

  it('keeps every field and orders by falling q (unspecified last), then the newest refresh', async () => {
    const c = await cluster();
    const s = c.node('node-1');
    const full = binding('sip:bob@10.0.0.4', T0, {
      q: 0.5,
      userAgent: 'ua',
      received: 'sip:192.0.2.1:4000',
      path: '<sip:edge.example.com;lr>',
      methods: 'INVITE,MESSAGE',
      flags: 64,
    });
    await s.apply(
      'acme',
      'location',
      'bob',
      put(
        binding('sip:bob@10.0.0.1', T0, { updatedAt: T0 - 10 }),
        binding('sip:bob@10.0.0.2', T0, { q: 1 }),
        binding('sip:bob@10.0.0.3', T0),
        full,
      ),
      LIMITS,
    );
    const read = await c.node('node-2').bindings('acme', 'location', 'bob');
    expect(read.map((x) => x.contact)).toEqual([
      'sip:bob@10.0.0.2',
      'sip:bob@10.0.0.4',
      'sip:bob@10.0.0.3',
      'sip:bob@10.0.0.1',
    ]);
    expect(read[1]).toEqual(full);
  });

  it('never returns an expired binding, sets Redis TTLs to the last expiry, and sweeps the count down', async () => {
    const c = await cluster();
    const s = c.node('node-1');
    const now = Date.now();
    c.clock.t = now;
    await s.apply(
      'acme',
      'location',
      'bob',
      put(binding('sip:bob@10.0.0.1', now, { expiresAt: now + 30_000 }), binding('sip:bob@10.0.0.2', now)),
      LIMITS,
    );
    const ttl = await c.redis.pttl(`t${prefix}:tenant:acme:loc:location:bob`);
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect(await c.redis.pttl(`t${prefix}:tenant:acme:loc-expiry`)).toBeGreaterThan(55_000);
    await s.refreshCounts();
    expect(s.countsByTenant()).toEqual({ acme: 2 });
    c.clock.t = now + 30_000;
    expect((await s.bindings('acme', 'location', 'bob')).map((b) => b.contact)).toEqual(['sip:bob@10.0.0.2']);
    expect(await s.sweep()).toBe(1);
    expect(s.countsByTenant()).toEqual({ acme: 1 });
    expect(await c.redis.hlen(`t${prefix}:tenant:acme:loc:location:bob`)).toBe(1);
  });

  it('refuses a change over max_contacts or max_bindings and changes nothing', async () => {
    const c = await cluster();
    const s = c.node('node-1');
    const limits = { maxContacts: 2, maxBindings: 3 };
    const ok = await s.apply(
      'acme',
      'location',
      'bob',
      put(binding('sip:a@h', T0), binding('sip:b@h', T0)),
      limits,
    );
    expect(ok.ok).toBe(true);
    const aorFull = await s.apply('acme', 'location', 'bob', put(binding('sip:c@h', T0)), limits);
    expect(aorFull).toEqual({
      ok: false,
      error: {
        code: 'aor-full',
        message: 'the AoR bob has 2 bindings, the limit is 2 (max_contacts)',
        count: 2,
        limit: 2,
      },
    });
    // Replacing one contact by another keeps the count: allowed.
    const swapped = await s.apply(
      'acme',
      'location',
      'bob',
      { remove: ['sip:a@h'], put: [binding('sip:c@h', T0)] },
      limits,
    );
    expect(swapped.ok && swapped.value.map((b) => b.contact).sort()).toEqual(['sip:b@h', 'sip:c@h']);
    await s.apply('acme', 'location', 'alice', put(binding('sip:x@h', T0)), limits);
    const tenantFull = await s.apply('acme', 'location', 'carol', put(binding('sip:y@h', T0)), limits);
    expect(!tenantFull.ok && tenantFull.error.code).toBe('tenant-full');
    expect(await s.bindings('acme', 'location', 'carol')).toEqual([]);
    // Another tenant has its own quota.
    expect((await s.apply('other', 'location', 'carol', put(binding('sip:y@h', T0)), limits)).ok).toBe(true);
  });

  it('holds the tenant quota across nodes under concurrent REGISTERs', async () => {
    const c = await cluster();
    const nodes = [c.node('node-1'), c.node('node-2'), c.node('node-3')];
    const limits = { maxContacts: 10, maxBindings: 7 };
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        nodes[i % 3].apply('acme', 'location', `user${i}`, put(binding(`sip:u${i}@h`, T0)), limits),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(7);
    expect(results.filter((r) => !r.ok && r.error.code === 'tenant-full')).toHaveLength(23);
    await nodes[0].refreshCounts();
    expect(nodes[0].countsByTenant()).toEqual({ acme: 7 });
  });

  it('removes an AoR and a binding not refreshed since a keepalive ping', async () => {
    const c = await cluster();
    const s = c.node('node-1');
    await s.apply('acme', 'location', 'bob', put(binding('sip:a@h', T0), binding('sip:b@h', T0)), LIMITS);
    expect(await s.removeStale('acme', 'location', 'bob', 'sip:a@h', T0 - 1)).toBe(false);
    expect(await s.removeStale('acme', 'location', 'bob', 'sip:a@h', T0)).toBe(true);
    expect(await s.removeAor('acme', 'location', 'bob')).toBe(1);
    expect(await s.bindings('acme', 'location', 'bob')).toEqual([]);
    await s.refreshCounts();
    expect(s.countsByTenant()).toEqual({});
  });

  it('gives the NAT keepalive the bindings saved through its node, in batches, moving with a refresh', async () => {
    const c = await cluster();
    const one = c.node('node-1');
    const two = c.node('node-2');
    for (let i = 0; i < 5; i++)
      await one.apply('acme', 'location', `u${i}`, put(binding(`sip:u${i}@h`, T0, { flags: 4 })), LIMITS);
    await two.apply('acme', 'location', 'v', put(binding('sip:v@h', T0)), LIMITS);
    const first = await one.pingBatch('acme', 0, 3);
    expect(first.map((e) => [e.id, e.aor, e.flags])).toEqual([
      [1, 'u0', 4],
      [2, 'u1', 4],
      [3, 'u2', 4],
    ]);
    expect((await one.pingBatch('acme', 3, 3)).map((e) => e.aor)).toEqual(['u3', 'u4']);
    expect((await two.pingBatch('acme', 0, 3)).map((e) => e.aor)).toEqual(['v']);
    // u0 registers again through node 2: node 2's NAT mapping now.
    await two.apply('acme', 'location', 'u0', put(binding('sip:u0@h', T0 + 1)), LIMITS);
    expect((await two.pingBatch('acme', 0, 10)).map((e) => e.aor).sort()).toEqual(['u0', 'v']);
    expect((await one.pingBatch('acme', 0, 10)).map((e) => e.aor)).toEqual(['u1', 'u2', 'u3', 'u4']);
  });
});

describe('RedisLocation with Redis down or slow', () => {
  it('fails every operation when Redis is paused past the timeout, counted', async () => {
    const c = await cluster();
    const s = c.node('node-1', { timeoutMs: 100 });
    await s.apply('acme', 'location', 'bob', put(binding('sip:a@h', T0)), LIMITS);
    const admin = await connect();
    await admin.call('CLIENT', 'PAUSE', '400', 'ALL');
    await expect(s.bindings('acme', 'location', 'bob')).rejects.toThrow(/did not answer within 100 ms/);
    await expect(s.apply('acme', 'location', 'bob', put(binding('sip:b@h', T0)), LIMITS)).rejects.toThrow(
      /within 100 ms/,
    );
    expect(s.failures).toEqual({ read: { failed: 1 }, write: { failed: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await s.bindings('acme', 'location', 'bob')).length).toBeGreaterThanOrEqual(1);
  });

  it('serves lookups from the cache while Redis is down (never an expired binding), and catches up after', async () => {
    const c = await cluster();
    const cached = c.node('node-1', { unavailable: 'cache', timeoutMs: 200 });
    const strict = c.node('node-2', { unavailable: 'fail', timeoutMs: 200 });
    await cached.apply(
      'acme',
      'location',
      'bob',
      put(binding('sip:a@h', T0, { expiresAt: T0 + 10_000 }), binding('sip:b@h', T0)),
      LIMITS,
    );
    await strict.bindings('acme', 'location', 'bob');
    await server.stop();
    try {
      c.clock.t = T0 + 10_000;
      expect((await cached.bindings('acme', 'location', 'bob')).map((b) => b.contact)).toEqual(['sip:b@h']);
      await expect(cached.bindings('acme', 'location', 'never-seen')).rejects.toThrow();
      await expect(
        cached.apply('acme', 'location', 'bob', put(binding('sip:c@h', T0)), LIMITS),
      ).rejects.toThrow();
      await expect(strict.bindings('acme', 'location', 'bob')).rejects.toThrow();
      expect(cached.failures).toEqual({ read: { cached: 1, failed: 1 }, write: { failed: 1 } });
      expect(strict.failures).toEqual({ read: { failed: 1 } });
    } finally {
      await server.restart();
    }
    // Redis came back empty (no persistence): reads go to Redis again, not to the cache.
    await ready(c.redis);
    expect(await cached.bindings('acme', 'location', 'bob')).toEqual([]);
    await cached.apply('acme', 'location', 'bob', put(binding('sip:d@h', c.clock.t)), LIMITS);
    expect((await strict.bindings('acme', 'location', 'bob')).map((b) => b.contact)).toEqual(['sip:d@h']);
  });
});

describe('the NAT keepalive over the Redis location', () => {
  it('pings the NATed bindings saved through its node and removes one silent past keepalive_timeout', async () => {
    const c = await cluster();
    const one = c.node('node-1');
    const two = c.node('node-2');
    const nat = 1 << 6;
    const sip = 1 << 7;
    const flags = nat | sip;
    await one.apply('acme', 'location', 'a', put(binding('sip:a@192.0.2.1:5070', T0, { flags })), LIMITS);
    await one.apply('acme', 'location', 'b', put(binding('sip:b@192.0.2.2:5070', T0, { flags: 0 })), LIMITS);
    await two.apply('acme', 'location', 'c', put(binding('sip:c@192.0.2.3:5070', T0, { flags })), LIMITS);
    await one.refreshCounts();
    const sent: string[] = [];
    const keepalive = new NatKeepalive(
      {
        intervalMs: 1000,
        natOnly: true,
        natFlag: nat,
        sipFlag: sip,
        disableFlag: 0,
        from: 'sip:pinger@kemi.test',
        method: 'OPTIONS',
        keepaliveTimeoutMs: 30_000,
        maxPerTenant: 10,
      },
      one,
      {
        allowed: () => true,
        pick: () => ({ listener: { address: '127.0.0.1', port: 5060 }, address: '127.0.0.1', port: 5060 }),
        send: (target, _bytes, done) => {
          sent.push(`${(target as AddressTarget).address}:${(target as AddressTarget).port}`);
          queueMicrotask(() => done({ ok: true } as never));
        },
      },
      pino({ level: 'silent' }),
    );
    keepalive.round();
    for (let i = 0; i < 50 && sent.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    // Node 2's binding is node 2's to ping; the one without nat_bflag is not pinged (ping_nated_only).
    expect(sent).toEqual(['192.0.2.1:5070']);
    c.clock.t = T0 + 30_001;
    keepalive.round();
    for (let i = 0; i < 50 && !keepalive.counts.acme?.removed; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(keepalive.counts.acme?.removed).toBe(1);
    expect(await two.bindings('acme', 'location', 'a')).toEqual([]);
    expect((await two.bindings('acme', 'location', 'c')).length).toBe(1);
  });
});
