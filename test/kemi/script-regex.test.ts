// Script regular expressions (t-check-status, check-route-param): linear-time matching of patterns a
// script chose over input a caller chose, length caps on both, and no caching of long patterns.
import { describe, expect, it } from 'vitest';
import { rr } from '../../src/kemi/rr.ts';
import { MAX_INPUT_BYTES, MAX_PATTERN_BYTES, ScriptRegexes } from '../../src/kemi/script-regex.ts';
import { err, ok } from '../../src/result.ts';
import { call, contextFor, INVITE } from './fixture.ts';

describe('script regular expressions', () => {
  const regexes = new ScriptRegexes();
  const compiled = (pattern: string) => {
    const regex = regexes.compile(pattern);
    if (!regex.ok) throw new Error(regex.error);
    return regex.value;
  };

  it('run on the linear-time engine: the exponential pattern of docs/sandbox.md returns', () => {
    expect(regexes.linear).toBe(true);
    // With backtracking, (a+)+$ over 26 a's and a b took 250 ms and doubled with each a: 10 000 would
    // not return in this lifetime.
    expect(regexes.test('(a+)+$', `${'a'.repeat(MAX_INPUT_BYTES - 1)}b`)).toEqual(ok(false));
    expect(regexes.test('^(a|aa)+$', 'a'.repeat(MAX_INPUT_BYTES))).toEqual(ok(true));
    expect(regexes.test('^5[0-9][0-9]$', '503')).toEqual(ok(true));
    expect(regexes.test('^5[0-9][0-9]$', '486')).toEqual(ok(false));
  });

  it('refuse what the linear engine cannot run (backreferences, lookaround), saying why', () => {
    expect(regexes.test('(a)\\1', 'aa')).toEqual(
      err(expect.stringMatching(/backreferences and lookaround are not supported/)),
    );
    expect(regexes.test('a(?=b)', 'ab')).toEqual(err(expect.stringMatching(/not supported/)));
    expect(regexes.test('(', 'x')).toEqual(err(expect.stringMatching(/^bad regular expression '\(':/)));
  });

  it('refuse patterns and inputs above their caps', () => {
    const long = 'a'.repeat(MAX_PATTERN_BYTES + 1);
    expect(regexes.compile(long)).toEqual(
      err(`regular expression of ${MAX_PATTERN_BYTES + 1} bytes refused: the limit is ${MAX_PATTERN_BYTES}`),
    );
    expect(regexes.test('a', 'a'.repeat(MAX_INPUT_BYTES + 1))).toEqual(
      err(`input of ${MAX_INPUT_BYTES + 1} bytes not matched: the limit is ${MAX_INPUT_BYTES}`),
    );
  });

  it('cache short patterns only: a long one is compiled afresh each time', () => {
    expect(compiled('^nat=yes$')).toBe(compiled('^nat=yes$'));
    const long = `^${'x'.repeat(200)}$`;
    const first = compiled(long);
    expect(first).toBeInstanceOf(RegExp);
    expect(compiled(long)).not.toBe(first);
  });

  it('check-route-param refuses a caller-sized Route parameter instead of matching it', () => {
    const huge = `p=${'a'.repeat(MAX_INPUT_BYTES)}`;
    const { ctx } = contextFor(INVITE);
    ctx.relay.localRouteParams = `lr;${huge}`;
    expect(call(rr, 'check-route-param', ctx, '(a+)+$')).toBe(-1);
    ctx.relay.localRouteParams = 'lr;nat=yes';
    expect(call(rr, 'check-route-param', ctx, 'nat=yes')).toBe(1);
  });
});
