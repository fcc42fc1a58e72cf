// KSR htable over the route context: every function, undeclared tables, caps, expiry on an injected clock,
// regex removal, $sht through pv, and two tenants on one store reaching only their own tables.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { HT_ADD_FAILED, htable } from '../../src/kemi/htable.ts';
import { PvNames, RouteContext, type RouteHost, ScriptRegexes } from '../../src/kemi/index.ts';
import { pv } from '../../src/kemi/pv.ts';
import { parseMessage } from '../../src/sip/index.ts';
import { HTABLE_DEFAULTS, type HtableSpec, HtableStore } from '../../src/state/htable.ts';
import { call, INVITE, SOURCE } from './fixture.ts';

const clock = { now: 5_000_000 };
const spec = (over: Partial<HtableSpec> = {}): HtableSpec => ({ ...HTABLE_DEFAULTS, ...over });

function setup(tenant: string | undefined = 'acme') {
  const store = new HtableStore(
    {
      acme: {
        t: spec(),
        exp: spec({ autoexpire: 60 }),
        small: spec({ maxItems: 2, maxKeyBytes: 8, maxValueBytes: 4 }),
        counters: spec({ initval: 100 }),
      },
      other: { t: spec() },
    },
    () => clock.now,
  );
  return { store, ...contextOf(store, tenant) };
}

function contextOf(store: HtableStore, tenant: string | undefined) {
  const parsed = parseMessage(INVITE, { datagram: true });
  if (!parsed.ok) throw new Error('fixture');
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const host: RouteHost = {
    slReply: () => true,
    sendReply: () => true,
    isMyself: () => false,
    htables: store,
    pvNames: new PvNames(),
    regexes: new ScriptRegexes(),
  };
  const script = tenant === undefined ? undefined : { tenant, version: 1 };
  const ctx = new RouteContext('request', parsed.value, SOURCE, host, log, script);
  const ht = (name: string, ...args: (string | number)[]) => call(htable, name, ctx, ...args);
  const errors = () => lines.filter((l) => l.level === 50).map((l) => l.msg);
  return { ctx, ht, errors };
}

describe('KSR htable', () => {
  it('sets, gets, removes and tests items', () => {
    const { ht, errors } = setup();
    expect(ht('sht-get', 't', 'a')).toBeUndefined();
    expect(ht('sht-gete', 't', 'a')).toBe('');
    expect(ht('sht-is-null', 't', 'a')).toBe(1);
    expect(ht('sht-sets', 't', 'a', 'alice')).toBe(1);
    expect(ht('sht-seti', 't', 'n', -42)).toBe(1);
    expect([ht('sht-get', 't', 'a'), ht('sht-get', 't', 'n'), ht('sht-gete', 't', 'n')]).toEqual([
      'alice',
      '-42',
      '-42',
    ]);
    expect(ht('sht-is-null', 't', 'a')).toBe(-1);
    expect(ht('sht-rm', 't', 'a')).toBe(1);
    expect(ht('sht-rm', 't', 'a')).toBe(1); // absent: still 1
    expect(ht('sht-get', 't', 'a')).toBeUndefined();
    expect(ht('sht-reset', 't')).toBe(1);
    expect(ht('sht-get', 't', 'n')).toBeUndefined();
    expect(errors()).toEqual([]);
  });

  it('sht-inc / sht-dec: from initval (0 by default), -255 on a string item', () => {
    const { ht, errors } = setup();
    expect(ht('sht-inc', 't', 'c')).toBe(1);
    expect(ht('sht-inc', 't', 'c')).toBe(2);
    expect(ht('sht-dec', 't', 'd')).toBe(-1);
    expect(ht('sht-get', 't', 'c')).toBe('2');
    expect(ht('sht-inc', 'counters', 'c')).toBe(101);
    ht('sht-sets', 't', 's', 'text');
    expect(ht('sht-inc', 't', 's')).toBe(HT_ADD_FAILED);
    expect(ht('sht-dec', 't', 's')).toBe(-255);
    expect(ht('sht-get', 't', 's')).toBe('text');
    expect(errors()).toEqual([
      "item 's' of htable 't' holds a string",
      "item 's' of htable 't' holds a string",
    ]);
  });

  it('an undeclared table: -1 (-255, none, "") and an error naming the table', () => {
    const { ht, errors } = setup();
    expect(ht('sht-get', 'nope', 'k')).toBeUndefined();
    expect(ht('sht-gete', 'nope', 'k')).toBe('');
    expect(ht('sht-sets', 'nope', 'k', 'v')).toBe(-1);
    expect(ht('sht-seti', 'nope', 'k', 1)).toBe(-1);
    expect(ht('sht-inc', 'nope', 'k')).toBe(-255);
    expect(ht('sht-dec', 'nope', 'k')).toBe(-255);
    expect(ht('sht-rm', 'nope', 'k')).toBe(-1);
    expect(ht('sht-is-null', 'nope', 'k')).toBe(-1);
    expect(ht('sht-reset', 'nope')).toBe(-1);
    expect(ht('sht-rm-name-re', 'nope', '.')).toBe(-1);
    expect(ht('sht-rm-value-re', 'nope', '.')).toBe(-1);
    expect(ht('sht-match-name', 'nope', 'eq', 'k')).toBe(-1);
    expect(errors()).toHaveLength(12);
    expect(new Set(errors())).toEqual(new Set(["htable 'nope' is not declared for tenant 'acme'"]));
  });

  it('caps: key and value bytes, items; each refusal logged', () => {
    const { ht, errors, store } = setup();
    expect(ht('sht-sets', 'small', 'k'.repeat(9), 'v')).toBe(-1);
    expect(ht('sht-sets', 'small', 'k', 'vvvvv')).toBe(-1);
    expect(ht('sht-sets', 'small', 'k1', 'v')).toBe(1);
    expect(ht('sht-seti', 'small', 'k2', 2)).toBe(1);
    expect(ht('sht-seti', 'small', 'k3', 3)).toBe(-1);
    expect(ht('sht-inc', 'small', 'k3')).toBe(-255);
    expect(ht('sht-inc', 'small', 'k2')).toBe(3);
    expect(errors()).toEqual([
      "key of 9 bytes refused by htable 'small': the limit is 8",
      "value of 5 bytes refused by htable 'small': the limit is 4",
      "htable 'small' is full: 2 items",
      "htable 'small' is full: 2 items",
    ]);
    expect(store.tenant('acme')!.refused).toEqual({
      items: 2,
      'key-bytes': 1,
      'value-bytes': 1,
      'not-integer': 0,
      unavailable: 0,
    });
  });

  it('autoexpire on the injected clock', () => {
    const { ht } = setup();
    ht('sht-sets', 'exp', 'a', 'x');
    ht('sht-inc', 'exp', 'n');
    clock.now += 59_999;
    expect(ht('sht-get', 'exp', 'a')).toBe('x');
    expect(ht('sht-inc', 'exp', 'n')).toBe(2); // a write: n lives 60 s from now
    clock.now += 1;
    expect(ht('sht-is-null', 'exp', 'a')).toBe(1);
    expect(ht('sht-match-name', 'exp', 'eq', 'a')).toBe(-1);
    expect(ht('sht-get', 'exp', 'n')).toBe('2');
    clock.now += 60_000;
    expect(ht('sht-inc', 'exp', 'n')).toBe(1); // expired: starts again
  });

  it('removes by key or string value with a bounded regex', () => {
    const { ht, errors } = setup();
    for (const [k, v] of [
      ['user:alice', 'sip:alice@a.example'],
      ['user:bob', 'sip:bob@b.example'],
      ['ip:10.0.0.1', 'banned'],
    ])
      ht('sht-sets', 't', k, v);
    ht('sht-seti', 't', 'count', 5);
    expect(ht('sht-rm-name-re', 't', '^user:a')).toBe(1);
    expect(ht('sht-get', 't', 'user:alice')).toBeUndefined();
    expect(ht('sht-get', 't', 'user:bob')).toBe('sip:bob@b.example');
    expect(ht('sht-rm-value-re', 't', '^(banned|5)$')).toBe(1); // integer items are not matched by value
    expect(ht('sht-get', 't', 'ip:10.0.0.1')).toBeUndefined();
    expect(ht('sht-get', 't', 'count')).toBe('5');
    expect(ht('sht-rm-name-re', 't', '(a)\\1')).toBe(-1);
    expect(ht('sht-rm-value-re', 't', 'x'.repeat(300))).toBe(-1);
    expect(ht('sht-get', 't', 'user:bob')).toBe('sip:bob@b.example');
    expect(errors()).toEqual([
      expect.stringMatching(/backreferences and lookaround are not supported/),
      'regular expression of 300 bytes refused: the limit is 256',
    ]);
  });

  it('sht-match-name: eq, sw, re; an unknown operator is -1', () => {
    const { ht, errors } = setup();
    ht('sht-sets', 't', 'gw:east', '1');
    expect(ht('sht-match-name', 't', 'eq', 'gw:east')).toBe(1);
    expect(ht('sht-match-name', 't', 'eq', 'gw:')).toBe(-1);
    expect(ht('sht-match-name', 't', 'sw', 'gw:')).toBe(1);
    expect(ht('sht-match-name', 't', 'sw', 'gx')).toBe(-1);
    expect(ht('sht-match-name', 't', 're', 'e[a-z]+t$')).toBe(1);
    expect(ht('sht-match-name', 't', 're', '^west')).toBe(-1);
    expect(ht('sht-match-name', 't', 'ne', 'x')).toBe(-1);
    expect(errors()).toEqual(["sht-match-name: unknown operator 'ne' (eq, sw, re)"]);
  });

  it('$sht(table=>key) reads and writes through pv', () => {
    const { ctx, ht, errors } = setup();
    const p = (name: string, ...args: (string | number)[]) => call(pv, name, ctx, ...args);
    p('sets', '$sht(t=>who)', 'carol');
    p('seti', '$sht(t=>n)', 9);
    expect(ht('sht-get', 't', 'who')).toBe('carol');
    expect(p('get', '$sht(t=>n)')).toBe('9');
    expect(p('getvn', '$sht(t=>n)', 0)).toBe(9);
    expect(p('get', '$sht(t=>a=>b)')).toBeUndefined(); // the key is "a=>b"
    ht('sht-sets', 't', 'a=>b', 'nested');
    expect(p('get', '$sht(t=>a=>b)')).toBe('nested');
    p('unset', '$sht(t=>who)');
    expect(ht('sht-is-null', 't', 'who')).toBe(1);
    expect(p('is-null', '$sht(nope=>x)')).toBe(true);
    p('sets', '$sht(nope=>x)', 'v');
    p('sets', '$sht(small=>x)', 'too long');
    expect(p('get', '$sht(tk)')).toBeUndefined();
    expect(errors()).toEqual([
      "htable 'nope' is not declared for tenant 'acme'",
      "htable 'nope' is not declared for tenant 'acme'",
      "pseudo-variable '$sht(nope=>x)' refused the value 'v'",
      "value of 8 bytes refused by htable 'small': the limit is 4",
      "pseudo-variable '$sht(small=>x)' refused the value 'too long'",
      "'$sht(tk)': expected $sht(table=>key)",
    ]);
  });

  it("two tenants on one store: the same table and key are two items; no call reaches the other's", () => {
    const { store, ht: a } = setup('acme');
    const { ht: b, errors } = contextOf(store, 'other');
    expect(a('sht-sets', 't', 'k', 'acme')).toBe(1);
    expect(b('sht-get', 't', 'k')).toBeUndefined();
    expect(b('sht-sets', 't', 'k', 'other')).toBe(1);
    expect([a('sht-get', 't', 'k'), b('sht-get', 't', 'k')]).toEqual(['acme', 'other']);
    b('sht-reset', 't');
    expect([a('sht-get', 't', 'k'), b('sht-get', 't', 'k')]).toEqual(['acme', undefined]);
    // A table only acme declared does not exist for other, whatever it is called.
    expect(b('sht-sets', 'exp', 'k', 'v')).toBe(-1);
    expect(b('sht-get', 'acme', 'k')).toBeUndefined();
    expect(errors()).toEqual([
      "htable 'exp' is not declared for tenant 'other'",
      "htable 'acme' is not declared for tenant 'other'",
    ]);
    // A context without a tenant, or a host without a store, has no tables.
    expect(contextOf(store, undefined).ht('sht-sets', 't', 'k', 'v')).toBe(-1);
  });

  it('after x.exit every function answers its "no" without touching the table', () => {
    const { ctx, ht } = setup();
    ctx.answer.finished = 'exit';
    expect(ht('sht-sets', 't', 'k', 'v')).toBe(-1);
    ctx.answer.finished = undefined;
    expect(ht('sht-get', 't', 'k')).toBeUndefined();
  });
});

// Kamailio's htable pv_parse_ht_name parses the key as a format (pv_printf_s): "$sht(ipban=>$si)" is the
// item named by the source address, as the basic KEMI scripts (kamailio-basic-kemi-python.py) use it.
describe('$sht keys with pseudo-variables', () => {
  it('are expanded before the item is read or written', () => {
    const { ctx, ht } = setup();
    const p = (name: string, ...args: (string | number)[]) => call(pv, name, ctx, ...args);
    expect(p('is-null', '$sht(t=>$si)')).toBe(true);
    p('seti', '$sht(t=>$si)', 1);
    expect(ht('sht-get', 't', '10.0.0.1')).toBe('1');
    expect(ht('sht-get', 't', '$si')).toBeUndefined();
    p('sets', '$var(k)', 'x');
    p('sets', '$sht(t=>ban::$var(k)::$fU)', 'v');
    expect(ht('sht-get', 't', 'ban::x::alice')).toBe('v');
    expect(p('get', '$sht(t=>ban::$var(k)::$fU)')).toBe('v');
  });
});
