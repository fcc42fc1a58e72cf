import { describe, expect, it } from 'vitest';
import { sanity } from '../../src/kemi/sanity.ts';
import { call, contextFor, INVITE, REPLY, SOURCE } from './fixture.ts';

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

  it('a well-formed reply passes', () => {
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
    [
      'digest without a response',
      8192,
      0,
      'X-Custom: one',
      400,
      'Authorization: Digest username="a", realm="r", nonce="n", uri="sip:x"',
      2048,
    ],
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

  // sanity.c check_proxy_require: 420 Bad Proxy Require Extension naming the first unsupported tag.
  it('420 names the first unsupported option tag', () => {
    const { ctx, sent } = contextFor(variant('X-Custom: one', 'Proxy-Require: foo, bar'));
    call(sanity, 'sanity-check', ctx, 512, 0);
    expect(sent[0]).toMatchObject({ status: 420, reason: 'Bad Proxy Require Extension' });
    expect(sent[0].headers).toEqual([['Unsupported', 'foo']]);
  });

  // sanity.c check_digest_only / check_dig_cred and the reason phrases Kamailio sends.
  it.each([
    ['Digest username="", realm="r", nonce="n", uri="sip:x", response="x"', 'Auth Empty User'],
    ['Digest username="a", realm="r", nonce="", uri="sip:x", response="x"', 'Auth Empty Nonce'],
    ['Digest username="a", realm="r", nonce="n", uri="sip:x", response=""', 'Auth Empty Response'],
    [
      'Digest username="a", realm="r", nonce="n", uri="sip:x", response="x", qop=auth',
      'Bad Auth Credentials',
    ],
    ['Digest garbage', 'Bad Auth Header'],
  ])('digest credentials %s: 400 %s', (value, reason) => {
    const { ctx, sent } = contextFor(variant('X-Custom: one', `Proxy-Authorization: ${value}`));
    expect(call(sanity, 'sanity-check', ctx, 2048, 0)).toBe(-1);
    expect(sent[0]).toMatchObject({ status: 400, reason });
  });

  it('another scheme fails bit 2048 without a reply and passes bit 8192 (check_digest / check_authorization)', () => {
    const text = variant('X-Custom: one', 'Authorization: Basic YWxhZGRpbjpvcGVu');
    const a = contextFor(text);
    expect(call(sanity, 'sanity-check', a.ctx, 2048, 0)).toBe(-1);
    expect(a.sent).toEqual([]);
    expect(call(sanity, 'sanity-check', contextFor(text).ctx, 8192, 0)).toBe(1);
  });

  it('Kamailio reason phrases: Expires, From, To, duplicate tags', () => {
    const reason = (from: string, to: string, msg: number, uri = 0) => {
      const { ctx, sent } = contextFor(variant(from, to));
      call(sanity, 'sanity-check', ctx, msg, uri);
      return sent[0]?.reason;
    };
    expect(reason('X-Custom: one', 'Expires: soon', 256)).toBe('Expires value is illegal');
    expect(reason('X-Custom: one', 'Expires: 4294967295', 256)).toBeUndefined();
    expect(reason('X-Custom: one', 'Expires: 4294967296', 256)).toBe('Expires value is illegal');
    expect(reason('From: "Alice A" <sip:', 'From: "Alice A" <mailto:', 1024, 2)).toBe('Invalid From Header');
    expect(reason('To: Bob <sip:', 'To: Bob <urn:', 1024, 4)).toBe('Ivalid To Header');
    expect(reason(';tag=ft1', ';tag=ft1;tag=ft2', 4096)).toBe('Many From Tag Params');
    expect(reason('INVITE sip:bob@example.com:5070;transport=udp;lr', 'INVITE sip:@', 2)).toBe(
      'Bad Request URI',
    );
  });

  // An initial request's To URI is often its R-URI: the To check then reads the R-URI's kept parse, and must
  // answer as a parse of the To URI would, whether it is well-formed or not, and after the R-URI changed.
  it('the To check when the To URI is the Request-URI', () => {
    const same = (ruri: string) =>
      contextFor(
        INVITE.replace('INVITE sip:bob@example.com:5070;transport=udp;lr', `INVITE ${ruri}`).replace(
          'To: Bob <sip:bob@example.com>',
          `To: Bob <${ruri}>`,
        ),
      );
    const good = same('sip:bob@example.com');
    expect(call(sanity, 'sanity-check', good.ctx, 1024, 4)).toBe(1);
    const bad = same('sip:bob@-bad-.example.com');
    expect(call(sanity, 'sanity-check', bad.ctx, 1024, 4)).toBe(-1);
    expect(bad.sent.map((s) => s.reason)).toEqual(['Ivalid To Header']);
    const changed = same('sip:bob@-bad-.example.com');
    expect(changed.ctx.request!.setUri('sip:bob@example.com')).toBe(true);
    expect(call(sanity, 'sanity-check', changed.ctx, 1024, 4)).toBe(-1);
    const fixed = same('sip:bob@example.com');
    expect(fixed.ctx.request!.setUri('sip:bob@-bad-.example.com')).toBe(true);
    expect(call(sanity, 'sanity-check', fixed.ctx, 1024, 4)).toBe(1);
  });

  // sanity_mod.c: sanity_check is allowed in ONREPLY_ROUTE; sanity_reply never answers a reply.
  it('on a reply: the message checks run, the request-line ones do not, and nothing is sent', () => {
    const bad = REPLY.replace('Content-Length: 0', 'Expires: soon\r\nContent-Length: 0');
    const r = contextFor(bad, 'reply');
    expect(call(sanity, 'sanity-check', r.ctx, 256, 0)).toBe(-1);
    expect(r.sent).toEqual([]);
    expect(call(sanity, 'sanity-check', contextFor(REPLY, 'reply').ctx, 1 | 2 | 32, 1)).toBe(1);
  });

  // sanity noreply + sanity_reply (sanity.c ki_sanity_reply).
  it('with noreply the reply is kept for sanity-reply; without a failure sanity-reply sends 500', () => {
    const host = { sanityNoReply: true };
    const { ctx, sent } = contextFor(variant('X-Custom: one', 'Proxy-Require: foo'), 'request', SOURCE, host);
    expect(call(sanity, 'sanity-check', ctx, 512, 0)).toBe(-1);
    expect(sent).toEqual([]);
    expect(call(sanity, 'sanity-reply', ctx)).toBe(1);
    expect(sent[0]).toMatchObject({ status: 420, reason: 'Bad Proxy Require Extension' });
    expect(sent[0].headers).toEqual([['Unsupported', 'foo']]);
    const none = contextFor(INVITE, 'request', SOURCE, host);
    expect(call(sanity, 'sanity-reply', none.ctx)).toBe(1);
    expect(none.sent[0]).toMatchObject({ status: 500, reason: 'Server Sanity Failure' });
    // Without noreply sanity-reply does nothing.
    const plain = contextFor(INVITE);
    expect(call(sanity, 'sanity-reply', plain.ctx)).toBe(1);
    expect(plain.sent).toEqual([]);
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
