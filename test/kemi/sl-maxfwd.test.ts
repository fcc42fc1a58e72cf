import { describe, expect, it } from 'vitest';
import { hdr } from '../../src/kemi/hdr.ts';
import { maxfwd } from '../../src/kemi/maxfwd.ts';
import { sl } from '../../src/kemi/sl.ts';
import { call, contextFor, INVITE, REPLY } from './fixture.ts';

const ACK = INVITE.replace('INVITE sip:', 'ACK sip:').replace('CSeq: 101 INVITE', 'CSeq: 101 ACK');

describe('sl', () => {
  it('sl-send-reply sends with the append-to-reply headers', () => {
    const { ctx, sent } = contextFor(INVITE);
    call(hdr, 'append-to-reply', ctx, 'X-Why: because');
    expect(call(sl, 'sl-send-reply', ctx, 404, 'Not Found')).toBe(1);
    expect(sent).toEqual([
      { status: 404, reason: 'Not Found', headers: [['X-Why', 'because']], stateful: false },
    ]);
  });

  it('send-reply goes through the stateful path of the host', () => {
    const { ctx, sent } = contextFor(INVITE);
    expect(call(sl, 'send-reply', ctx, 486, 'Busy Here')).toBe(1);
    expect(sent[0].stateful).toBe(true);
  });

  it.each([
    [99, 'Low'],
    [700, 'High'],
    [200, 'Bad\r\nInjected: yes'],
  ])('refuses status %i reason %j', (code, reason) => {
    const { ctx, sent } = contextFor(INVITE);
    expect(call(sl, 'sl-send-reply', ctx, code, reason)).toBe(-1);
    expect(sent).toEqual([]);
  });

  it('never answers an ACK or a reply', () => {
    for (const text of [ACK, REPLY]) {
      const { ctx, sent } = contextFor(text, text === REPLY ? 'reply' : 'request');
      expect(call(sl, 'sl-send-reply', ctx, 200, 'OK')).toBe(-1);
      expect(sent).toEqual([]);
    }
  });

  it('sl-reply-error sends the pending error, else 500', () => {
    const a = contextFor(INVITE);
    expect(call(sl, 'sl-reply-error', a.ctx)).toBe(1);
    expect(a.sent[0]).toMatchObject({ status: 500, reason: 'Server Internal Error' });
    const b = contextFor(INVITE.replace('Max-Forwards: 70', 'Max-Forwards: 0'));
    expect(call(maxfwd, 'process-maxfwd', b.ctx, 10)).toBe(-1);
    expect(call(sl, 'sl-reply-error', b.ctx)).toBe(1);
    expect(b.sent[0]).toMatchObject({ status: 483, reason: 'Too Many Hops' });
  });
});

describe('maxfwd', () => {
  const withMf = (value: string | undefined) =>
    contextFor(
      value === undefined
        ? INVITE.replace('Max-Forwards: 70\r\n', '')
        : INVITE.replace('Max-Forwards: 70', `Max-Forwards: ${value}`),
    ).ctx;

  it('decrements, capped at the limit', () => {
    const ctx = withMf('70');
    expect(call(maxfwd, 'process-maxfwd', ctx, 10)).toBe(1);
    expect(ctx.msg.maxForwards).toBe(9);
    const low = withMf('5');
    expect(call(maxfwd, 'process-maxfwd', low, 10)).toBe(1);
    expect(low.msg.maxForwards).toBe(4);
  });

  it('adds the header with the limit when absent', () => {
    const ctx = withMf(undefined);
    expect(call(maxfwd, 'process-maxfwd', ctx, 10)).toBe(2);
    expect(ctx.msg.maxForwards).toBe(10);
  });

  it('-1 at zero, leaving it at zero; -2 for a bad limit or a reply', () => {
    const ctx = withMf('0');
    expect(call(maxfwd, 'process-maxfwd', ctx, 10)).toBe(-1);
    expect(ctx.msg.maxForwards).toBe(0);
    expect(call(maxfwd, 'process-maxfwd', withMf('3'), 0)).toBe(-2);
    expect(call(maxfwd, 'process-maxfwd', contextFor(REPLY, 'reply').ctx, 10)).toBe(-2);
  });

  it('is-maxfwd-lt', () => {
    expect(call(maxfwd, 'is-maxfwd-lt', withMf('3'), 5)).toBe(1);
    expect(call(maxfwd, 'is-maxfwd-lt', withMf('5'), 5)).toBe(-1);
    expect(call(maxfwd, 'is-maxfwd-lt', withMf(undefined), 5)).toBe(-2);
  });
});
