// An htable kept in a real redis-server (started here on a free loopback port, stopped by PID): two
// instances on one base are two nodes sharing the table. Values and caps as the embedded table, one
// counter for both nodes under concurrent increments, the item cap across nodes, autoexpire as Redis TTLs,
// pattern removal that keeps a value another node rewrote, and what `unavailable` does when Redis is gone
// or too slow (fail, or this node's cache), counted.
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { HTABLE_DEFAULTS, type HtableSpec } from '../../src/state/htable.ts';
import { RedisHtable } from '../../src/state/redis-htable.ts';
import type { Unavailable } from '../../src/state/shared-store.ts';
import { testLink, useRedis } from '../cluster/redis-fixture.ts';

const db = useRedis();
let base = 0;
const lines: { msg: string; logCause?: string }[] = [];
const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });

const link = (client: Redis, unavailable: Unavailable = 'fail', timeoutMs = 2000) =>
  testLink('htable', client, unavailable, { log, timeoutMs });

/** Two nodes' views of one new table (its own key prefix), and what each refused. */
function nodes(over: Partial<HtableSpec> = {}, linkA = link(db.redis), linkB = link(db.redis)) {
  const spec = { ...HTABLE_DEFAULTS, ...over };
  const prefix = `t${++base}:tenant:acme:htable:calls:`;
  const refused: string[] = [];
  const count = (r: string) => refused.push(r);
  const a = new RedisHtable('calls', spec, prefix, linkA, Date.now, count);
  const b = new RedisHtable('calls', spec, prefix, linkB, Date.now, count);
  return { a, b, prefix, refused };
}

describe('RedisHtable', () => {
  it('keeps strings and integers as the embedded table: set replaces, remove, add from initval, s32 wraps', async () => {
    const { a, b, refused } = nodes({ initval: 10 });
    expect(await a.get('x')).toBeUndefined();
    expect(await a.set('x', 'text')).toEqual({ ok: true, value: undefined });
    expect(await b.get('x')).toBe('text');
    expect(await b.set('x', 7)).toMatchObject({ ok: true });
    expect(await a.get('x')).toBe(7);
    expect(await a.add('n', 1)).toEqual({ ok: true, value: 11 });
    expect(await b.add('n', -3)).toEqual({ ok: true, value: 8 });
    await a.set('s', 'str');
    expect(await b.add('s', 1)).toMatchObject({ ok: false, error: { code: 'not-integer' } });
    await a.set('max', 0x7fffffff);
    expect(await b.add('max', 1)).toEqual({ ok: true, value: -0x80000000 });
    expect(await b.remove('x')).toBe(true);
    expect(await a.remove('x')).toBe(false);
    expect(await a.get('x')).toBeUndefined();
    expect(refused).toEqual(['not-integer']);
  });

  it('keeps keys and values as bytes (octets above 0x7f, an empty string)', async () => {
    const { a, b } = nodes();
    const key = 'k\u00e9\u00ff\u0000';
    const value = '\u00c3\u00a9\u0001';
    await a.set(key, value);
    await a.set('empty', '');
    expect(await b.get(key)).toBe(value);
    expect(await b.get('empty')).toBe('');
  });

  it('counts one value for both nodes under concurrent increments', async () => {
    const { a, b } = nodes();
    const adds = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? a : b).add('acme', 1));
    const values = (await Promise.all(adds)).map((r) => (r.ok ? r.value : Number.NaN));
    // Every increment saw its own value: none was lost or counted twice.
    expect(values.sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(await a.get('acme')).toBe(200);
    const down = await Promise.all(Array.from({ length: 50 }, () => b.add('acme', -1)));
    expect(down.every((r) => r.ok)).toBe(true);
    expect(await a.get('acme')).toBe(150);
  });

  it('holds the item cap across nodes; a key written again is not a new item; sizes refused here', async () => {
    const { a, b, refused } = nodes({ maxItems: 3, maxKeyBytes: 4, maxValueBytes: 3 });
    expect((await a.set('k1', 1)).ok).toBe(true);
    expect((await b.set('k2', 1)).ok).toBe(true);
    expect((await a.add('k3', 1)).ok).toBe(true);
    expect(await b.set('k4', 1)).toMatchObject({ ok: false, error: { code: 'items' } });
    expect(await a.add('k4', 1)).toMatchObject({ ok: false, error: { code: 'items' } });
    expect((await b.set('k1', 2)).ok).toBe(true);
    expect(await a.set('long-key', 1)).toMatchObject({ ok: false, error: { code: 'key-bytes' } });
    expect(await a.set('k1', 'long')).toMatchObject({ ok: false, error: { code: 'value-bytes' } });
    await b.remove('k2');
    expect((await a.set('k4', 1)).ok).toBe(true);
    expect(refused).toEqual(['items', 'items', 'key-bytes', 'value-bytes']);
  });

  it('autoexpire is a Redis TTL renewed by every write; an expired item frees its place', async () => {
    const { a, b, prefix } = nodes({ autoexpire: 1, maxItems: 1 });
    await a.add('n', 1);
    const ttl = await db.redis.pttl(`${prefix}item:n`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1000);
    expect(await db.redis.pttl(`${prefix}index`)).toBeGreaterThan(0);
    expect(await b.set('m', 1)).toMatchObject({ ok: false, error: { code: 'items' } });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await b.get('n')).toBeUndefined();
    expect((await b.set('m', 'new')).ok).toBe(true);
    // Without autoexpire an item stays.
    const { a: c, prefix: p2 } = nodes();
    await c.set('n', 1);
    expect(await db.redis.pttl(`${p2}item:n`)).toBe(-1);
  });

  it('removes by key or value pattern, reset empties, someKey sees the other node’s keys', async () => {
    const { a, b } = nodes();
    await a.set('user:1', 'alice');
    await a.set('user:2', 'bob');
    await b.set('gw:1', 'alice');
    await b.set('n', 5);
    expect(await a.someKey((k) => k.startsWith('gw:'))).toBe(true);
    expect(await a.removeWhere((k) => k.startsWith('user:'), false)).toBe(2);
    expect(await b.get('user:1')).toBeUndefined();
    expect(await b.removeWhere((_, v) => v === 'alice', true)).toBe(1);
    expect(await a.get('gw:1')).toBeUndefined();
    expect(await a.get('n')).toBe(5);
    expect(await a.someKey((k) => k.startsWith('gw:'))).toBe(false);
    expect(await b.reset()).toBe(true);
    expect(await a.get('n')).toBeUndefined();
    expect(await a.someKey(() => true)).toBe(false);
  });

  it("unavailable = 'fail': a node without Redis fails each operation, counted and logged once per cause", async () => {
    const gone = new Redis(db.server.port + 1 === 65536 ? 1 : db.server.port + 1, '127.0.0.1', {
      enableOfflineQueue: false,
      lazyConnect: true,
    });
    const failing = link(gone, 'fail');
    const { a, refused } = nodes({}, failing);
    expect(await a.get('x')).toBeUndefined();
    expect(await a.set('x', 1)).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(await a.add('x', 1)).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(await a.remove('x')).toBeUndefined();
    expect(await a.reset()).toBe(false);
    expect(await a.someKey(() => true)).toBeUndefined();
    expect(failing.counters).toEqual({ down: 6, timeout: 0, error: 0, cached: 0 });
    expect(refused).toEqual(['unavailable', 'unavailable']);
    expect(lines.filter((l) => l.logCause === 'cluster-store-htable-down').length).toBeGreaterThan(0);
    gone.disconnect();
  });

  it("unavailable = 'cache': without Redis a node answers from the items it last read or wrote", async () => {
    const own = new Redis(db.server.url, { enableOfflineQueue: false });
    await new Promise((resolve) => own.once('ready', resolve));
    const caching = link(own, 'cache');
    const { a, b } = nodes({}, caching);
    await b.set('seen', 'by-b');
    expect(await a.get('seen')).toBe('by-b');
    expect(await a.add('calls', 1)).toEqual({ ok: true, value: 1 });
    own.disconnect();
    expect(await a.get('seen')).toBe('by-b');
    expect(await a.add('calls', 1)).toEqual({ ok: true, value: 2 });
    expect(caching.counters).toMatchObject({ down: 2, cached: 2 });
    // The other node, still on Redis, never saw the increment made here while Redis was away.
    expect(await b.get('calls')).toBe(1);
  });

  it('a Redis slower than the timeout fails the operation (timeout counted)', async () => {
    const slow = link(db.redis, 'fail', 100);
    const { a } = nodes({}, slow);
    const pauser = new Redis(db.server.url);
    await pauser.client('PAUSE', 600, 'ALL');
    expect(await a.add('x', 1)).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(slow.counters.timeout).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 700));
    pauser.disconnect();
  });

  it('loads its scripts again into a Redis that forgot them (SCRIPT FLUSH, a restart)', async () => {
    const { a, b } = nodes();
    expect((await a.add('n', 1)).ok).toBe(true);
    await db.redis.script('FLUSH');
    expect(await b.add('n', 1)).toEqual({ ok: true, value: 2 });
  });
});
