// The breaker's failures counted by several nodes together, against a real redis-server (started here):
// two nodes' failures add up to the threshold, failures arriving while a report is in flight go in the
// next one (all counted, fewer scripts), versions and tenants count apart, failures older than the window
// stop counting, and without Redis the answer is "not reached" (the node's own breaker decides), counted.
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { SharedBreaker } from '../../src/cluster/shared-breaker.ts';
import { testLink, useRedis } from './redis-fixture.ts';

const db = useRedis();
let prefix = 0;

const link = (client = db.redis) => testLink('breaker', client, 'cache');

/** Two nodes of one new cluster (a prefix of its own). */
function nodes() {
  const p = `b${++prefix}:`;
  return [new SharedBreaker(link(), p), new SharedBreaker(link(), p)] as const;
}

const settings = (failures: number, windowMs = 60_000) => ({ failures, windowMs });

describe('SharedBreaker', () => {
  it("adds two nodes' failures: the one that brings the count to the threshold sees it reached", async () => {
    const [a, b] = nodes();
    const s = settings(6);
    const answers: boolean[] = [];
    for (let i = 0; i < 5; i++) answers.push(await (i % 2 === 0 ? a : b).report('acme', 3, s));
    expect(answers).toEqual([false, false, false, false, false]);
    expect(await b.report('acme', 3, s)).toBe(true);
    // Another version and another tenant count apart.
    expect(await a.report('acme', 4, s)).toBe(false);
    expect(await a.report('beta', 3, settings(2))).toBe(false);
  });

  it('failures during a report in flight go in the next one: all counted', async () => {
    const [a] = nodes();
    const s = settings(100);
    const answers = await Promise.all(Array.from({ length: 99 }, () => a.report('acme', 1, s)));
    expect(answers.every((reached) => !reached)).toBe(true);
    expect(await a.report('acme', 1, s)).toBe(true);
  });

  it('failures older than the window stop counting', async () => {
    const [a, b] = nodes();
    const s = settings(3, 300);
    await a.report('acme', 1, s);
    await b.report('acme', 1, s);
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(await a.report('acme', 1, s)).toBe(false);
  });

  it('without Redis: not reached (the local breaker decides), counted as down', async () => {
    const gone = new Redis(1, '127.0.0.1', { enableOfflineQueue: false, lazyConnect: true });
    const l = link(gone);
    const breaker = new SharedBreaker(l, 'x:');
    expect(await breaker.report('acme', 1, settings(1))).toBe(false);
    expect(l.counters).toEqual({ down: 1, timeout: 0, error: 0, cached: 0 });
    gone.disconnect();
  });
});
