// Subscribers shared by several nodes through a real redis-server (started here): a write through one node
// reaches the other node's copy by the invalidation, the quota holds across nodes, a refused entry writes
// nothing, a lost invalidation is caught up by the heartbeat's version check, and without Redis writes
// fail (counted) while the copy keeps answering.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { SharedSubscribers } from '../../src/cluster/shared-subscribers.ts';
import { SubscriberStore } from '../../src/state/index.ts';
import { testLink, useRedis } from './redis-fixture.ts';

const db = useRedis();
let prefix = 0;
const closers: (() => void)[] = [];

function node(p: string, client = db.redis, maxSubscribers = 10) {
  const link = testLink('subscribers', client, 'fail');
  const opened = SubscriberStore.open({ dir: undefined, maxSubscribers, storePasswords: false });
  if (!opened.ok) throw new Error(opened.error);
  const copy = opened.value;
  const shared = new SharedSubscribers(
    { link, prefix: p, tenants: ['acme', 'beta'], maxSubscribers, storePasswords: false },
    copy,
  );
  const has = (user: string, tenant = 'acme') =>
    copy.find(tenant, 'subscriber', user, 'example.com', 'example.com') !== undefined;
  return { link, copy, shared, has };
}

async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!check()) throw new Error(`not reached: ${what}`);
}

const alice = { username: 'alice', domain: 'Example.com', password: 'secret' };

afterAll(async () => {
  for (const close of closers) close();
});

describe('SharedSubscribers', () => {
  it('a subscriber added through one node reaches the other node by the invalidation', async () => {
    const p = `p${++prefix}:`;
    const a = node(p);
    const b = node(p);
    closers.push((await a.shared.start()).close, (await b.shared.start()).close);
    expect((await a.shared.add('acme', 'subscriber', alice)).ok).toBe(true);
    // The writing node's copy has it when the write answers.
    expect(a.has('alice')).toBe(true);
    await until(() => b.has('alice'), 'b sees alice');
    expect(b.has('alice', 'beta')).toBe(false);
    const row = b.copy.find('acme', 'subscriber', 'alice', 'example.com', 'example.com');
    expect(row).toEqual(a.copy.find('acme', 'subscriber', 'alice', 'example.com', 'example.com'));
    expect(row?.password).toBeUndefined();

    const again = await b.shared.add('acme', 'subscriber', alice);
    expect(!again.ok && again.error.code).toBe('exists');
    expect((await b.shared.setPassword('acme', 'subscriber', { ...alice, password: 'other' })).ok).toBe(true);
    await until(
      () => a.copy.find('acme', 'subscriber', 'alice', 'example.com', 'example.com')?.ha1 !== row?.ha1,
      'a sees the new password',
    );
    const listed = a.copy.list('acme', 10, 0)[0];
    expect(listed?.createdAt).toBe(b.copy.list('acme', 10, 0)[0]?.createdAt);

    expect((await b.shared.remove('acme', 'subscriber', 'alice', 'EXAMPLE.com')).ok).toBe(true);
    await until(() => !a.has('alice'), 'a no longer has alice');
    const gone = await a.shared.remove('acme', 'subscriber', 'alice', 'example.com');
    expect(!gone.ok && gone.error.code).toBe('unknown');
  });

  it('holds the quota across nodes and writes nothing of a refused import', async () => {
    const p = `p${++prefix}:`;
    const a = node(p, db.redis, 3);
    const b = node(p, db.redis, 3);
    const user = (name: string) => ({ ...alice, username: name });
    expect((await a.shared.add('acme', 'subscriber', user('u1'))).ok).toBe(true);
    expect((await b.shared.add('acme', 'subscriber', user('u2'))).ok).toBe(true);
    const many = await a.shared.addAll('acme', 'subscriber', [user('u3'), user('u4')], false);
    expect(!many.ok && many.error.code).toBe('quota');
    expect(await db.redis.hlen(`${p}tenant:acme:subscribers`)).toBe(2);
    const dup = await a.shared.addAll('acme', 'subscriber', [user('u3'), user('u1')], false);
    expect(!dup.ok && dup.error).toMatchObject({
      code: 'exists',
      message: expect.stringContaining('entry 2'),
    });
    const replaced = await a.shared.addAll('acme', 'subscriber', [user('u3'), user('u1')], true);
    expect(replaced.ok && replaced.value).toEqual({ added: 1, updated: 1 });
    const over = await b.shared.add('acme', 'subscriber', user('u5'));
    expect(!over.ok && over.error.code).toBe('quota');
    // Another tenant has its own quota.
    expect((await b.shared.add('beta', 'subscriber', user('u5'))).ok).toBe(true);
  });

  it("catches up a tenant whose version changed when an invalidation was missed (the heartbeat's check)", async () => {
    const p = `p${++prefix}:`;
    const a = node(p);
    const b = node(p);
    // b does not follow the channel: only its catch-up can bring the change.
    await b.shared.catchUp(true);
    expect((await a.shared.add('acme', 'subscriber', alice)).ok).toBe(true);
    expect(b.has('alice')).toBe(false);
    await b.shared.catchUp();
    expect(b.has('alice')).toBe(true);
  });

  it('a Redis that lost the table (restarted empty) is refilled from a node’s copy, once', async () => {
    const p = `p${++prefix}:`;
    const a = node(p);
    const b = node(p);
    expect((await a.shared.add('acme', 'subscriber', alice)).ok).toBe(true);
    await b.shared.catchUp(true);
    const before = a.copy.find('acme', 'subscriber', 'alice', 'example.com', 'example.com');
    await db.redis.del(`${p}tenant:acme:subscribers`, `${p}tenant:acme:subscribers:version`);
    await Promise.all([a.shared.catchUp(), b.shared.catchUp()]);
    expect(await db.redis.hlen(`${p}tenant:acme:subscribers`)).toBe(1);
    expect(await db.redis.get(`${p}tenant:acme:subscribers:version`)).toBe('1');
    expect(b.copy.find('acme', 'subscriber', 'alice', 'example.com', 'example.com')).toEqual(before);
    // A table emptied by its admin stays empty: its version says Redis has it.
    expect((await a.shared.remove('acme', 'subscriber', 'alice', 'example.com')).ok).toBe(true);
    await b.shared.catchUp();
    expect(b.has('alice')).toBe(false);
    expect(await db.redis.hlen(`${p}tenant:acme:subscribers`)).toBe(0);
  });

  it('without Redis a write fails (counted) and the copy keeps answering', async () => {
    const p = `p${++prefix}:`;
    const a = node(p);
    expect((await a.shared.add('acme', 'subscriber', alice)).ok).toBe(true);
    const gone = new Redis(1, '127.0.0.1', { enableOfflineQueue: false, lazyConnect: true });
    closers.push(() => gone.disconnect());
    const offline = new SharedSubscribers(
      {
        link: { ...a.link, redis: gone },
        prefix: p,
        tenants: ['acme'],
        maxSubscribers: 10,
        storePasswords: false,
      },
      a.copy,
    );
    const refused = await offline.add('acme', 'subscriber', { ...alice, username: 'bob' });
    expect(!refused.ok && refused.error.code).toBe('unavailable');
    expect(await offline.refresh('acme')).toBe(false);
    expect(a.link.counters.down).toBe(2);
    expect(a.link.counters.cached).toBe(1);
    expect(a.has('alice')).toBe(true);
  });
});
