// The per-version stats: counted by tenant and version, durations in their bucket, and a version that is no
// longer loaded dropped at the next read (its metric series go with it).
import { describe, expect, it } from 'vitest';
import type { Script } from '../../src/router/script.ts';
import { ROUTE_SECONDS_BUCKETS, ScriptStats } from '../../src/router/script-stats.ts';

const script = (tenant: string, version: number) => ({ tenant, version }) as Script;

describe('ScriptStats', () => {
  it('counts per version and drops the versions no longer loaded', () => {
    const stats = new ScriptStats();
    const v1 = script('acme', 1);
    const v2 = script('acme', 2);
    stats.request(v1);
    stats.reply(v1, 'received', 183);
    stats.reply(v1, 'local', 404);
    stats.invocation(v1, 'request-route', 0.2, 1500, undefined);
    stats.invocation(v1, 'request-route', 30, 10, 'deadline');
    stats.request(v2);
    const [first] = stats.rows(new Set(['acme\u00001', 'acme\u00002']));
    expect(first).toMatchObject({
      requests: 1,
      replies: { 'received 1xx': 1, 'local 4xx': 1 },
      invocations: { 'request-route': 2 },
      fuel: 1510,
      failures: { deadline: 1 },
    });
    const d = first.durations['request-route'];
    expect(d.count).toBe(2);
    expect(d.buckets[ROUTE_SECONDS_BUCKETS.indexOf(0.00025)]).toBe(1);
    expect(d.buckets[ROUTE_SECONDS_BUCKETS.indexOf(0.05)]).toBe(1);
    expect(stats.rows(new Set(['acme\u00002'])).map((v) => v.version)).toEqual([2]);
    expect(stats.rows(new Set(['acme\u00001', 'acme\u00002'])).map((v) => v.version)).toEqual([2]);
  });
});
