// A KSR table maps WIT names to implementations; its type comes from the generated KSR_INTERFACES, so tsc
// (npm run typecheck) refuses a table that lacks, misnames or mistypes a function. The @ts-expect-error
// lines below are those refusals: if one stopped being an error, tsc would fail on the unused directive.
import { describe, expect, it } from 'vitest';
import { defineModule } from '../../src/kemi/define.ts';
import { contextFor, INVITE } from './fixture.ts';

describe('defineModule', () => {
  it('takes the signatures from the contract, in the order of the table', () => {
    const x = defineModule('x', { drop: () => {}, exit: () => {} });
    expect(x).toMatchObject({
      name: 'x',
      functions: [
        { name: 'drop', params: [], result: 'none' },
        { name: 'exit', params: [], result: 'none' },
      ],
    });
    const maxfwd = defineModule('maxfwd', { 'process-maxfwd': () => 1, 'is-maxfwd-lt': () => 1 });
    expect(maxfwd.functions[0]).toMatchObject({ params: [['limit', 's32']], result: 's32' });
  });

  it('ignores calls after the route finished, answering the result type\'s "no"', () => {
    const calls: string[] = [];
    const maxfwd = defineModule('maxfwd', {
      'process-maxfwd': () => {
        calls.push('process-maxfwd');
        return 1;
      },
      'is-maxfwd-lt': () => 1,
    });
    const { ctx } = contextFor(INVITE);
    expect(maxfwd.functions[0].impl(ctx, 70)).toBe(1);
    ctx.answer.finished = 'exit';
    expect(maxfwd.functions[0].impl(ctx, 70)).toBe(-1);
    expect(calls).toEqual(['process-maxfwd']);
  });

  it('refuses, at compile time, a table that does not match the contract', () => {
    // @ts-expect-error a WIT function is missing (drop)
    defineModule('x', { exit: () => {} });
    expect(() =>
      // @ts-expect-error a name the interface does not have
      defineModule('x', { exit: () => {}, drop: () => {}, abort: () => {} }),
    ).toThrow("wit/ksr.wit's interface x has no function 'abort'");
    defineModule('maxfwd', {
      // @ts-expect-error a parameter of the wrong type (limit is s32)
      'process-maxfwd': (_ctx, limit: string) => limit.length,
      'is-maxfwd-lt': () => 1,
    });
    defineModule('maxfwd', {
      // @ts-expect-error a result of the wrong type (s32, not bool)
      'process-maxfwd': () => true,
      'is-maxfwd-lt': () => 1,
    });
    // @ts-expect-error an interface the world does not import
    expect(() => defineModule('cfgutils', {})).toThrow("wit/ksr.wit's world imports no interface 'cfgutils'");
  });
});
