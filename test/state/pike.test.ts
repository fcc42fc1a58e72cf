// Kamailio's pike on an injected clock: the hot rule over two sampling units (either unit, or their mean,
// at reqs_density_per_unit), -2 once then -1 while hot, unblocked after a unit below the rate, forgotten
// after remove_latency, families kept apart, tenants kept apart, and memory bounded under 1e5 random
// addresses with the flooder still detected.
import { describe, expect, it } from 'vitest';
import {
  PIKE_DETECTED,
  PIKE_FLOODING,
  PIKE_OK,
  type PikeSettings,
  PikeStore,
  PikeTable,
  parseIp,
} from '../../src/state/index.ts';

const settings = (over: Partial<PikeSettings> = {}): PikeSettings => ({
  samplingTimeUnit: 2,
  reqsDensityPerUnit: 10,
  removeLatency: 120,
  maxEntries: 1000,
  ...over,
});

function setup(over: Partial<PikeSettings> = {}) {
  // Starts at a unit boundary so "the current unit" is easy to reason about.
  const clock = { now: 1_000_000 };
  const table = new PikeTable(settings(over), () => clock.now);
  const hit = (address: string, n = 1) => {
    const ip = parseIp(address)!;
    const verdicts: number[] = [];
    for (let i = 0; i < n; i++) verdicts.push(table.check(ip));
    return verdicts;
  };
  return { clock, table, hit };
}

describe('pike', () => {
  it('answers 1 below the rate, -2 at the request that reaches it, then -1', () => {
    const { hit, table } = setup();
    expect(hit('192.0.2.1', 9)).toEqual(Array(9).fill(PIKE_OK));
    expect(hit('192.0.2.1', 3)).toEqual([PIKE_DETECTED, PIKE_FLOODING, PIKE_FLOODING]);
    expect(hit('192.0.2.2')).toEqual([PIKE_OK]);
    expect([table.detected, table.blocked]).toEqual([1, 2]);
  });

  it('stays blocked while a unit is hot and unblocks after a unit below the rate', () => {
    const { hit, clock } = setup();
    hit('192.0.2.1', 10);
    clock.now += 2000; // next unit: previous = 10, still hot
    expect(hit('192.0.2.1')).toEqual([PIKE_FLOODING]);
    clock.now += 2000; // previous = 1, current = 0: cool, unblocked
    expect(hit('192.0.2.1')).toEqual([PIKE_OK]);
  });

  it('counts the mean of two units: 6 + 14 is hot, 6 + 6 is not', () => {
    const { hit, clock } = setup({ reqsDensityPerUnit: 10 });
    hit('192.0.2.1', 6);
    clock.now += 2000;
    expect(hit('192.0.2.1', 6)).toEqual(Array(6).fill(PIKE_OK));
    clock.now += 2000;
    // previous 6: the mean (6 + current) / 2 reaches 10 at current 14 ... and current alone at 10 first.
    const verdicts = hit('192.0.2.1', 10);
    expect(verdicts.indexOf(PIKE_DETECTED)).toBe(9);
    const other = setup({ reqsDensityPerUnit: 4 });
    // Kamailio's third rule on its own: previous 3, current 3 → mean 3 < 4; previous 3 + current 5 → 4.
    other.hit('10.0.0.1', 3);
    other.clock.now += 2000;
    expect(other.hit('10.0.0.1', 3)).toEqual(Array(3).fill(PIKE_OK));
    expect(other.hit('10.0.0.1')).toEqual([PIKE_DETECTED]);
  });

  it('forgets an address remove_latency after its last request, even a blocked one', () => {
    const { hit, clock, table } = setup({ removeLatency: 10, samplingTimeUnit: 60 });
    hit('192.0.2.1', 10);
    clock.now += 9000;
    expect(hit('192.0.2.1')).toEqual([PIKE_FLOODING]);
    clock.now += 10_000; // same 60 s unit, but 10 s since the last request
    expect(hit('192.0.2.1')).toEqual([PIKE_OK]);
    clock.now += 10_000;
    expect(table.sweep()).toBe(1);
    expect(table.size).toBe(0);
  });

  it('keeps IPv4 and IPv6 apart, and an IPv4-mapped address is its IPv4 address', () => {
    const { hit } = setup({ reqsDensityPerUnit: 3 });
    hit('1.2.3.4', 2);
    expect(hit('::102:304')).toEqual([PIKE_OK]);
    expect(hit('::ffff:1.2.3.4')).toEqual([PIKE_DETECTED]);
    expect(hit('2001:db8::1', 2)).toEqual([PIKE_OK, PIKE_OK]);
    expect(hit('2001:DB8:0::1')).toEqual([PIKE_DETECTED]);
  });

  it("keeps tenants apart: one tenant's checks never block an address for another", () => {
    const store = new PikeStore(settings({ reqsDensityPerUnit: 5 }), () => 0);
    const ip = parseIp('203.0.113.9')!;
    for (let i = 0; i < 50; i++) store.table('mallory').check(ip);
    expect(store.table('alice').check(ip)).toBe(PIKE_OK);
    expect(store.counts().map((c) => [c.tenant, c.detected, c.blocked])).toEqual([
      ['mallory', 1, 45],
      ['alice', 0, 0],
    ]);
  });

  it('stays within max_entries under 1e5 random addresses and still detects the flooder', () => {
    const max = 5000;
    const { table, clock } = setup({ maxEntries: max, reqsDensityPerUnit: 30 });
    const flooder = parseIp('198.51.100.66')!;
    let seed = 12345;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    const verdicts: number[] = [];
    let peak = 0;
    for (let i = 0; i < 100_000; i++) {
      const v = random();
      const family = i % 2 === 0 ? 4 : 6;
      const value = family === 4 ? BigInt(v) : (BigInt(v) << 96n) | BigInt(random());
      table.check({ family, value });
      if (i % 10 === 0) verdicts.push(table.check(flooder));
      if (i % 5000 === 0) clock.now += 500;
      peak = Math.max(peak, table.size);
    }
    expect(peak).toBeLessThanOrEqual(max);
    expect(peak).toBeGreaterThan(max - 10);
    expect(table.evicted).toBeGreaterThan(90_000);
    expect(verdicts.filter((v) => v === PIKE_DETECTED).length).toBeGreaterThan(0);
    expect(verdicts.at(-1)).toBe(PIKE_FLOODING);
  });
});
