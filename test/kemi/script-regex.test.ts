// Script regular expressions (t-check-status, check-route-param): linear-time matching of patterns a
// script chose over input a caller chose, length caps on both, and no caching of long patterns.
import { describe, expect, it } from 'vitest';
import { rr } from '../../src/kemi/rr.ts';
import {
  LINEAR_REGEX,
  MAX_INPUT_BYTES,
  MAX_PATTERN_BYTES,
  scriptRegex,
  scriptRegexTest,
} from '../../src/kemi/script-regex.ts';
import { call, contextFor, INVITE } from './fixture.ts';

describe('script regular expressions', () => {
  it('run on the linear-time engine: the exponential pattern of docs/sandbox.md returns', () => {
    expect(LINEAR_REGEX).toBe(true);
    // With backtracking, (a+)+$ over 26 a's and a b took 250 ms and doubled with each a: 10 000 would
    // not return in this lifetime.
    expect(scriptRegexTest('(a+)+$', `${'a'.repeat(MAX_INPUT_BYTES - 1)}b`)).toBe(false);
    expect(scriptRegexTest('^(a|aa)+$', 'a'.repeat(MAX_INPUT_BYTES))).toBe(true);
    expect(scriptRegexTest('^5[0-9][0-9]$', '503')).toBe(true);
    expect(scriptRegexTest('^5[0-9][0-9]$', '486')).toBe(false);
  });

  it('refuse what the linear engine cannot run (backreferences, lookaround), saying why', () => {
    expect(scriptRegexTest('(a)\\1', 'aa')).toMatch(/backreferences and lookaround are not supported/);
    expect(scriptRegexTest('a(?=b)', 'ab')).toMatch(/not supported/);
    expect(scriptRegexTest('(', 'x')).toMatch(/^bad regular expression '\(':/);
  });

  it('refuse patterns and inputs above their caps', () => {
    const long = 'a'.repeat(MAX_PATTERN_BYTES + 1);
    expect(scriptRegex(long)).toBe(
      `regular expression of ${MAX_PATTERN_BYTES + 1} bytes refused: the limit is ${MAX_PATTERN_BYTES}`,
    );
    expect(scriptRegexTest('a', 'a'.repeat(MAX_INPUT_BYTES + 1))).toBe(
      `input of ${MAX_INPUT_BYTES + 1} bytes not matched: the limit is ${MAX_INPUT_BYTES}`,
    );
  });

  it('cache short patterns only: a long one is compiled afresh each time', () => {
    expect(scriptRegex('^nat=yes$')).toBe(scriptRegex('^nat=yes$'));
    const long = `^${'x'.repeat(200)}$`;
    const first = scriptRegex(long);
    expect(first).toBeInstanceOf(RegExp);
    expect(scriptRegex(long)).not.toBe(first);
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
