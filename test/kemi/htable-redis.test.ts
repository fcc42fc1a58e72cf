// KSR htable over a table kept in a real redis-server (started here): the functions answer Promises of
// their usual results (the guest suspends through JSPI), $rc is set when one settles, a node-local table
// of the same tenant stays synchronous, and $sht on a table in Redis is refused, naming the KSR functions.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { HTABLE_SUSPENDING, htable } from '../../src/kemi/htable.ts';
import { PvNames, RouteContext, type RouteHost, ScriptRegexes } from '../../src/kemi/index.ts';
import { pv } from '../../src/kemi/pv.ts';
import { parseMessage } from '../../src/sip/index.ts';
import { HTABLE_DEFAULTS, HtableStore } from '../../src/state/htable.ts';
import { testLink, useRedis } from '../cluster/redis-fixture.ts';
import { call, INVITE, SOURCE } from './fixture.ts';

const db = useRedis();

function setup() {
  const parsed = parseMessage(INVITE, { datagram: true });
  if (!parsed.ok) throw new Error('fixture');
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const link = testLink('htable', db.redis, 'fail', { log });
  const store = new HtableStore(
    { acme: { shared: HTABLE_DEFAULTS, local: { ...HTABLE_DEFAULTS, nodeLocal: true } } },
    Date.now,
    { link, base: (tenant, table) => `k${Math.random()}:tenant:${tenant}:htable:${table}:` },
  );
  const host: RouteHost = {
    slReply: () => true,
    sendReply: () => true,
    isMyself: () => false,
    htables: store,
    pvNames: new PvNames(),
    regexes: new ScriptRegexes(),
  };
  const ctx = new RouteContext('request', parsed.value, SOURCE, host, log, { tenant: 'acme', version: 1 });
  const ht = (name: string, ...args: (string | number)[]) => call(htable, name, ctx, ...args);
  const errors = () => lines.filter((l) => l.level === 50).map((l) => l.msg);
  return { ctx, ht, errors, store };
}

describe('KSR htable on a table in Redis', () => {
  it('answers Promises of the usual results; $rc is set when they settle', async () => {
    const { ctx, ht, errors, store } = setup();
    expect(store.anyShared).toBe(true);
    const inc = ht('sht-inc', 'shared', 'calls');
    expect(inc).toBeInstanceOf(Promise);
    expect(await inc).toBe(1);
    expect(ctx.lastCode).toBe(1);
    expect(await ht('sht-inc', 'shared', 'calls')).toBe(2);
    expect(await ht('sht-dec', 'shared', 'calls')).toBe(1);
    expect(await ht('sht-get', 'shared', 'calls')).toBe('1');
    expect(await ht('sht-sets', 'shared', 'a', 'alice')).toBe(1);
    expect(await ht('sht-gete', 'shared', 'a')).toBe('alice');
    expect(await ht('sht-is-null', 'shared', 'a')).toBe(-1);
    expect(await ht('sht-match-name', 'shared', 'sw', 'al')).toBe(-1);
    expect(await ht('sht-match-name', 'shared', 're', '^c')).toBe(1);
    expect(await ht('sht-match-name', 'shared', 'eq', 'a')).toBe(1);
    expect(await ht('sht-rm-value-re', 'shared', '^ali')).toBe(1);
    expect(await ht('sht-get', 'shared', 'a')).toBeUndefined();
    expect(await ht('sht-seti', 'shared', 's', 'x'.length)).toBe(1);
    expect(await ht('sht-rm-name-re', 'shared', '^s$')).toBe(1);
    expect(await ht('sht-is-null', 'shared', 's')).toBe(1);
    expect(await ht('sht-rm', 'shared', 'calls')).toBe(1);
    expect(await ht('sht-reset', 'shared')).toBe(1);
    await ht('sht-sets', 'shared', 'str', 'text');
    expect(await ht('sht-inc', 'shared', 'str')).toBe(-255);
    expect(ctx.lastCode).toBe(-255);
    expect(errors()).toEqual(["item 'str' of htable 'shared' holds a string"]);
  });

  it('a node-local table of the same tenant answers at once; $sht reaches only it', async () => {
    const { ctx, ht, errors } = setup();
    expect(ht('sht-inc', 'local', 'n')).toBe(1);
    const pvCall = (name: string, ...args: (string | number)[]) => call(pv, name, ctx, ...args);
    expect(pvCall('get', '$sht(local=>n)')).toBe('1');
    pvCall('sets', '$sht(local=>s)', 'v');
    expect(ht('sht-get', 'local', 's')).toBe('v');
    await ht('sht-sets', 'shared', 'k', 'v');
    expect(pvCall('get', '$sht(shared=>k)')).toBeUndefined();
    pvCall('sets', '$sht(shared=>k)', 'w');
    expect(await ht('sht-get', 'shared', 'k')).toBe('v');
    expect(errors()).toEqual([
      "$sht: htable 'shared' is kept in the cluster's Redis: use KSR.htable.sht_get / sht_sets / sht_seti",
      "$sht: htable 'shared' is kept in the cluster's Redis: use KSR.htable.sht_get / sht_sets / sht_seti",
      "pseudo-variable '$sht(shared=>k)' refused the value 'w'",
    ]);
  });

  it('names every htable function that reads or writes items as suspending', () => {
    const names = htable.functions.map((f) => `htable#${f.name}`);
    expect(new Set(HTABLE_SUSPENDING)).toEqual(new Set(names));
  });
});
