import { describe, expect, it } from 'vitest';
import { sanity } from '../../src/kemi/sanity.ts';
import { call, contextFor, INVITE, REPLY } from './fixture.ts';

const ALL_MSG = 0x7fff;
const ALL_URI = 15;

const variant = (from: string, to: string) => {
  if (!INVITE.includes(from)) throw new Error(`fixture has no '${from}'`);
  return INVITE.replace(from, to);
};

describe('sanity-check', () => {
  it('a well-formed request passes every check', () => {
    const { ctx, sent } = contextFor(INVITE);
    expect(call(sanity, 'sanity-check', ctx, ALL_MSG, ALL_URI)).toBe(1);
    expect(call(sanity, 'sanity-check-defaults', ctx)).toBe(1);
    expect(sent).toEqual([]);
  });

  it('replies pass', () => {
    expect(call(sanity, 'sanity-check', contextFor(REPLY, 'reply').ctx, ALL_MSG, ALL_URI)).toBe(1);
  });

  // [what, msg bits, uri bits, fixture text, status, replacement, other msg bits that look at the same field]
  const failures: [string, number, number, string, number, string, number][] = [
    [
      'R-URI scheme',
      2,
      0,
      'INVITE sip:bob@example.com:5070;transport=udp;lr',
      416,
      'INVITE mailto:bob@example.com',
      1024,
    ],
    ['Via SIP version', 8, 0, 'Via: SIP/2.0/UDP 10.0.0.1:5060', 505, 'Via: SIP/3.0/UDP 10.0.0.1:5060', 0],
    ['Via transport', 16, 0, 'Via: SIP/2.0/UDP 10.0.0.1:5060', 400, 'Via: SIP/2.0/TCP 10.0.0.1:5060', 0],
    ['Expires', 256, 0, 'X-Custom: one', 400, 'Expires: soon', 0],
    ['Proxy-Require', 512, 0, 'X-Custom: one', 420, 'Proxy-Require: foo, bar', 0],
    [
      'From URI',
      1024,
      2,
      'From: "Alice A" <sip:alice@example.org>',
      400,
      'From: "Alice A" <mailto:alice@example.org>',
      0,
    ],
    ['To URI', 1024, 4, 'To: Bob <sip:bob@example.com>', 400, 'To: Bob <urn:bob>', 0],
    ['Contact URI', 1024, 8, 'Contact: <sip:alice@10.0.0.1:5060>', 400, 'Contact: <http://x.org/>', 0],
    [
      'R-URI',
      1024,
      1,
      'INVITE sip:bob@example.com:5070;transport=udp;lr',
      400,
      'INVITE mailto:bob@example.com',
      2,
    ],
    ['credentials', 2048, 0, 'X-Custom: one', 400, 'Authorization: Digest garbage', 8192],
    ['duplicate tag', 4096, 0, ';tag=ft1', 400, ';tag=ft1;tag=ft2', 0],
    ['Authorization scheme', 8192, 0, 'X-Custom: one', 400, 'Authorization: Basic YWxhZGRpbjpvcGVu', 2048],
  ];

  it.each(failures)(
    '%s fails with the matching reply',
    (_what, msgBits, uriBits, from, status, to, related) => {
      const { ctx, sent } = contextFor(variant(from, to));
      expect(call(sanity, 'sanity-check', ctx, msgBits, uriBits)).toBe(-1);
      expect(sent).toHaveLength(1);
      expect(sent[0].status).toBe(status);
      expect(ctx.answer.pendingError?.status).toBe(status);
      // The same message passes every other check.
      const others = ALL_MSG & ~msgBits & ~related;
      const other = contextFor(variant(from, to));
      expect(
        call(sanity, 'sanity-check', other.ctx, others, msgBits === 1024 ? ALL_URI & ~uriBits : ALL_URI),
      ).toBe(1);
    },
  );

  it('420 lists the unsupported option tags', () => {
    const { ctx, sent } = contextFor(variant('X-Custom: one', 'Proxy-Require: foo, bar'));
    call(sanity, 'sanity-check', ctx, 512, 0);
    expect(sent[0].headers).toEqual([['Unsupported', 'foo, bar']]);
  });

  it('well-formed digest credentials pass', () => {
    const text = variant(
      'X-Custom: one',
      'Authorization: Digest username="alice", realm="x.org", nonce="abc", uri="sip:x.org", response="0123abcd", algorithm=MD5',
    );
    expect(call(sanity, 'sanity-check', contextFor(text).ctx, 2048 | 8192, 0)).toBe(1);
  });

  it('an ACK that fails is not answered', () => {
    const ack = variant('INVITE sip:', 'ACK sip:')
      .replace('CSeq: 101 INVITE', 'CSeq: 101 ACK')
      .replace('X-Custom: one', 'Expires: x');
    const { ctx, sent } = contextFor(ack);
    expect(call(sanity, 'sanity-check', ctx, 256, 0)).toBe(-1);
    expect(sent).toEqual([]);
  });
});
