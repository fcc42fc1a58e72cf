// pike's hits counted by several nodes together, against a real redis-server (started here): an address
// sending a little to each of two nodes is detected once the nodes have pushed their hits and read the
// totals back (the staleness is one push), while each node alone stays under the density; other
// addresses and tenants count apart; without Redis each node counts alone, counted.
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { SharedPike } from '../../src/cluster/shared-pike.ts';
import { PIKE_DETECTED, PIKE_OK, PikeStore, parseIp } from '../../src/state/index.ts';
import { testLink, useRedis } from './redis-fixture.ts';

const db = useRedis();
let prefix = 0;

// One sampling unit of an hour: the test never crosses a unit's end.
const settings = { samplingTimeUnit: 3600, reqsDensityPerUnit: 10, removeLatency: 7200, maxEntries: 1000 };

function node(p: string, client = db.redis) {
  const link = testLink('pike', client, 'cache');
  const store = new PikeStore(settings);
  const shared = new SharedPike(link, p, store);
  const check = (ip: string, tenant = 'acme') => store.table(tenant).check(parseIp(ip)!);
  return { store, shared, link, check };
}

describe('SharedPike', () => {
  it('detects an address flooding two nodes a little each, once both pushed their hits', async () => {
    const p = `p${++prefix}:`;
    const a = node(p);
    const b = node(p);
    for (let i = 0; i < 6; i++) expect(a.check('192.0.2.1')).toBe(PIKE_OK);
    for (let i = 0; i < 6; i++) expect(b.check('192.0.2.1')).toBe(PIKE_OK);
    expect(a.check('192.0.2.9')).toBe(PIKE_OK);
    await a.shared.push();
    await b.shared.push();
    // b read a's 7 hits back (6 + the one it is about to add: 7 + 7 >= 10); a has not read b's yet.
    expect(b.check('192.0.2.1')).toBe(PIKE_DETECTED);
    expect(b.check('192.0.2.9')).toBe(PIKE_OK);
    // a reads the totals back for the addresses it pushed: its next hit of the address brings b's.
    expect(a.check('192.0.2.1')).toBe(PIKE_OK);
    await a.shared.push();
    expect(a.check('192.0.2.1')).toBe(PIKE_DETECTED);
    // Another tenant's table counts apart.
    expect(a.check('192.0.2.1', 'beta')).toBe(PIKE_OK);
  });

  it('without Redis each node counts alone (counted)', async () => {
    const gone = new Redis(1, '127.0.0.1', { enableOfflineQueue: false, lazyConnect: true });
    const a = node('x:', gone);
    for (let i = 0; i < 9; i++) a.check('192.0.2.1');
    await a.shared.push();
    expect(a.link.counters.down).toBe(1);
    expect(a.check('192.0.2.1')).toBe(PIKE_DETECTED);
    gone.disconnect();
  });
});
