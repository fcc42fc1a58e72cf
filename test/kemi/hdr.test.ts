import { describe, expect, it } from 'vitest';
import { hdr } from '../../src/kemi/hdr.ts';
import { call, contextFor, INVITE } from './fixture.ts';

const names = (text: string) =>
  text
    .split('\r\n\r\n')[0]
    .split('\r\n')
    .slice(1)
    .map((l) => l.slice(0, l.indexOf(':')));

describe('hdr', () => {
  it('append adds after the last header, with or without CRLF, several lines at once', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(hdr, 'append', ctx, 'X-A: 1\r\n')).toBe(1);
    expect(call(hdr, 'append', ctx, 'X-B: 2\r\nX-C: 3')).toBe(1);
    expect(names(ctx.msg.toString()).slice(-3)).toEqual(['X-A', 'X-B', 'X-C']);
    expect(ctx.msg.toString().endsWith('\r\n\r\nv=0\n')).toBe(true);
  });

  it('insert and insert-before keep line order', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(hdr, 'insert', ctx, 'X-A: 1\r\nX-B: 2\r\n')).toBe(1);
    expect(names(ctx.msg.toString()).slice(0, 2)).toEqual(['X-A', 'X-B']);
    expect(call(hdr, 'insert-before', ctx, 'X-C: 3', 'call-id')).toBe(1);
    const n = names(ctx.msg.toString());
    expect(n[n.indexOf('Call-ID') - 1]).toBe('X-C');
    expect(call(hdr, 'insert-before', ctx, 'X-D: 4', 'Nope')).toBe(-1);
  });

  it('append-after places after the first named header, keeping order', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(hdr, 'append-after', ctx, 'X-A: 1\r\nX-B: 2', 'From')).toBe(1);
    const n = names(ctx.msg.toString());
    expect(n.slice(n.indexOf('From'), n.indexOf('From') + 3)).toEqual(['From', 'X-A', 'X-B']);
    expect(call(hdr, 'append-after', ctx, 'X-Z: 1', 'Nope')).toBe(-1);
  });

  it('remove, is-present, get, get-idx', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(hdr, 'is-present', ctx, 'x-custom')).toBe(1);
    expect(call(hdr, 'get', ctx, 'X-Custom')).toBe('one');
    expect(call(hdr, 'get-idx', ctx, 'X-Custom', 1)).toBe('two');
    expect(call(hdr, 'get-idx', ctx, 'X-Custom', -1)).toBe('two');
    expect(call(hdr, 'get-idx', ctx, 'X-Custom', 2)).toBeUndefined();
    expect(call(hdr, 'remove', ctx, 'X-Custom')).toBe(2);
    expect(call(hdr, 'is-present', ctx, 'X-Custom')).toBe(-1);
    expect(call(hdr, 'remove', ctx, 'X-Custom')).toBe(-1);
    expect(call(hdr, 'get', ctx, 'X-Custom')).toBeUndefined();
  });

  it('rmappend and rminsert replace a header', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(hdr, 'rmappend', ctx, 'X-Custom', 'X-Custom: new')).toBe(1);
    expect(ctx.msg.getAll('X-Custom')).toEqual(['new']);
    expect(call(hdr, 'rminsert', ctx, 'User-Agent', 'User-Agent: edited')).toBe(1);
    expect(names(ctx.msg.toString())[0]).toBe('User-Agent');
    expect(call(hdr, 'get', ctx, 'User-Agent')).toBe('edited');
  });

  it('refuses malformed lines and Via/Content-Length edits, changing nothing', () => {
    const { ctx } = contextFor(INVITE);
    const before = ctx.msg.toString();
    expect(call(hdr, 'append', ctx, 'no colon here')).toBe(-1);
    expect(call(hdr, 'append', ctx, 'Bad Name: x')).toBe(-1);
    expect(call(hdr, 'append', ctx, 'X-Ok: 1\r\nbroken')).toBe(-1);
    expect(call(hdr, 'insert', ctx, 'Via: SIP/2.0/UDP 6.6.6.6;branch=z9hG4bKforged')).toBe(-1);
    expect(call(hdr, 'append', ctx, 'v: SIP/2.0/UDP 6.6.6.6;branch=z9hG4bKforged')).toBe(-1);
    expect(call(hdr, 'remove', ctx, 'Via')).toBe(-1);
    expect(call(hdr, 'rmappend', ctx, 'Content-Length', 'Content-Length: 0')).toBe(-1);
    expect(call(hdr, 'append', ctx, 'l: 99')).toBe(-1);
    expect(ctx.msg.toString()).toBe(before);
  });

  it('append-to-reply collects fields for the generated reply', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(hdr, 'append-to-reply', ctx, 'X-Reason: test\r\n')).toBe(1);
    expect(call(hdr, 'append-to-reply', ctx, 'oops')).toBe(-1);
    expect(ctx.answer.replyHeaders).toEqual([['X-Reason', 'test']]);
  });
});

describe('hdr against hostile input', () => {
  // A quadratic scan of these 60 kB would run far past the test timeout.
  it('a long run of line ends followed by text is refused', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(hdr, 'append', ctx, `X-A: 1${'\r\n'.repeat(30_000)}x`)).toBe(-1);
    expect(call(hdr, 'append', ctx, `X-A: 1${'\r\n'.repeat(30_000)}`)).toBe(1);
  });

  it('Max-Forwards only goes down: a higher value is refused, before rmappend removes anything', () => {
    const { ctx } = contextFor(INVITE);
    const start = ctx.request!.maxForwards!;
    expect(call(hdr, 'rmappend', ctx, 'Max-Forwards', `Max-Forwards: ${start + 1}`)).toBe(-1);
    expect(ctx.request!.maxForwards).toBe(start);
    expect(call(hdr, 'rminsert', ctx, 'max-forwards', 'Max-Forwards: 255')).toBe(-1);
    expect(call(hdr, 'rmappend', ctx, 'Max-Forwards', `Max-Forwards: ${start - 1}`)).toBe(1);
    expect(ctx.request!.maxForwards).toBe(start - 1);
    // Removed, it cannot come back higher than it was when received.
    ctx.tm.receivedMaxForwards = start;
    expect(call(hdr, 'remove', ctx, 'Max-Forwards')).toBe(1);
    expect(call(hdr, 'append', ctx, `Max-Forwards: ${start + 1}`)).toBe(-1);
    expect(call(hdr, 'append', ctx, 'X-A: 1\r\nMax-Forwards: 0x10')).toBe(-1);
    expect(ctx.msg.has('X-A')).toBe(false);
  });
});
