import { describe, expect, it } from 'vitest';
import { hdr } from '../../src/kemi/hdr.ts';
import { maxfwd } from '../../src/kemi/maxfwd.ts';
import { sl } from '../../src/kemi/sl.ts';
import { tm } from '../../src/kemi/tm.ts';
import { call, contextFor, INVITE, REPLY, SOURCE } from './fixture.ts';

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

  // sl_funcs.c sl_reply_error: err2reason_phrase (src/core/error.c) of the last internal error; E_UNSPEC
  // (ser_error's initial -1) without one. maxfwd sets none.
  it('sl-reply-error sends 500 without an internal error, also after process-maxfwd refused a 0', () => {
    const a = contextFor(INVITE);
    expect(call(sl, 'sl-reply-error', a.ctx)).toBe(1);
    expect(a.sent[0]).toMatchObject({
      status: 500,
      reason: "I'm terribly sorry, server error occurred (1/SL)",
    });
    const b = contextFor(INVITE.replace('Max-Forwards: 70', 'Max-Forwards: 0'));
    expect(call(maxfwd, 'process-maxfwd', b.ctx, 10)).toBe(-1);
    expect(call(sl, 'sl-reply-error', b.ctx)).toBe(1);
    expect(b.sent[0]).toMatchObject({ status: 500 });
  });

  it.each([
    [-477, 477, 'Unfortunately error on sending to next hop occurred (477/SL)'],
    [-478, 478, 'Unresolvable destination (478/SL)'],
    [-479, 479, 'Regretfully, we were not able to process the URI (479/SL)'],
    [-400, 400, 'Bad Request (400/SL)'],
    [-487, 487, 'Transaction canceled (487/SL)'],
    [-12, 500, 'Forking capacity exceeded (12/SL)'],
    [-480, 500, "I'm terribly sorry, server error occurred (480/SL)"],
    [-1, 500, "I'm terribly sorry, server error occurred (1/SL)"],
  ])("sl-reply-error after t-relay returned %i sends err2reason_phrase's %i", (code, status, reason) => {
    const { ctx, sent } = contextFor(INVITE, 'request', SOURCE, {
      tm: { relay: () => code, newTransaction: () => 1, reply: () => 1, checkTransaction: () => -1 },
    });
    expect(call(tm, 't-relay', ctx)).toBe(code);
    expect(call(sl, 'sl-reply-error', ctx)).toBe(1);
    expect(sent[0]).toMatchObject({ status, reason });
  });
});

describe('maxfwd', () => {
  const withMf = (value: string | undefined) =>
    contextFor(
      value === undefined
        ? INVITE.replace('Max-Forwards: 70\r\n', '')
        : INVITE.replace('Max-Forwards: 70', `Max-Forwards: ${value}`),
    ).ctx;

  // maxfwd.c process_maxfwd_header: a value above max_limit becomes max_limit + 1, then is decremented; the
  // script's limit only fills a missing header.
  it('decrements, capped at max_limit (70 by default), not at the limit argument', () => {
    const ctx = withMf('70');
    expect(call(maxfwd, 'process-maxfwd', ctx, 10)).toBe(1);
    expect(ctx.msg.maxForwards).toBe(69);
    const low = withMf('5');
    expect(call(maxfwd, 'process-maxfwd', low, 10)).toBe(1);
    expect(low.msg.maxForwards).toBe(4);
    const high = withMf('200');
    expect(call(maxfwd, 'process-maxfwd', high, 10)).toBe(1);
    expect(high.msg.maxForwards).toBe(70);
    const capped = contextFor(INVITE, 'request', SOURCE, { maxfwdLimit: 16 }).ctx;
    expect(call(maxfwd, 'process-maxfwd', capped, 10)).toBe(1);
    expect(capped.msg.maxForwards).toBe(16);
  });

  it('adds the header with the limit when absent', () => {
    const ctx = withMf(undefined);
    expect(call(maxfwd, 'process-maxfwd', ctx, 10)).toBe(2);
    expect(ctx.msg.maxForwards).toBe(10);
  });

  // (A malformed Max-Forwards never reaches a route: the parser refuses the message.)
  it('-1 at zero (leaving it at zero) and for a limit outside 0..255', () => {
    const ctx = withMf('0');
    expect(call(maxfwd, 'process-maxfwd', ctx, 10)).toBe(-1);
    expect(ctx.msg.maxForwards).toBe(0);
    expect(call(maxfwd, 'process-maxfwd', withMf('3'), 256)).toBe(-1);
    expect(call(maxfwd, 'process-maxfwd', withMf('3'), -1)).toBe(-1);
    const zero = withMf(undefined);
    expect(call(maxfwd, 'process-maxfwd', zero, 0)).toBe(2);
    expect(zero.msg.maxForwards).toBe(0);
  });

  it('is-maxfwd-lt', () => {
    expect(call(maxfwd, 'is-maxfwd-lt', withMf('3'), 5)).toBe(1);
    expect(call(maxfwd, 'is-maxfwd-lt', withMf('5'), 5)).toBe(-1);
    expect(call(maxfwd, 'is-maxfwd-lt', withMf(undefined), 5)).toBe(-2);
    // maxfwd.c ki_is_maxfwd_lt: a limit outside 0..255 is -1.
    expect(call(maxfwd, 'is-maxfwd-lt', withMf('3'), 300)).toBe(-1);
  });
});
