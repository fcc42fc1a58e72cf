// The permissions address table shared by several nodes through a real redis-server (started here): a row
// added through one node is in the other node's copy (its index answers), ids are the cluster's, the cap
// and duplicates hold across nodes, a Redis that lost the table is refilled, and without Redis a write
// fails (counted) while the copy keeps answering.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { SharedAddresses } from '../../src/cluster/shared-addresses.ts';
import { AddressStore, parseIp } from '../../src/state/index.ts';
import { testLink, useRedis } from './redis-fixture.ts';

const db = useRedis();
let prefix = 0;
const closers: (() => void)[] = [];

function node(p: string, client = db.redis, maxPerTenant = 3) {
  const link = testLink('addresses', client, 'fail');
  const opened = AddressStore.open({ dir: undefined, maxPerTenant });
  if (!opened.ok) throw new Error(opened.error);
  const copy = opened.value;
  const shared = new SharedAddresses({ link, prefix: p, tenants: ['acme', 'beta'], maxPerTenant }, copy);
  const allows = (ip: string, tenant = 'acme') => copy.index(tenant).match(1, parseIp(ip)!, 0) !== undefined;
  return { link, copy, shared, allows };
}

async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!check()) throw new Error(`not reached: ${what}`);
}

afterAll(async () => {
  for (const close of closers) close();
});

describe('SharedAddresses', () => {
  it('a row added through one node is allowed on the other; removed there, refused here', async () => {
    const p = `p${++prefix}:`;
    const a = node(p);
    const b = node(p);
    closers.push((await a.shared.start()).close, (await b.shared.start()).close);
    const added = await a.shared.addMany('acme', [{ group: 1, address: '192.0.2.7/24' }]);
    expect(added.ok && added.value).toEqual([
      { id: 1, group: 1, address: '192.0.2.0/24', port: 0, tag: undefined },
    ]);
    expect(a.allows('192.0.2.9')).toBe(true);
    await until(() => b.allows('192.0.2.9'), 'b allows the range');
    expect(b.allows('192.0.2.9', 'beta')).toBe(false);
    expect(b.copy.list('acme')).toEqual(a.copy.list('acme'));
    // Another tenant's row takes the next id: ids are one sequence, as in a node's SQLite table.
    const other = await b.shared.addMany('beta', [{ group: 1, address: '198.51.100.1' }]);
    expect(other.ok && other.value[0]?.id).toBe(2);
    const removed = await b.shared.remove('acme', 1);
    expect(removed.ok && removed.value).toBe(true);
    await until(() => !a.allows('192.0.2.9'), 'a refuses the range');
    const again = await a.shared.remove('acme', 1);
    expect(again.ok && again.value).toBe(false);
  });

  it('holds the cap and refuses duplicates across nodes, writing nothing of a refused import', async () => {
    const p = `p${++prefix}:`;
    const a = node(p);
    const b = node(p);
    expect((await a.shared.addMany('acme', [{ group: 1, address: '10.0.0.1' }])).ok).toBe(true);
    const dup = await b.shared.addMany('acme', [
      { group: 1, address: '10.0.0.2' },
      { group: 1, address: '10.0.0.1', port: 0 },
    ]);
    expect(!dup.ok && dup.error).toMatchObject({ code: 'duplicate', index: 1 });
    const full = await b.shared.addMany('acme', [
      { group: 1, address: '10.0.0.2' },
      { group: 1, address: '10.0.0.3' },
      { group: 1, address: '10.0.0.4' },
    ]);
    expect(!full.ok && full.error.code).toBe('full');
    expect(await db.redis.hlen(`${p}tenant:acme:addresses`)).toBe(1);
    const invalid = await b.shared.addMany('acme', [{ group: 1, address: '10.0.0.300' }]);
    expect(!invalid.ok && invalid.error.code).toBe('invalid');
  });

  it('a Redis that lost the table is refilled from a node’s copy, ids and counter kept', async () => {
    const p = `p${++prefix}:`;
    const a = node(p);
    const b = node(p);
    expect(
      (
        await a.shared.addMany('acme', [
          { group: 1, address: '10.0.0.1' },
          { group: 2, address: '10.0.0.2' },
        ])
      ).ok,
    ).toBe(true);
    await b.shared.catchUp(true);
    await db.redis.del(
      `${p}tenant:acme:addresses`,
      `${p}tenant:acme:addresses:version`,
      `${p}addresses:last-id`,
    );
    await b.shared.catchUp();
    expect(await db.redis.hlen(`${p}tenant:acme:addresses`)).toBe(2);
    expect(await db.redis.get(`${p}addresses:last-id`)).toBe('2');
    await a.shared.catchUp();
    expect(a.copy.list('acme').map((r) => r.id)).toEqual([1, 2]);
    const next = await a.shared.addMany('acme', [{ group: 1, address: '10.0.0.3' }]);
    expect(next.ok && next.value[0]?.id).toBe(3);
  });

  it('without Redis a write fails (counted) and the copy keeps answering', async () => {
    const p = `p${++prefix}:`;
    const a = node(p);
    expect((await a.shared.addMany('acme', [{ group: 1, address: '192.0.2.1' }])).ok).toBe(true);
    const gone = new Redis(1, '127.0.0.1', { enableOfflineQueue: false, lazyConnect: true });
    closers.push(() => gone.disconnect());
    const offline = new SharedAddresses(
      { link: { ...a.link, redis: gone }, prefix: p, tenants: ['acme'], maxPerTenant: 3 },
      a.copy,
    );
    const refused = await offline.addMany('acme', [{ group: 1, address: '192.0.2.2' }]);
    expect(!refused.ok && refused.error.code).toBe('unavailable');
    expect(await offline.refresh('acme')).toBe(false);
    expect(a.link.counters.down).toBe(2);
    expect(a.allows('192.0.2.1')).toBe(true);
  });
});
