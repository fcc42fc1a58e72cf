// KSR.kx getters against Kamailio 5.6's src/modules/kemix/kemix_mod.c: get_* answer $null (none), gete_*
// "" and getw_* "<<null>>" (SR_KEMI_XVAL_NULL_NONE / _EMPTY / _PRINT).
import { describe, expect, it } from 'vitest';
import { core } from '../../src/kemi/core.ts';
import { corex } from '../../src/kemi/corex.ts';
import { kx } from '../../src/kemi/kx.ts';
import { call, contextFor, INVITE, REPLY, SOURCE } from './fixture.ts';

const on = (text: string, ...names: string[]) => {
  const { ctx } = contextFor(text, text === REPLY ? 'reply' : 'request');
  return names.map((n) => call(kx, n, ctx));
};

describe('kx message getters', () => {
  it('R-URI, From, To and their parts', () => {
    expect(on(INVITE, 'get-ruri', 'get-ruser', 'get-rhost', 'get-ouri')).toEqual([
      'sip:bob@example.com:5070;transport=udp;lr',
      'bob',
      'example.com',
      'sip:bob@example.com:5070;transport=udp;lr',
    ]);
    expect(on(INVITE, 'get-furi', 'get-fuser', 'get-fhost', 'get-turi', 'get-tuser', 'get-thost')).toEqual([
      'sip:alice@example.org',
      'alice',
      'example.org',
      'sip:bob@example.com',
      'bob',
      'example.com',
    ]);
  });

  it('a reply has no R-URI: get none, gete "", getw "<<null>>" (ki_kx_get_ruri_attr)', () => {
    expect(
      on(REPLY, 'get-ruri', 'get-ruser', 'gete-ruser', 'getw-ruser', 'gete-rhost', 'getw-rhost'),
    ).toEqual([undefined, undefined, '', '<<null>>', '', '<<null>>']);
  });

  it('an empty user is $null (ki_kx_get_xuri_attr: user.len <= 0)', () => {
    const noUser = INVITE.replace('INVITE sip:bob@', 'INVITE sip:').replace(
      'From: "Alice A" <sip:alice@',
      'From: <sip:',
    );
    expect(on(noUser, 'get-ruser', 'gete-fuser', 'getw-fuser')).toEqual([undefined, '', '<<null>>']);
  });

  it('$du, next hop, Contact, User-Agent', () => {
    const { ctx } = contextFor(INVITE);
    expect([call(kx, 'get-duri', ctx), call(kx, 'gete-duri', ctx), call(kx, 'getw-duri', ctx)]).toEqual([
      undefined,
      '',
      '<<null>>',
    ]);
    expect(call(kx, 'get-nhuri', ctx)).toBe('sip:bob@example.com:5070;transport=udp;lr');
    call(core, 'setdsturi', ctx, 'sip:10.9.9.9:5080');
    expect(call(kx, 'get-duri', ctx)).toBe('sip:10.9.9.9:5080');
    expect(call(kx, 'get-nhuri', ctx)).toBe('sip:10.9.9.9:5080');
    expect(on(INVITE, 'get-cturi', 'get-ua', 'gete-ua', 'getw-ua')).toEqual([
      'sip:alice@10.0.0.1:5060',
      'test-ua/1.0',
      'test-ua/1.0',
      'test-ua/1.0',
    ]);
    const bare = INVITE.replace('User-Agent: test-ua/1.0\r\n', '').replace(
      'Contact: <sip:alice@10.0.0.1:5060>',
      'Contact: *',
    );
    expect(on(bare, 'get-cturi', 'gete-cturi', 'getw-cturi', 'get-ua', 'gete-ua', 'getw-ua')).toEqual([
      undefined,
      '',
      '<<null>>',
      undefined,
      '',
      '<<null>>',
    ]);
  });

  it('source and receiving socket (get_src_uri: no transport parameter for UDP)', () => {
    expect(on(INVITE, 'get-srcip', 'get-srcport', 'get-srcuri', 'get-srcaddr-sock')).toEqual([
      '10.0.0.1',
      5062,
      'sip:10.0.0.1:5062',
      'udp:10.0.0.1:5062',
    ]);
    expect(
      on(INVITE, 'get-rcvip', 'get-rcvport', 'get-rcvadvip', 'get-rcvadvport', 'get-rcvaddr-sock'),
    ).toEqual(['127.0.0.1', 5060, '127.0.0.1', 5060, 'udp:127.0.0.1:5060']);
    expect(on(INVITE, 'get-proto', 'get-protoid')).toEqual(['udp', 1]);
    const v6 = { proto: 'tcp' as const, remote: { address: '2001:db8::5', port: 5070 }, local: SOURCE.local };
    const { ctx } = contextFor(INVITE, 'request', v6);
    expect(call(kx, 'get-srcuri', ctx)).toBe('sip:[2001:db8::5]:5070;transport=tcp');
    expect(call(kx, 'get-srcaddr-sock', ctx)).toBe('tcp:[2001:db8::5]:5070');
    expect(call(kx, 'get-protoid', ctx)).toBe(2);
  });

  it('method, status, body, Call-ID, message type', () => {
    expect(on(INVITE, 'get-method', 'get-status', 'gets-status', 'get-msgtype', 'get-callid')).toEqual([
      'INVITE',
      -1,
      undefined,
      1,
      'call-1@10.0.0.1',
    ]);
    expect(on(REPLY, 'get-method', 'get-status', 'gets-status', 'get-msgtype')).toEqual([
      'INVITE',
      486,
      '486',
      2,
    ]);
    expect(on(INVITE, 'get-body', 'get-bodylen')).toEqual(['v=0\n', 4]);
    expect(on(REPLY, 'get-body', 'gete-body', 'getw-body', 'get-bodylen')).toEqual([
      undefined,
      '',
      '<<null>>',
      0,
    ]);
    const [buf, len] = on(INVITE, 'get-msgbuf', 'get-msglen');
    expect(String(buf).startsWith('INVITE sip:bob@example.com')).toBe(true);
    expect(len).toBe(Buffer.byteLength(String(buf)));
    const before = Math.floor(Date.now() / 1000);
    const ts = call(kx, 'get-timestamp', contextFor(INVITE).ctx) as number;
    expect(ts).toBeGreaterThanOrEqual(before);
    expect(ts).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
  });

  it('defines: get-def, get-defn, ifdef, ifndef', () => {
    const defines: Record<string, string> = { GW: 'sip:gw.example.com', N: '42' };
    const { ctx } = contextFor(INVITE, 'request', SOURCE, { getDefine: (_c, name) => defines[name] });
    expect(call(kx, 'get-def', ctx, 'GW')).toBe('sip:gw.example.com');
    expect(call(kx, 'get-defn', ctx, 'N')).toBe(42);
    expect(call(kx, 'ifdef', ctx, 'GW')).toBe(true);
    expect(call(kx, 'ifdef', ctx, 'NOPE')).toBe(false);
    expect(call(kx, 'ifndef', ctx, 'NOPE')).toBe(true);
  });
});

describe('corex.has_ruri_user (corex_mod.c ki_has_ruri_user)', () => {
  it('1 with a user, -1 without or for a reply', () => {
    expect(call(corex, 'has-ruri-user', contextFor(INVITE).ctx)).toBe(1);
    expect(
      call(corex, 'has-ruri-user', contextFor(INVITE.replace('INVITE sip:bob@', 'INVITE sip:')).ctx),
    ).toBe(-1);
    expect(call(corex, 'has-ruri-user', contextFor(REPLY, 'reply').ctx)).toBe(-1);
  });
});
