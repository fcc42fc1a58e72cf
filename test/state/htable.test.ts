// The htable store: values, expiry on an injected clock, the caps and what they count, tenants apart.
import { describe, expect, it } from 'vitest';
import { HTABLE_DEFAULTS, Htable, type HtableSpec, HtableStore } from '../../src/state/htable.ts';

function table(over: Partial<HtableSpec> = {}) {
  const clock = { now: 1_000_000 };
  const refused: string[] = [];
  const t = new Htable(
    't',
    { ...HTABLE_DEFAULTS, ...over },
    () => clock.now,
    (r) => refused.push(r),
  );
  return { t, clock, refused };
}

describe('Htable', () => {
  it('keeps strings and integers; set replaces, remove and reset empty', () => {
    const { t } = table();
    expect(t.get('a')).toBeUndefined();
    expect(t.set('a', 'x')).toEqual({ ok: true, value: undefined });
    expect(t.set('b', 7).ok).toBe(true);
    expect([t.get('a'), t.get('b')]).toEqual(['x', 7]);
    t.set('a', 3);
    expect(t.get('a')).toBe(3);
    expect(t.remove('a')).toBe(true);
    expect(t.remove('a')).toBe(false);
    t.reset();
    expect(t.size).toBe(0);
  });

  it('add: a missing item starts at initval, a string item is refused, s32 wraps', () => {
    const { t, refused } = table({ initval: 10 });
    expect(t.add('n', 1)).toEqual({ ok: true, value: 11 });
    expect(t.add('n', -3)).toEqual({ ok: true, value: 8 });
    t.set('s', 'text');
    expect(t.add('s', 1)).toMatchObject({ ok: false, error: { code: 'not-integer' } });
    expect(t.get('s')).toBe('text');
    t.set('max', 0x7fffffff);
    expect(t.add('max', 1)).toEqual({ ok: true, value: -0x80000000 });
    expect(refused).toEqual(['not-integer']);
  });

  it('autoexpire: an item is gone autoexpire seconds after its last write', () => {
    const { t, clock } = table({ autoexpire: 60 });
    t.set('a', 'x');
    clock.now += 30_000;
    t.set('b', 'y');
    clock.now += 29_999;
    expect(t.get('a')).toBe('x');
    clock.now += 1;
    expect(t.get('a')).toBeUndefined(); // lazily, on read
    expect(t.get('b')).toBe('y');
    clock.now += 30_000;
    expect(t.get('b')).toBeUndefined();
  });

  it('a write refreshes the expiry and moves the item back in the sweep order', () => {
    const { t, clock } = table({ autoexpire: 10 });
    t.set('a', 1);
    t.set('b', 2);
    clock.now += 5_000;
    t.set('a', 3);
    clock.now += 5_000;
    expect(t.sweep()).toBe(1); // b expired; a was rewritten at +5 s
    expect([t.get('a'), t.get('b')]).toEqual([3, undefined]);
  });

  it('writes sweep expired items in bounded batches, and all of them before refusing at the cap', () => {
    const { t, clock, refused } = table({ autoexpire: 1, maxItems: 100 });
    for (let i = 0; i < 100; i++) t.set(`k${i}`, i);
    expect(t.set('one-more', 1)).toMatchObject({ ok: false, error: { code: 'items' } });
    clock.now += 1_000;
    expect(t.set('fresh', 1).ok).toBe(true); // at the cap: every expired item swept first
    expect(t.size).toBe(1);
    for (let i = 0; i < 40; i++) t.set(`x${i}`, i);
    clock.now += 1_000;
    t.set('y', 1);
    expect(t.size).toBe(41 - 16 + 1); // one write sweeps 16 expired items
    expect(refused).toEqual(['items']);
  });

  it('caps keys, values and items; replacing an item at the cap is allowed', () => {
    const { t, refused } = table({ maxItems: 2, maxKeyBytes: 4, maxValueBytes: 3 });
    expect(t.set('12345', 'v')).toMatchObject({ ok: false, error: { code: 'key-bytes' } });
    expect(t.set('k', 'long')).toMatchObject({
      ok: false,
      error: { code: 'value-bytes', message: "value of 4 bytes refused by htable 't': the limit is 3" },
    });
    expect(t.set('k', 2 ** 30).ok).toBe(true); // integers are not value bytes
    expect(t.set('l', 'abc').ok).toBe(true);
    expect(t.set('m', 'abc')).toMatchObject({
      ok: false,
      error: { code: 'items', message: "htable 't' is full: 2 items" },
    });
    expect(t.set('l', 'xyz').ok).toBe(true);
    expect(t.add('m', 1)).toMatchObject({ ok: false, error: { code: 'items' } });
    expect(refused).toEqual(['key-bytes', 'value-bytes', 'items', 'items']);
  });

  it('removeWhere and someKey see only live items', () => {
    const { t, clock } = table({ autoexpire: 10 });
    t.set('old', 'x');
    clock.now += 10_000;
    t.set('new', 'x');
    expect(t.someKey((k) => k === 'old')).toBe(false);
    expect(t.removeWhere(() => true)).toBe(1);
    expect(t.size).toBe(0);
  });
});

describe('HtableStore', () => {
  it('gives each tenant its own tables: the same name is two tables', () => {
    const spec = { ...HTABLE_DEFAULTS };
    const store = new HtableStore({ a: { t: spec }, b: { t: spec, only_b: spec } });
    store.tenant('a')!.table('t')!.set('k', 'of a');
    store.tenant('b')!.table('t')!.set('k', 'of b');
    expect(store.tenant('a')!.table('t')!.get('k')).toBe('of a');
    expect(store.tenant('b')!.table('t')!.get('k')).toBe('of b');
    expect(store.tenant('a')!.table('only_b')).toBeUndefined();
    expect(store.tenant('c')).toBeUndefined();
    expect(store.tenant(undefined)).toBeUndefined();
  });

  it('counts refusals per tenant', () => {
    const store = new HtableStore({
      a: { t: { ...HTABLE_DEFAULTS, maxItems: 1 } },
      b: { t: HTABLE_DEFAULTS },
    });
    const t = store.tenant('a')!.table('t')!;
    t.set('x', 1);
    t.set('y', 1);
    t.set('y', 'z'.repeat(2000));
    expect(store.tenant('a')!.refused).toEqual({
      items: 1,
      'key-bytes': 0,
      'value-bytes': 1,
      'not-integer': 0,
      unavailable: 0,
    });
    expect(store.tenant('b')!.refused.items).toBe(0);
  });
});
