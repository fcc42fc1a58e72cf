// The location store: bindings by (tenant, table, aor), order, expiry with an injected clock, the sweep,
// the caps, and persistence across a reopen of the same data dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { type Binding, LocationStore, sweepExpired } from '../../src/state/index.ts';

const opened: LocationStore[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(dir: string | undefined, clock: { t: number }): LocationStore {
  const r = LocationStore.open({ dir, now: () => clock.t });
  if (!r.ok) throw new Error(r.error);
  opened.push(r.value);
  return r.value;
}

const LIMITS = { maxContacts: 10, maxBindings: 100 };

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

describe('LocationStore', () => {
  it('keys bindings by tenant, table and AoR', () => {
    const clock = { t: 1_000_000 };
    const s = open(undefined, clock);
    expect(
      s.apply('a', 'location', 'bob@x', { remove: [], put: [binding('sip:b@1', clock.t)] }, LIMITS).ok,
    ).toBe(true);
    expect(s.bindings('a', 'location', 'bob@x').map((b) => b.contact)).toEqual(['sip:b@1']);
    expect(s.bindings('b', 'location', 'bob@x')).toEqual([]);
    expect(s.bindings('a', 'other', 'bob@x')).toEqual([]);
    expect(s.count('a')).toBe(1);
    expect(s.count('b')).toBe(0);
  });

  it('orders by falling q (unspecified last), then the newest refresh', () => {
    const clock = { t: 1_000_000 };
    const s = open(undefined, clock);
    const put = [
      binding('sip:none@1', clock.t),
      binding('sip:low@1', clock.t, { q: 0.1 }),
      binding('sip:high-old@1', clock.t - 5, { q: 0.9 }),
      binding('sip:high-new@1', clock.t, { q: 0.9 }),
      binding('sip:one@1', clock.t, { q: 1 }),
    ];
    s.apply('a', 'location', 'bob@x', { remove: [], put }, LIMITS);
    expect(s.bindings('a', 'location', 'bob@x').map((b) => [b.contact, b.q])).toEqual([
      ['sip:one@1', 1],
      ['sip:high-new@1', 0.9],
      ['sip:high-old@1', 0.9],
      ['sip:low@1', 0.1],
      ['sip:none@1', undefined],
    ]);
  });

  it('never returns nor counts an expired binding; only the sweep removes it from location.db', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kemi-location-'));
    dirs.push(dir);
    const clock = { t: 1_000_000 };
    const s = open(dir, clock);
    const rows = () => {
      const db = new DatabaseSync(join(dir, 'location.db'));
      const n = (db.prepare('SELECT count(*) AS n FROM bindings').get() as { n: number }).n;
      db.close();
      return n;
    };
    s.apply(
      'a',
      'location',
      'bob@x',
      {
        remove: [],
        put: [
          binding('sip:short@1', clock.t, { expiresAt: clock.t + 10_000 }),
          binding('sip:long@1', clock.t, { expiresAt: clock.t + 100_000 }),
        ],
      },
      LIMITS,
    );
    clock.t += 10_000;
    expect(s.bindings('a', 'location', 'bob@x').map((b) => b.contact)).toEqual(['sip:long@1']);
    expect(s.count('a')).toBe(1);
    expect(s.countsByTenant()).toEqual({ a: 1 });
    expect(s.pingBatch('a', 0, 10).map((p) => p.contact)).toEqual(['sip:long@1']);
    // Read, yet still stored: a lookup writes nothing.
    expect(rows()).toBe(2);
    clock.t += 90_000;
    expect(s.bindings('a', 'location', 'bob@x')).toEqual([]);
    expect(s.count('a')).toBe(0);
    expect(s.countsByTenant()).toEqual({});
    expect(rows()).toBe(2);
    expect(s.sweep()).toBe(2);
    expect(rows()).toBe(0);
    expect(s.sweep()).toBe(0);
  });

  it('an expired binding does not count against max_contacts, and a REGISTER of its contact renews it', () => {
    const clock = { t: 1_000_000 };
    const s = open(undefined, clock);
    const one = { maxContacts: 1, maxBindings: 100 };
    const put = (contact: string) =>
      s.apply('a', 'location', 'bob@x', { remove: [], put: [binding(contact, clock.t)] }, one);
    expect(put('sip:old@1').ok).toBe(true);
    clock.t += 60_000;
    expect(put('sip:new@1').ok).toBe(true);
    expect(s.bindings('a', 'location', 'bob@x').map((b) => b.contact)).toEqual(['sip:new@1']);
    clock.t += 60_000;
    expect(put('sip:new@1').ok).toBe(true);
    expect(s.bindings('a', 'location', 'bob@x').map((b) => [b.contact, b.expiresAt])).toEqual([
      ['sip:new@1', clock.t + 60_000],
    ]);
    expect(s.sweep()).toBe(1);
  });

  it('sweeps expired bindings of every tenant in bounded batches', () => {
    const clock = { t: 1_000_000 };
    const s = open(undefined, clock);
    for (const tenant of ['a', 'b'])
      for (let i = 0; i < 5; i++)
        s.apply(
          tenant,
          'location',
          `u${i}@x`,
          { remove: [], put: [binding(`sip:u${i}@1`, clock.t)] },
          LIMITS,
        );
    s.apply(
      'a',
      'location',
      'keep@x',
      { remove: [], put: [binding('sip:k@1', clock.t, { expiresAt: clock.t + 1e9 })] },
      LIMITS,
    );
    clock.t += 60_000;
    expect(s.sweep(4)).toBe(4);
    expect(s.sweep(4)).toBe(4);
    expect(s.sweep(4)).toBe(2);
    expect(s.sweep(4)).toBe(0);
    expect(s.count('a')).toBe(1);
  });

  it('a sweep pass drains the expired bindings batch after batch, up to its bound of batches', async () => {
    const clock = { t: 1_000_000 };
    const s = open(undefined, clock);
    const many = { maxContacts: 10, maxBindings: 10_000 };
    for (let i = 0; i < 25; i++)
      s.apply('a', 'location', `u${i}@x`, { remove: [], put: [binding(`sip:u${i}@1`, clock.t)] }, many);
    s.apply(
      'a',
      'location',
      'keep@x',
      { remove: [], put: [binding('sip:k@1', clock.t, { expiresAt: clock.t + 1e9 })] },
      many,
    );
    clock.t += 60_000;
    // Bounded: two batches of 10, the rest left for the next pass.
    expect(await sweepExpired(s, 10, 2)).toBe(20);
    expect(await sweepExpired(s, 10, 100)).toBe(5);
    expect(await sweepExpired(s, 10, 100)).toBe(0);
    expect(s.count('a')).toBe(1);
  });

  it('refuses a change over max_contacts or max_bindings and changes nothing', () => {
    const clock = { t: 1_000_000 };
    const s = open(undefined, clock);
    const limits = { maxContacts: 2, maxBindings: 3 };
    const two = [binding('sip:1@1', clock.t), binding('sip:2@1', clock.t)];
    expect(s.apply('a', 'location', 'bob@x', { remove: [], put: two }, limits).ok).toBe(true);
    const over = s.apply(
      'a',
      'location',
      'bob@x',
      { remove: [], put: [binding('sip:3@1', clock.t)] },
      limits,
    );
    expect(over).toEqual({
      ok: false,
      error: {
        code: 'aor-full',
        message: 'the AoR bob@x has 2 bindings, the limit is 2 (max_contacts)',
        count: 2,
        limit: 2,
      },
    });
    // Replacing one keeps the count: allowed.
    const swap = s.apply(
      'a',
      'location',
      'bob@x',
      { remove: ['sip:1@1'], put: [binding('sip:3@1', clock.t)] },
      limits,
    );
    expect(swap.ok && swap.value.map((b) => b.contact).sort()).toEqual(['sip:2@1', 'sip:3@1']);
    expect(
      s.apply('a', 'location', 'ann@x', { remove: [], put: [binding('sip:a@1', clock.t)] }, limits).ok,
    ).toBe(true);
    const full = s.apply('a', 'other', 'eve@x', { remove: [], put: [binding('sip:e@1', clock.t)] }, limits);
    expect(full).toEqual({
      ok: false,
      error: {
        code: 'tenant-full',
        message: 'tenant a has 3 bindings, the limit is 3 (max_bindings)',
        count: 3,
        limit: 3,
      },
    });
    expect(s.bindings('a', 'other', 'eve@x')).toEqual([]);
    // Another tenant has its own quota.
    expect(
      s.apply('b', 'other', 'eve@x', { remove: [], put: [binding('sip:e@1', clock.t)] }, limits).ok,
    ).toBe(true);
    // Expired bindings do not count.
    clock.t += 60_000;
    expect(
      s.apply('a', 'other', 'eve@x', { remove: [], put: [binding('sip:e@1', clock.t)] }, limits).ok,
    ).toBe(true);
  });

  it('removes an AoR', () => {
    const clock = { t: 1_000_000 };
    const s = open(undefined, clock);
    s.apply(
      'a',
      'location',
      'bob@x',
      { remove: [], put: [binding('sip:1@1', clock.t), binding('sip:2@1', clock.t)] },
      LIMITS,
    );
    s.apply('b', 'location', 'bob@x', { remove: [], put: [binding('sip:1@1', clock.t)] }, LIMITS);
    expect(s.removeAor('a', 'location', 'bob@x')).toBe(2);
    expect(s.bindings('a', 'location', 'bob@x')).toEqual([]);
    expect(s.bindings('b', 'location', 'bob@x')).toHaveLength(1);
  });

  it('keeps bindings in location.db across a reopen of the data dir', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kemi-location-'));
    dirs.push(dir);
    const clock = { t: 1_000_000 };
    const first = open(dir, clock);
    expect(first.where).toBe(dir);
    first.apply(
      'a',
      'location',
      'bob@x',
      { remove: [], put: [binding('sip:b@1', clock.t, { q: 0.5, userAgent: 'ua' })] },
      LIMITS,
    );
    first.close();
    const again = open(dir, clock);
    expect(again.bindings('a', 'location', 'bob@x')).toEqual([
      binding('sip:b@1', clock.t, { q: 0.5, userAgent: 'ua' }),
    ]);
  });

  it('keeps received, path and methods, and adds their columns to a location.db written before them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kemi-location-old-'));
    dirs.push(dir);
    const old = new DatabaseSync(join(dir, 'location.db'));
    old.exec(`CREATE TABLE bindings (tenant TEXT NOT NULL, tbl TEXT NOT NULL, aor TEXT NOT NULL,
      contact TEXT NOT NULL, q INTEGER, expires_at INTEGER NOT NULL, call_id TEXT NOT NULL,
      cseq INTEGER NOT NULL, source TEXT NOT NULL, user_agent TEXT, updated_at INTEGER NOT NULL,
      PRIMARY KEY (tenant, tbl, aor, contact))`);
    old.exec(`INSERT INTO bindings VALUES ('a', 'location', 'bob@x', 'sip:bob@10.0.0.1', NULL, 9e15, 'c', 1,
      'udp:10.0.0.1:5060', NULL, 1)`);
    old.close();
    const clock = { t: 1_000 };
    const store = open(dir, clock);
    expect(store.bindings('a', 'location', 'bob@x').map((b) => b.contact)).toEqual(['sip:bob@10.0.0.1']);
    const extra = { received: 'sip:203.0.113.7:4000', path: '<sip:edge;lr>', methods: 'INVITE,ACK' };
    expect(
      store.apply(
        'a',
        'location',
        'bob@x',
        { remove: [], put: [binding('sip:bob@10.0.0.2', 1_000, extra)] },
        LIMITS,
      ).ok,
    ).toBe(true);
    const got = store.bindings('a', 'location', 'bob@x').find((b) => b.contact === 'sip:bob@10.0.0.2');
    expect(got).toMatchObject(extra);
  });
});
