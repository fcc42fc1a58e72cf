// Dialog profile sizes counted by several nodes together, against a real redis-server (started here): two
// nodes' dialogs add up in get_profile_size (with a value, and over every value), a dialog ending on one
// node counts down, a node that stops writing (killed) stops counting once its hash expires, a node's
// heartbeat rewrites its whole count (a change lost while Redis was away is repaired), and without Redis
// the node answers its own count ('cache') or -1 ('fail'), counted.
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { CallbackGuard } from '../../src/callback-guard.ts';
import { SharedDialogCounts } from '../../src/cluster/shared-dialog-counts.ts';
import { DIALOG_DEFAULTS, type DialogRecord, DialogStore } from '../../src/state/dialog-store.ts';
import type { Unavailable } from '../../src/state/shared-store.ts';
import { testLink, useRedis } from './redis-fixture.ts';

const db = useRedis();
let prefix = 0;
const log = pino({ level: 'silent' });
const timers = new CallbackGuard(log);
const stops: { cancel(): void }[] = [];

const clock = { now: () => 0, schedule: () => ({ cancel() {} }) };
const settings = () => ({
  ...DIALOG_DEFAULTS,
  profilesWithValue: new Set(['caller']),
  profilesNoValue: new Set(['calls']),
});

/** A node: its dialog store, sharing its counts under the cluster prefix `p`. */
function node(
  p: string,
  name: string,
  options: { client?: Redis; unavailable?: Unavailable; ttlMs?: number } = {},
) {
  const store = new DialogStore(settings, clock);
  const link = testLink('dialog', options.client ?? db.redis, options.unavailable ?? 'cache', { log });
  const shared = new SharedDialogCounts(
    { link, prefix: p, node: name, tenants: ['acme'], heartbeatMs: 100, ttlMs: options.ttlMs ?? 60_000 },
    store,
  );
  const stop = shared.start(timers);
  stops.push(stop);
  let n = 0;
  const dialog = (caller: string): DialogRecord => {
    const leg = { tag: undefined, contact: undefined, routeSet: [], cseq: 1 };
    const d = store.create(
      {
        tenant: 'acme',
        version: 1,
        callId: `${name}-${++n}`,
        fromUri: 'sip:a@x',
        toUri: 'sip:b@x',
        caller: { ...leg, tag: 't' },
        callee: leg,
      },
      () => {},
    )!;
    store.addToProfile(d, 'calls', '');
    store.addToProfile(d, 'caller', caller);
    return d;
  };
  return { store, shared, link, stop, dialog };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

afterAll(async () => {
  for (const stop of stops) stop.cancel();
});

describe('SharedDialogCounts', () => {
  it("sums two nodes' profile sizes, by value and over every value; an ended dialog counts down", async () => {
    const p = `d${++prefix}:`;
    const a = node(p, 'a');
    const b = node(p, 'b');
    await settle();
    a.dialog('alice');
    a.dialog('bob');
    const ended = b.dialog('alice');
    await settle();
    expect(await a.shared.size('acme', 'calls', undefined)).toBe(3);
    expect(await b.shared.size('acme', 'caller', 'alice')).toBe(2);
    expect(await b.shared.size('acme', 'caller', 'carol')).toBe(0);
    b.store.end(ended, 'bye');
    await settle();
    expect(await a.shared.size('acme', 'calls', undefined)).toBe(2);
    expect(await a.store.sharedProfileSize?.('acme', 'caller', 'alice')).toBe(1);
  });

  it('a node that stops writing stops counting once its hash expires', async () => {
    const p = `d${++prefix}:`;
    const a = node(p, 'a');
    const b = node(p, 'killed', { ttlMs: 300 });
    await settle();
    a.dialog('alice');
    b.dialog('alice');
    b.dialog('bob');
    await settle();
    expect(await a.shared.size('acme', 'calls', undefined)).toBe(3);
    b.stop.cancel(); // what kill -9 does to its heartbeats
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(await a.shared.size('acme', 'calls', undefined)).toBe(1);
    expect(await db.redis.smembers(`${p}tenant:acme:dialog-profiles:nodes`)).toEqual(['a']);
  });

  it('the heartbeat rewrites the whole count: a change Redis missed is repaired', async () => {
    const p = `d${++prefix}:`;
    const a = node(p, 'a');
    await settle();
    a.dialog('alice');
    await settle();
    a.stop.cancel(); // the heartbeat runs by hand below
    await db.redis.del(`${p}tenant:acme:dialog-profiles:node:a`);
    expect(await a.shared.size('acme', 'calls', undefined)).toBe(0);
    // What its heartbeat timer runs (every heartbeat_ms).
    await a.shared.snapshot();
    expect(await a.shared.size('acme', 'calls', undefined)).toBe(1);
  });

  it("without Redis: this node's own count ('cache') or -1 ('fail'), counted", async () => {
    const gone = new Redis(1, '127.0.0.1', { enableOfflineQueue: false, lazyConnect: true });
    const cached = node('x:', 'a', { client: gone, unavailable: 'cache' });
    const failing = node('x:', 'b', { client: gone, unavailable: 'fail' });
    cached.dialog('alice');
    expect(await cached.shared.size('acme', 'calls', undefined)).toBe(1);
    expect(await failing.shared.size('acme', 'calls', undefined)).toBe(-1);
    expect(cached.link.counters.down).toBeGreaterThan(0);
    expect(failing.link.counters.down).toBeGreaterThan(0);
    cached.stop.cancel();
    failing.stop.cancel();
    gone.disconnect();
  });

  it('a change Redis runs after a snapshot that holds it (its script loaded again) counts once', async () => {
    const a = node(`p${++prefix}:`, 'a');
    await settle();
    a.stop.cancel(); // the snapshots run by hand below
    await db.redis.script('FLUSH');
    await a.shared.snapshot(); // Redis knows the snapshot's script again, not the change's
    a.dialog('alice'); // its change: NOSCRIPT, sent again after ...
    await a.shared.snapshot(); // ... this snapshot, which already holds the dialog
    await settle();
    expect(await a.shared.size('acme', 'calls', undefined)).toBe(1);
  });

  it('a node started again under its name replaces the counts its previous process left', async () => {
    const p = `p${++prefix}:`;
    const before = node(p, 'a');
    before.dialog('alice');
    before.dialog('bob');
    await settle();
    before.stop.cancel(); // the process ends; its hash has not expired yet
    expect(await before.shared.size('acme', 'calls', undefined)).toBe(2);
    const after = node(p, 'a');
    await settle();
    expect(await after.shared.size('acme', 'calls', undefined)).toBe(0);
    after.dialog('carol');
    await settle();
    expect(await after.shared.size('acme', 'calls', undefined)).toBe(1);
  });
});
