// The cluster store's Lua scripts against a real redis-server (started here on a free loopback port,
// without persistence, stopped by PID): cluster-wide numbers under concurrent uploads, activations that
// expected another current one refused, the history a rollback walks, blobs removed with their last
// version, and a Redis that lost its data filled again from one node only.
import { describe, expect, it } from 'vitest';
import { clusterKeys } from '../../src/cluster/cluster-keys.ts';
import { ClusterStore } from '../../src/cluster/cluster-store.ts';
import { useRedis } from './redis-fixture.ts';

const db = useRedis();
let prefix = 0;

/** A store under a prefix of its own: every test starts from an empty cluster. */
function store(node = 'node-1'): ClusterStore {
  const p = `t${++prefix}:`;
  return new ClusterStore(db.redis, clusterKeys(p), p, node);
}

const version = (sha: string) => ({
  sha256: sha,
  size: 3,
  world: 'kemi:ksr/script@0.1.0',
  createdBy: 'test',
});

describe('ClusterStore', () => {
  it('numbers concurrent uploads of one tenant 1..N, each once', async () => {
    const s = store();
    await s.putBlob('a'.repeat(64), new Uint8Array([1, 2, 3]));
    const numbers = await Promise.all(
      Array.from({ length: 20 }, () => s.recordVersion('acme', version('a'.repeat(64)), undefined)),
    );
    expect(numbers.map((n) => n.version).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(await s.versionNumbers('acme')).toHaveLength(20);
    expect((await s.actives(['acme'])).get('acme')).toBeUndefined();
  });

  it('refuses to record a version whose blob is not stored', async () => {
    const s = store();
    await expect(s.recordVersion('acme', version('b'.repeat(64)), 'activate')).rejects.toThrow(
      /blob-missing/,
    );
  });

  it('activates with the record, publishes the activation, and an initial import only when none is active', async () => {
    const s = store();
    const sha = 'c'.repeat(64);
    await s.putBlob(sha, new Uint8Array([1, 2, 3]));
    const sub = db.redis.duplicate();
    const events: string[] = [];
    sub.on('message', (_c: string, m: string) => events.push(m));
    const keys = clusterKeys(`t${prefix}:`);
    await sub.subscribe(keys.events);
    const first = await s.recordVersion('acme', version(sha), 'initial');
    expect(first.activation).toMatchObject({
      id: 1,
      version: 1,
      kind: 'initial',
      previous: null,
      node: 'node-1',
    });
    const second = await s.recordVersion('acme', version(sha), 'initial');
    expect(second).toEqual({ version: 2, activation: null });
    const third = await s.recordVersion('acme', version(sha), 'activate');
    expect(third.activation).toMatchObject({ id: 2, version: 3, previous: 1 });
    for (let i = 0; i < 50 && events.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(events.map((e) => JSON.parse(e).version)).toEqual([1, 3]);
    sub.disconnect();
  });

  it('an activation based on another current one is refused; unknown versions too', async () => {
    const s = store();
    const sha = 'd'.repeat(64);
    await s.putBlob(sha, new Uint8Array([1, 2, 3]));
    await s.recordVersion('acme', version(sha), 'activate');
    await s.recordVersion('acme', version(sha), undefined);
    expect(await s.activate('acme', 9, 'activate', 'op')).toEqual({ ok: false, error: 'unknown-version' });
    expect(await s.activate('acme', 2, 'rollback', 'op', { expected: 7 })).toEqual({
      ok: false,
      error: 'conflict',
    });
    const moved = await s.activate('acme', 2, 'activate', 'op', { expected: 1 });
    expect(moved.ok && moved.activation).toMatchObject({ id: 2, version: 2, previous: 1 });
    const back = await s.activate('acme', 1, 'rollback', 'op', { expected: 2, previous: null });
    expect(back.ok && back.activation).toMatchObject({ id: 3, version: 1, previous: null, kind: 'rollback' });
    expect((await s.actives(['acme'])).get('acme')?.id).toBe(3);
    expect(await s.activation('acme', 2)).toMatchObject({ version: 2 });
  });

  it('removes a blob with the last version that names it', async () => {
    const s = store();
    const sha = 'e'.repeat(64);
    await s.putBlob(sha, new Uint8Array([1, 2, 3]));
    await s.recordVersion('acme', version(sha), undefined);
    await s.recordVersion('other', version(sha), undefined);
    await s.prune('acme', 1);
    expect(await s.blob(sha)).toEqual(Buffer.from([1, 2, 3]));
    await s.prune('other', 1);
    expect(await s.blob(sha)).toBeNull();
    expect(await s.versionNumbers('acme')).toEqual([]);
  });

  it('fills an empty tenant from one node only, numbering on after its highest version', async () => {
    const s = store('node-a');
    const sha = 'f'.repeat(64);
    const records = [5, 7].map((v) => ({ ...version(sha), version: v, createdAt: 'x', node: 'reseed' }));
    const blobs = new Map([[sha, new Uint8Array([1, 2, 3])]]);
    const filled = await s.reseed('acme', records, blobs, 7);
    expect(filled).toMatchObject({ version: 7, kind: 'activate', node: 'node-a', previous: null });
    expect(await s.reseed('acme', records, blobs, 5)).toBeUndefined();
    expect((await s.actives(['acme'])).get('acme')?.version).toBe(7);
    expect((await s.recordVersion('acme', version(sha), undefined)).version).toBe(8);
  });

  it('shares the first pin key set', async () => {
    const s = store();
    expect(await s.pinKey('11'.repeat(32))).toBe('11'.repeat(32));
    expect(await s.pinKey('22'.repeat(32))).toBe('11'.repeat(32));
  });
});
