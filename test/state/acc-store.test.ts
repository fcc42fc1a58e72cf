import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AccRecord, AccStore } from '../../src/state/index.ts';

const record = (callId: string, time = 1_000): AccRecord => ({
  method: 'INVITE',
  fromTag: 'ft',
  toTag: 'tt',
  callId,
  sipCode: '200',
  sipReason: 'OK',
  time,
  extra: { src_user: 'al\xc3\xadce', long: 'x'.repeat(400) },
});

const open = (dir: string | undefined, maxRowsPerTenant = 10) => {
  const s = AccStore.open({ dir, maxRowsPerTenant });
  if (!s.ok) throw new Error(s.error);
  return s.value;
};

describe('AccStore', () => {
  it('keeps records per tenant and table, UTF-8 text, values cut at 255 octets, filtered by time', () => {
    const store = open(undefined);
    store.write('a', 'acc', record('c1', 1_000));
    store.write('a', 'acc', record('c2', 2_000));
    store.write('a', 'missed_calls', record('c3'));
    store.write('b', 'acc', record('c4'));
    const rows = store.list('a', { table: 'acc', limit: 10, offset: 0 });
    expect(rows.map((r) => r.callid)).toEqual(['c1', 'c2']);
    expect(rows[0].extra.src_user).toBe('alíce');
    expect(rows[0].extra.long).toHaveLength(255);
    expect(rows[0].time).toBe('1970-01-01T00:00:01.000Z');
    expect(
      store.list('a', { table: 'acc', limit: 10, offset: 0, since: 1_500 }).map((r) => r.callid),
    ).toEqual(['c2']);
    expect(store.list('b', { table: 'missed_calls', limit: 10, offset: 0 })).toEqual([]);
    store.close();
  });

  it('persists in acc.db and counts the cap from what is stored after a restart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kemi-acc-store-'));
    const first = open(dir, 2);
    expect(first.write('a', 'acc', record('c1'))).toBe(true);
    expect(first.write('a', 'acc', record('c2'))).toBe(true);
    expect(first.write('a', 'acc', record('c3'))).toBe(false);
    first.close();
    const again = open(dir, 2);
    expect(again.count('a')).toBe(2);
    expect(again.write('a', 'acc', record('c4'))).toBe(false);
    expect(again.refused).toEqual({ a: 1 });
    expect(again.list('a', { table: 'acc', limit: 10, offset: 0 }).map((r) => r.callid)).toEqual([
      'c1',
      'c2',
    ]);
    again.close();
    // A transaction ending while the server stops: refused, nothing thrown.
    expect(again.write('b', 'acc', record('c5'))).toBe(false);
    again.close();
  });
});
