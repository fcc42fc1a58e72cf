// The compile queue's order: each key's items in order, keys taking turns, retries first.
import { describe, expect, it } from 'vitest';
import { FairQueue } from '../../src/runtime/fair-queue.ts';

function drainOrder(q: FairQueue<string>): string[] {
  const out: string[] = [];
  for (let item = q.shift(); item !== undefined; item = q.shift()) out.push(item);
  return out;
}

describe('FairQueue', () => {
  it('serves the keys in turn, each key in its own order', () => {
    const q = new FairQueue<string>();
    for (const item of ['a1', 'a2', 'a3', 'a4']) q.push('a', item);
    q.push('b', 'b1');
    q.push('c', 'c1');
    q.push('b', 'b2');
    expect(q.size).toBe(7);
    expect(drainOrder(q)).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3', 'a4']);
    expect(q.size).toBe(0);
  });

  it("puts a key that arrives during another's burst second, not behind the burst", () => {
    const q = new FairQueue<string>();
    for (const item of ['a1', 'a2', 'a3']) q.push('a', item);
    expect(q.shift()).toBe('a1');
    q.push('b', 'b1');
    expect(drainOrder(q)).toEqual(['a2', 'b1', 'a3']);
  });

  it('serves an item put back first, and drains everything', () => {
    const q = new FairQueue<string>();
    q.push('a', 'a1');
    q.push('b', 'b1');
    q.unshift('retry');
    expect(q.shift()).toBe('retry');
    expect(q.drain()).toEqual(['a1', 'b1']);
    expect(q.shift()).toBeUndefined();
  });
});
