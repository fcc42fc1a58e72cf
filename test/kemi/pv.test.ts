import { describe, expect, it } from 'vitest';
import { hdr } from '../../src/kemi/hdr.ts';
import { pvNames } from '../../src/kemi/pseudo-variables.ts';
import { pv } from '../../src/kemi/pv.ts';
import { call, contextFor, INVITE, REPLY } from './fixture.ts';

const get = (text: string, name: string) => call(pv, 'get', contextFor(text).ctx, name);

describe('pv.get on a request', () => {
  const cases: [string, string | undefined][] = [
    ['$ru', 'sip:bob@example.com:5070;transport=udp;lr'],
    ['$rU', 'bob'],
    ['$rd', 'example.com'],
    ['$rp', '5070'],
    ['$rz', 'sip'],
    ['$ou', 'sip:bob@example.com:5070;transport=udp;lr'],
    ['$du', undefined],
    ['$fu', 'sip:alice@example.org'],
    ['$fU', 'alice'],
    ['$fd', 'example.org'],
    ['$fn', 'Alice A'],
    ['$ft', 'ft1'],
    ['$tu', 'sip:bob@example.com'],
    ['$tU', 'bob'],
    ['$td', 'example.com'],
    ['$tn', 'Bob'],
    ['$tt', undefined],
    ['$ci', 'call-1@10.0.0.1'],
    ['$cs', '101'],
    ['$rm', 'INVITE'],
    ['$rs', undefined],
    ['$rr', undefined],
    ['$rv', 'SIP/2.0'],
    ['$si', '10.0.0.1'],
    ['$sp', '5062'],
    ['$Ri', '127.0.0.1'],
    ['$Rp', '5060'],
    ['$pr', 'udp'],
    ['$proto', 'udp'],
    ['$ua', 'test-ua/1.0'],
    ['$ct', '<sip:alice@10.0.0.1:5060>'],
    ['$cT', 'application/sdp'],
    ['$cl', '4'],
    ['$ml', String(Buffer.byteLength(INVITE))],
    ['$mb', INVITE],
    ['$rb', 'v=0\n'],
    ['$hdr(X-Custom)', 'one'],
    ['$hdr(x-custom)', 'one'],
    ['$hdr(v)', 'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1;rport'],
    ['$hdr(Missing)', undefined],
    ['$hdrc(X-Custom)', '2'],
    ['$var(unset)', undefined],
  ];
  it.each(cases)('%s', (name, expected) => {
    expect(get(INVITE, name)).toBe(expected);
  });

  it('$Ts is the current unix time', () => {
    const now = Math.floor(Date.now() / 1000);
    expect(Number(get(INVITE, '$Ts'))).toBeGreaterThanOrEqual(now);
  });

  it('$rp defaults to 5060, or 5061 for sips', () => {
    expect(get(INVITE.replace('sip:bob@example.com:5070', 'sip:bob@example.com'), '$rp')).toBe('5060');
    expect(get(INVITE.replace('sip:bob@example.com:5070', 'sips:bob@example.com'), '$rp')).toBe('5061');
  });
});

describe('pv.get on a reply', () => {
  it.each([
    ['$rs', '486'],
    ['$rr', 'Busy Here'],
    ['$rm', 'INVITE'],
    ['$ru', undefined],
    ['$tt', 'tt9'],
  ])('%s', (name, expected) => {
    expect(get(REPLY, name)).toBe(expected);
  });
});

describe('pv writes', () => {
  it('$ru, $rU, $rd, $rp rewrite the R-URI', () => {
    const { ctx } = contextFor(INVITE);
    call(pv, 'sets', ctx, '$rU', 'carol');
    expect(ctx.request!.uri).toBe('sip:carol@example.com:5070;transport=udp;lr');
    call(pv, 'sets', ctx, '$rd', 'other.net');
    call(pv, 'seti', ctx, '$rp', 5080);
    expect(ctx.request!.uri).toBe('sip:carol@other.net:5080;transport=udp;lr');
    call(pv, 'sets', ctx, '$ru', 'sip:dave@x.org');
    expect(call(pv, 'get', ctx, '$ru')).toBe('sip:dave@x.org');
    expect(call(pv, 'get', ctx, '$ou')).toBe('sip:bob@example.com:5070;transport=udp;lr');
    call(pv, 'unset', ctx, '$rU');
    expect(ctx.request!.uri).toBe('sip:x.org');
  });

  it('refuses a malformed URI and a bad port, leaving the R-URI as it was', () => {
    const { ctx } = contextFor(INVITE);
    call(pv, 'sets', ctx, '$ru', 'not a uri');
    call(pv, 'sets', ctx, '$rp', '70000');
    expect(ctx.request!.uri).toBe('sip:bob@example.com:5070;transport=udp;lr');
  });

  it('$du set, read and unset', () => {
    const { ctx } = contextFor(INVITE);
    call(pv, 'sets', ctx, '$du', 'sip:10.1.1.1:5080;transport=tcp');
    expect(ctx.relay.dstUri).toBe('sip:10.1.1.1:5080;transport=tcp');
    expect(call(pv, 'is-null', ctx, '$du')).toBe(false);
    call(pv, 'unset', ctx, '$du');
    expect(call(pv, 'is-null', ctx, '$du')).toBe(true);
  });

  it('$var holds strings and integers for the message', () => {
    const { ctx } = contextFor(INVITE);
    call(pv, 'sets', ctx, '$var(a)', 'hello');
    call(pv, 'seti', ctx, '$var(n)', 42);
    expect(call(pv, 'get', ctx, '$var(a)')).toBe('hello');
    expect(call(pv, 'getvn', ctx, '$var(n)', 0)).toBe(42);
    expect(call(pv, 'getvn', ctx, '$var(a)', -7)).toBe(-7);
    call(pv, 'unset', ctx, '$var(a)');
    expect(call(pv, 'is-null', ctx, '$var(a)')).toBe(true);
    expect(contextFor(INVITE).ctx.vars.size).toBe(0);
  });

  it('read-only variables keep their value', () => {
    const { ctx } = contextFor(INVITE);
    call(pv, 'sets', ctx, '$ci', 'forged');
    expect(call(pv, 'get', ctx, '$ci')).toBe('call-1@10.0.0.1');
  });
});

describe('pv fallbacks', () => {
  it('gete, getvs, getw and getvn for $null', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(pv, 'gete', ctx, '$tt')).toBe('');
    expect(call(pv, 'getvs', ctx, '$tt', 'none')).toBe('none');
    expect(call(pv, 'getw', ctx, '$tt')).toBe('<<null>>');
    expect(call(pv, 'getvn', ctx, '$tt', 9)).toBe(9);
    expect(call(pv, 'getvn', ctx, '$cs', 9)).toBe(101);
    expect(call(pv, 'gete', ctx, '$fU')).toBe('alice');
  });

  it.each(['$nope', 'ru', '$hdr', '$hdr()', '$ru(x)', '$', '$var(a'])(
    'unknown or malformed name %s reads as $null',
    (name) => {
      const { ctx } = contextFor(INVITE);
      expect(call(pv, 'get', ctx, name)).toBeUndefined();
      expect(call(pv, 'getw', ctx, name)).toBe('<<null>>');
    },
  );

  it('the table lists the issue-required names', () => {
    for (const name of [
      '$ru',
      '$rU',
      '$rd',
      '$rp',
      '$rz',
      '$du',
      '$fu',
      '$fU',
      '$fd',
      '$fn',
      '$ft',
      '$tu',
      '$tU',
      '$td',
      '$tn',
      '$tt',
      '$ci',
      '$cs',
      '$rm',
      '$rs',
      '$rr',
      '$si',
      '$sp',
      '$Ri',
      '$Rp',
      '$pr',
      '$proto',
      '$ua',
      '$ct',
      '$ml',
      '$hdr(name)',
      '$var(name)',
    ])
      expect(pvNames).toContain(name);
  });
});

// src/core/kemi.c sr_kemi_pv_geti: 0 for $null, an integer as is, a string through str2sint, whose
// result stays what it parsed up to the first non-digit (src/core/ut.h str2snval), held at INT_MIN/MAX.
describe('pv.geti', () => {
  it('gives integers as Kamailio str2sint leaves them', () => {
    const { ctx } = contextFor(INVITE);
    const geti = (name: string) => call(pv, 'geti', ctx, name);
    expect(geti('$cs')).toBe(101);
    expect(geti('$du')).toBe(0);
    expect(geti('$sp')).toBe(5062);
    for (const [v, n] of [
      ['42', 42],
      ['-7', -7],
      ['+9', 9],
      ['12ab', 12],
      ['ab', 0],
      ['', 0],
      ['99999999999', 2147483647],
      ['-99999999999', -2147483648],
    ] as const) {
      call(pv, 'sets', ctx, '$var(x)', v);
      expect(geti('$var(x)'), v).toBe(n);
    }
  });
});

describe('$avp and $rc', () => {
  it('$avp(name) holds one value per name; s:name is name; $null removes it', () => {
    const { ctx } = contextFor(INVITE);
    call(pv, 'sets', ctx, '$avp(oexten)', 'bob');
    expect(call(pv, 'get', ctx, '$avp(oexten)')).toBe('bob');
    expect(call(pv, 'get', ctx, '$avp(s:oexten)')).toBe('bob');
    call(pv, 'seti', ctx, '$avp(RECEIVED)', 3);
    expect(call(pv, 'getvn', ctx, '$avp(RECEIVED)', 0)).toBe(3);
    call(pv, 'unset', ctx, '$avp(oexten)');
    expect(call(pv, 'is-null', ctx, '$avp(oexten)')).toBe(true);
  });

  it('$rc is the code of the last KSR function that returned one (a bool as 1 / -1)', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(pv, 'get', ctx, '$rc')).toBe('0');
    // The runtime calls the tables' functions; `call` does the same.
    expect(call(hdr, 'is-present', ctx, 'X-None')).toBe(-1);
    expect(call(pv, 'getvn', ctx, '$rc', 99)).toBe(-1);
    expect(call(pv, 'geti', ctx, '$retcode')).toBe(-1);
    expect(call(hdr, 'remove', ctx, 'X-Custom')).toBe(2);
    expect(call(pv, 'get', ctx, '$rc')).toBe('2');
  });
});

describe('hdr.gete / hdr.getw (kemi.c sr_kemi_hdr_gete, _getw)', () => {
  it('give "" and "<<null>>" for a missing header', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(hdr, 'gete', ctx, 'User-Agent')).toBe('test-ua/1.0');
    expect(call(hdr, 'gete', ctx, 'X-None')).toBe('');
    expect(call(hdr, 'getw', ctx, 'X-None')).toBe('<<null>>');
    expect(call(hdr, 'getw-idx', ctx, 'X-Custom', -1)).toBe('two');
    expect(call(hdr, 'gete-idx', ctx, 'X-Custom', 5)).toBe('');
    expect(call(hdr, 'getw-idx', ctx, 'X-Custom', 5)).toBe('<<null>>');
  });
});
