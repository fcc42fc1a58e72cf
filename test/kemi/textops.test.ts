import { describe, expect, it } from 'vitest';
import { posixToJs } from '../../src/kemi/posix-regex.ts';
import { textops, textopsx } from '../../src/kemi/textops.ts';
import { call, contextFor, INVITE, REPLY } from './fixture.ts';

const limited = (maxMessageBytes: number, maxHeaderFields = 256) => {
  const editsRefused: Record<string, number> = {};
  const { ctx } = contextFor(INVITE, 'request', undefined, {
    editLimits: { maxMessageBytes, maxHeaderFields },
    editsRefused,
  });
  return { ctx, editsRefused };
};

describe('posixToJs', () => {
  it('spells REG_ICASE as letter classes, POSIX named classes, and keeps escapes whole', () => {
    expect(posixToJs('ab', { icase: true, newline: false })).toEqual({ source: '[aA][bB]' });
    expect(posixToJs('[a-c]x', { icase: true, newline: false })).toEqual({ source: '[a-cA-C][xX]' });
    expect(posixToJs('[[:digit:]]+', { icase: false, newline: false })).toEqual({ source: '[0-9]+' });
    expect(posixToJs('\\x41\\d', { icase: true, newline: false })).toEqual({ source: '\\x41\\d' });
    expect(posixToJs('[^a]', { icase: false, newline: true })).toEqual({ source: '[^a\\n]' });
    expect(posixToJs('[]a]', { icase: false, newline: false })).toEqual({ source: '[\\]a]' });
    expect(posixToJs('[abc', { icase: false, newline: false })).toHaveProperty('error');
  });
});

describe('textops', () => {
  it('is-present-hf and is-present-hf-re', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(textops, 'is-present-hf', ctx, 'user-agent')).toBe(1);
    expect(call(textops, 'is-present-hf', ctx, 'X-None')).toBe(-1);
    expect(call(textops, 'is-present-hf-re', ctx, '^x-cus')).toBe(1);
    expect(call(textops, 'is-present-hf-re', ctx, '^x-none')).toBe(-1);
  });

  it('search matches the whole message case-insensitively, line by line', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(textops, 'search', ctx, '^invite sip:bob')).toBe(1);
    expect(call(textops, 'search', ctx, '^user-agent: test-ua')).toBe(1);
    expect(call(textops, 'search', ctx, 'X-Nothing')).toBe(-1);
    // REG_NEWLINE: `.` stays within a line.
    expect(call(textops, 'search', ctx, 'test-ua.*X-Custom')).toBe(-1);
  });

  it('search-body matches the body only; -1 without one', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(textops, 'search-body', ctx, '^v=0')).toBe(1);
    expect(call(textops, 'search-body', ctx, 'INVITE')).toBe(-1);
    const reply = contextFor(REPLY, 'reply').ctx;
    expect(call(textops, 'search-body', reply, '.')).toBe(-1);
  });

  it('refuses patterns the linear engine cannot run, and overlong ones', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(textops, 'search', ctx, '(a)\\1')).toBe(-1);
    expect(call(textops, 'search', ctx, 'a'.repeat(300))).toBe(-1);
    expect(call(textops, 'search', ctx, '[abc')).toBe(-1);
    // A pattern that backtracks exponentially elsewhere runs in linear time here.
    expect(call(textops, 'search', ctx, '^(a|a)*q$')).toBe(-1);
  });

  it('subst replaces the first match in the header lines, with groups and pseudo-variables', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(textops, 'subst', ctx, '/^(X-Custom): (.*)$/\\1: \\2-$ci/')).toBe(1);
    expect(ctx.msg.getAll('X-Custom')).toEqual(['one-call-1@10.0.0.1', 'two']);
    expect(ctx.request?.uri).toBe('sip:bob@example.com:5070;transport=udp;lr');
  });

  it('subst with g replaces every match, in the body too, and can split a line in two', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(textops, 'subst', ctx, '/^x-custom: (o|t)/X-Custom: _\\1/gi')).toBe(1);
    expect(ctx.msg.getAll('X-Custom')).toEqual(['_one', '_two']);
    expect(call(textops, 'subst', ctx, '/^(User-Agent: .*)$/\\1\\r\\nX-Added: yes/')).toBe(1);
    expect(ctx.msg.get('X-Added')).toBe('yes');
    expect(call(textops, 'subst', ctx, '/v=0/v=1/g')).toBe(1);
    expect(ctx.msg.body).toBe('v=1\n');
    expect(ctx.msg.toString()).toContain('Content-Length: 4\r\n');
    expect(call(textops, 'subst', ctx, '/nothing-here/x/')).toBe(-1);
  });

  it('subst leaves Via and Content-Length to the server and keeps Max-Forwards from rising', () => {
    const { ctx } = contextFor(INVITE);
    const before = ctx.msg.toString();
    expect(call(textops, 'subst', ctx, '/10\\.0\\.0\\.9/6.6.6.6/')).toBe(-1);
    expect(call(textops, 'subst', ctx, '/^Max-Forwards: 70/Max-Forwards: 99/')).toBe(-1);
    expect(call(textops, 'subst', ctx, '/^Call-ID: .*$/Call-ID:/')).toBe(-1);
    expect(ctx.msg.toString()).toBe(before);
    expect(call(textops, 'subst', ctx, '/^Max-Forwards: 70/Max-Forwards: 10/')).toBe(1);
    expect(ctx.msg.maxForwards).toBe(10);
  });

  it('subst refuses malformed expressions and results over the message budget', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(textops, 'subst', ctx, '/a/b')).toBe(-1);
    expect(call(textops, 'subst', ctx, '/a/b/q')).toBe(-1);
    expect(call(textops, 'subst', ctx, '/(a)/\\2/')).toBe(-1);
    const small = limited(500);
    const before = small.ctx.msg.toString();
    expect(
      call(textops, 'subst-body', small.ctx, '/v=0/$ci$ci$ci$ci$ci$ci$ci$ci$ci$ci$ci$ci$ci$ci$ci$ci/'),
    ).toBe(-1);
    expect(small.ctx.msg.toString()).toBe(before);
    expect(small.editsRefused.default).toBe(1);
  });

  it('subst-uri rewrites the Request-URI; \\u is the URI', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(textops, 'subst-uri', ctx, '/^sip:bob@([^:;]*).*$/sip:carol@\\1/')).toBe(1);
    expect(ctx.request?.uri).toBe('sip:carol@example.com');
    expect(call(textops, 'subst-uri', ctx, '/^sip:nobody/sip:x/')).toBe(-1);
    expect(call(textops, 'subst-uri', ctx, '/^.*$/not a uri/')).toBe(-1);
    expect(call(textops, 'subst-body', ctx, '/^v=0$/\\u/')).toBe(1);
    expect(ctx.msg.body).toBe('sip:carol@example.com\n');
    expect(call(textops, 'subst-uri', contextFor(REPLY, 'reply').ctx, '/a/b/')).toBe(-1);
  });

  it('remove-hf-re removes matching headers but never Via or Content-Length', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(textops, 'remove-hf-re', ctx, '^x-cust')).toBe(1);
    expect(ctx.msg.has('X-Custom')).toBe(false);
    expect(call(textops, 'remove-hf-re', ctx, '^x-cust')).toBe(-1);
    expect(call(textops, 'remove-hf-re', ctx, '^(via|content-length)$')).toBe(-1);
    expect(ctx.msg.getAll('Via')).toHaveLength(2);
  });

  it('has-body and has-body-type', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(textops, 'has-body', ctx)).toBe(1);
    expect(call(textops, 'has-body-type', ctx, 'application/SDP')).toBe(1);
    expect(call(textops, 'has-body-type', ctx, 'text/plain')).toBe(-1);
    const reply = contextFor(REPLY, 'reply').ctx;
    expect(call(textops, 'has-body', reply)).toBe(-1);
    expect(call(textopsx, 'remove-body', ctx)).toBe(1);
    expect(call(textops, 'has-body', ctx)).toBe(-1);
    expect(ctx.msg.has('Content-Type')).toBe(false);
  });

  it('set-body replaces the body and Content-Type; refuses empty values and oversize', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(textops, 'set-body', ctx, 'hello', 'text/plain')).toBe(1);
    expect(ctx.msg.body).toBe('hello');
    expect(ctx.msg.getAll('Content-Type')).toEqual(['text/plain']);
    expect(ctx.msg.toString()).toContain('Content-Length: 5\r\n');
    expect(call(textops, 'set-body', ctx, '', 'text/plain')).toBe(-1);
    expect(call(textops, 'set-body', ctx, 'x', '')).toBe(-1);
    const small = limited(800);
    expect(call(textops, 'set-body', small.ctx, 'x'.repeat(600), 'text/plain')).toBe(-1);
    expect(small.ctx.msg.body).toBe('v=0\n');
  });

  it('set-reply-body gives the generated reply a body, within the reply budget', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(textops, 'set-reply-body', ctx, 'busy', 'text/plain')).toBe(1);
    expect(ctx.answer.replyBody).toEqual({ body: 'busy', contentType: 'text/plain' });
    expect(call(textops, 'set-reply-body', ctx, '', 'text/plain')).toBe(-1);
    expect(call(textops, 'set-reply-body', limited(700).ctx, 'x'.repeat(600), 'text/plain')).toBe(-1);
  });
});

describe('textopsx', () => {
  it('msg-apply-changes answers 1 in a request route and for a reply, -1 elsewhere', () => {
    expect(call(textopsx, 'msg-apply-changes', contextFor(INVITE).ctx)).toBe(1);
    expect(call(textopsx, 'msg-apply-changes', contextFor(REPLY, 'reply').ctx)).toBe(1);
    expect(call(textopsx, 'msg-apply-changes', contextFor(INVITE, 'failure').ctx)).toBe(-1);
  });
});
