import { describe, expect, it } from 'vitest';
import { core } from '../../src/kemi/core.ts';
import { pv } from '../../src/kemi/pv.ts';
import { sl } from '../../src/kemi/sl.ts';
import { x } from '../../src/kemi/x.ts';
import { call, contextFor, INVITE, REPLY, SOURCE } from './fixture.ts';

describe('core method tests', () => {
  it('is-method matches case-insensitively, on the CSeq method for replies', () => {
    expect(call(core, 'is-method', contextFor(INVITE).ctx, 'invite')).toBe(true);
    expect(call(core, 'is-method', contextFor(INVITE).ctx, 'BYE')).toBe(false);
    expect(call(core, 'is-method', contextFor(REPLY).ctx, 'INVITE')).toBe(true);
  });

  it('is-method-in takes KEMI letters', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(core, 'is-method-in', ctx, 'ABI')).toBe(true);
    expect(call(core, 'is-method-in', ctx, 'abc')).toBe(false);
    expect(call(core, 'is-method-in', ctx, '')).toBe(false);
  });

  // Kamailio 5.6 src/core/kemi.c sr_kemi_core_is_method_in: E PRACK, F REFER, K KDMQ, G GET, T POST, V PUT,
  // D DELETE; INFO has no letter; a method it does not know (METHOD_OTHER) matches none.
  it.each([
    ['PRACK', 'E', 'FK'],
    ['REFER', 'F', 'EK'],
    ['KDMQ', 'K', 'EF'],
    ['GET', 'g', 'T'],
    ['POST', 'T', 'V'],
    ['PUT', 'v', 'T'],
    ['DELETE', 'D', 'GTV'],
    ['UPDATE', 'u', 'E'],
    ['INFO', '', 'IABCMREPSNOFGUKDTV'],
    ['FOO', '', 'IABCMREPSNOFGUKDTV'],
  ])('is-method-in letters as kemi.c: %s', (m, yes, no) => {
    const { ctx } = contextFor(withMethod(m));
    if (yes) expect(call(core, 'is-method-in', ctx, yes)).toBe(true);
    expect(call(core, 'is-method-in', ctx, no)).toBe(false);
  });

  // kemi.c sr_kemi_core_match_method_id: "A|B" is a list of standard methods (parse_methods); one
  // unknown name makes the whole test false; a non-standard request method is only compared literally.
  it('is-method accepts a | list of standard methods (kemi.c sr_kemi_core_match_method_id)', () => {
    expect(call(core, 'is-method', contextFor(INVITE).ctx, 'BYE|INVITE')).toBe(true);
    expect(call(core, 'is-method', contextFor(INVITE).ctx, 'bye|invite')).toBe(true);
    expect(call(core, 'is-method', contextFor(INVITE).ctx, 'BYE|CANCEL')).toBe(false);
    expect(call(core, 'is-method', contextFor(INVITE).ctx, 'INVITE|FOO')).toBe(false);
    expect(call(core, 'is-method', contextFor(REPLY).ctx, 'ACK|INVITE')).toBe(true);
    expect(call(core, 'is-method', contextFor(withMethod('FOO')).ctx, 'FOO|BAR')).toBe(false);
    expect(call(core, 'is-method', contextFor(withMethod('FOO')).ctx, 'foo')).toBe(true);
  });

  it('is-INVITE ... is-DELETE test one method each (kemi.c sr_kemi_core_is_method_type)', () => {
    const names = ['INVITE', 'ACK', 'BYE', 'CANCEL', 'REGISTER', 'OPTIONS', 'SUBSCRIBE', 'PUBLISH', 'NOTIFY'];
    names.push('REFER', 'INFO', 'UPDATE', 'PRACK', 'MESSAGE', 'KDMQ', 'GET', 'POST', 'PUT', 'DELETE');
    for (const m of names) {
      const { ctx } = contextFor(withMethod(m));
      for (const other of names) expect(call(core, `is-${other}`, ctx), `${m} is-${other}`).toBe(m === other);
    }
    expect(call(core, 'is-INVITE', contextFor(REPLY).ctx)).toBe(true);
  });
});

/** INVITE with another method in the request line and CSeq. */
function withMethod(m: string): string {
  return INVITE.replace(/^INVITE /, `${m} `).replace('CSeq: 101 INVITE', `CSeq: 101 ${m}`);
}

describe('core protocol tests (kemi.c sr_kemi_core_is_proto_*, _to_proto_*)', () => {
  const tcp = { ...SOURCE, proto: 'tcp' as const };
  it('is-UDP, is-TCP, is-proto by the transport the message arrived over; TLS, SCTP and WS never', () => {
    const udp = contextFor(INVITE).ctx;
    const overTcp = contextFor(INVITE, 'request', tcp).ctx;
    expect(call(core, 'is-UDP', udp)).toBe(true);
    expect(call(core, 'is-TCP', udp)).toBe(false);
    expect(call(core, 'is-TCP', overTcp)).toBe(true);
    for (const f of ['is-TLS', 'is-SCTP', 'is-WS', 'is-WSS', 'is-WSX'])
      expect(call(core, f, overTcp)).toBe(false);
    expect(call(core, 'is-proto', udp, 'tu')).toBe(true);
    expect(call(core, 'is-proto', udp, 'TESVW')).toBe(false);
    expect(call(core, 'is-proto', overTcp, 'T')).toBe(true);
    expect(call(core, 'is-ipv4', udp)).toBe(true);
    expect(call(core, 'is-ipv6', udp)).toBe(false);
    expect(call(core, 'is-src-port', udp, 5062)).toBe(true);
    expect(call(core, 'is-dst-port', udp, 5060)).toBe(true);
    expect(call(core, 'is-dst-port', udp, 5062)).toBe(false);
  });

  it('to-* read the transport parameter of $du, else the R-URI; none without one (parse_uri sets no default)', () => {
    const { ctx } = contextFor(INVITE); // R-URI ;transport=udp
    expect(call(core, 'to-UDP', ctx)).toBe(true);
    expect(call(core, 'to-TCP', ctx)).toBe(false);
    expect(call(core, 'setdsturi', ctx, 'sip:10.1.1.1;transport=TCP')).toBe(true);
    expect(call(core, 'to-TCP', ctx)).toBe(true);
    expect(call(core, 'to-UDP', ctx)).toBe(false);
    expect(call(core, 'to-ipv4', ctx)).toBe(true);
    expect(call(core, 'setdsturi', ctx, 'sip:[2001:db8::1]')).toBe(true);
    for (const f of ['to-UDP', 'to-TCP', 'to-TLS', 'to-SCTP', 'to-WS', 'to-WSS', 'to-WSX'])
      expect(call(core, f, ctx)).toBe(false);
    expect(call(core, 'to-ipv6', ctx)).toBe(true);
    expect(call(core, 'setdsturi', ctx, 'sip:proxy.example.com;transport=ws')).toBe(true);
    expect(call(core, 'to-WS', ctx)).toBe(true);
    expect(call(core, 'to-WSX', ctx)).toBe(true);
    expect(call(core, 'to-ipv4', ctx)).toBe(false);
    expect(call(core, 'setdsturi', ctx, 'sip:proxy.example.com;transport=wss')).toBe(true);
    expect(call(core, 'to-WSS', ctx)).toBe(false);
  });

  it('to-* on a reply read its second Via', () => {
    const reply = REPLY.replace(
      'CSeq:',
      'Via: SIP/2.0/TCP 10.0.0.9;branch=z9hG4bK-0;received=192.0.2.4\r\nCSeq:',
    );
    const { ctx } = contextFor(reply, 'reply');
    expect(call(core, 'to-TCP', ctx)).toBe(true);
    expect(call(core, 'to-UDP', ctx)).toBe(false);
    expect(call(core, 'to-ipv4', ctx)).toBe(true);
  });
});

describe('core is-myself', () => {
  const ctxFor = (ruri: string) =>
    contextFor(INVITE.replace('sip:bob@example.com:5070;transport=udp;lr', ruri)).ctx;
  it('matches listen address and port, or a domain', () => {
    expect(call(core, 'is-myself', ctxFor('sip:a@b'), 'sip:127.0.0.1:5060')).toBe(true);
    expect(call(core, 'is-myself', ctxFor('sip:a@b'), 'sip:127.0.0.1:5070')).toBe(false);
    expect(call(core, 'is-myself', ctxFor('sip:a@b'), 'sip:u@myself.test')).toBe(true);
    expect(call(core, 'is-myself', ctxFor('sip:a@b'), 'garbage')).toBe(false);
    expect(call(core, 'is-myself', ctxFor('sip:a@b'), 'tel:+123')).toBe(false);
  });
  it('on the R-URI, From, To and source', () => {
    expect(call(core, 'is-myself-ruri', ctxFor('sip:127.0.0.1'))).toBe(true);
    expect(call(core, 'is-myself-ruri', ctxFor('sip:bob@example.com'))).toBe(false);
    expect(call(core, 'is-myself-furi', ctxFor('sip:a@b'))).toBe(false);
    expect(
      call(
        core,
        'is-myself-turi',
        contextFor(INVITE.replace('To: Bob <sip:bob@example.com>', 'To: <sip:127.0.0.1>')).ctx,
      ),
    ).toBe(true);
    expect(call(core, 'is-myself-srcip', ctxFor('sip:a@b'))).toBe(false);
  });
});

describe('core flags', () => {
  it('set, test and reset message and branch flags 0..31', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(core, 'setflag', ctx, 3)).toBe(true);
    expect(call(core, 'setflag', ctx, 31)).toBe(true);
    expect(call(core, 'isflagset', ctx, 3)).toBe(true);
    expect(call(core, 'isflagset', ctx, 31)).toBe(true);
    expect(call(core, 'isflagset', ctx, 4)).toBe(false);
    expect(call(core, 'resetflag', ctx, 3)).toBe(true);
    expect(call(core, 'isflagset', ctx, 3)).toBe(false);
    expect(call(core, 'setbflag', ctx, 2)).toBe(true);
    expect(call(core, 'isbflagset', ctx, 2)).toBe(true);
    expect(call(core, 'isflagset', ctx, 2)).toBe(false);
    expect(call(core, 'resetbflag', ctx, 2)).toBe(true);
    expect(call(core, 'isbflagset', ctx, 2)).toBe(false);
  });
  it.each([-1, 32, 1000])('refuses flag %i', (flag) => {
    const { ctx } = contextFor(INVITE);
    expect(call(core, 'setflag', ctx, flag)).toBe(false);
    expect(call(core, 'isflagset', ctx, flag)).toBe(false);
    expect(call(core, 'setbflag', ctx, flag)).toBe(false);
    expect(ctx.flags.message).toBe(0);
  });
});

describe('core URI setters', () => {
  it('seturi, setuser, sethost', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(core, 'seturi', ctx, 'sip:x@y.org')).toBe(true);
    expect(call(core, 'setuser', ctx, 'z')).toBe(true);
    expect(call(core, 'sethost', ctx, 'w.net')).toBe(true);
    expect(ctx.request!.uri).toBe('sip:z@w.net');
    expect(call(core, 'seturi', ctx, 'bad')).toBe(false);
    expect(ctx.request!.uri).toBe('sip:z@w.net');
  });
  it('setdsturi, isdsturiset, resetdsturi', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(core, 'isdsturiset', ctx)).toBe(false);
    expect(call(core, 'setdsturi', ctx, 'sip:10.0.0.2:5080')).toBe(true);
    expect(call(core, 'isdsturiset', ctx)).toBe(true);
    expect(call(core, 'setdsturi', ctx, 'nonsense')).toBe(false);
    expect(ctx.relay.dstUri).toBe('sip:10.0.0.2:5080');
    expect(call(core, 'resetdsturi', ctx)).toBe(true);
    expect(call(core, 'isdsturiset', ctx)).toBe(false);
  });
  it('setters fail on a reply', () => {
    expect(call(core, 'seturi', contextFor(REPLY).ctx, 'sip:x@y')).toBe(false);
    expect(call(core, 'force-rport', contextFor(REPLY).ctx)).toBe(false);
  });
});

describe('core force-rport, set-drop, logging', () => {
  it('force-rport and set-drop mark the context; the route goes on', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(core, 'force-rport', ctx)).toBe(true);
    call(core, 'set-drop', ctx);
    expect(ctx.answer.forceRport).toBe(true);
    expect(ctx.answer.dropped).toBe(true);
    expect(ctx.answer.finished).toBeUndefined();
    expect(call(core, 'is-method', ctx, 'INVITE')).toBe(true);
  });
  it('log functions accept any level name', () => {
    const { ctx } = contextFor(INVITE);
    for (const f of ['dbg', 'info', 'notice', 'warn', 'err', 'crit'])
      expect(call(core, f, ctx, 'text\n')).toBeUndefined();
    expect(call(core, 'log', ctx, 'bogus', 'text')).toBeUndefined();
  });
});

describe('x.exit and x.drop', () => {
  it('exit ignores every later call of the route', () => {
    const { ctx, sent } = contextFor(INVITE);
    call(x, 'exit', ctx);
    expect(ctx.answer.finished).toBe('exit');
    expect(ctx.answer.dropped).toBe(false);
    expect(call(sl, 'sl-send-reply', ctx, 404, 'Not Found')).toBe(-1);
    expect(call(core, 'is-method', ctx, 'INVITE')).toBe(false);
    expect(call(pv, 'get', ctx, '$ru')).toBeUndefined();
    call(pv, 'sets', ctx, '$ru', 'sip:changed@x');
    expect(ctx.request!.uri).toBe('sip:bob@example.com:5070;transport=udp;lr');
    expect(sent).toEqual([]);
  });
  it('drop also marks the message dropped', () => {
    const { ctx } = contextFor(INVITE);
    call(x, 'drop', ctx);
    expect(ctx.answer.finished).toBe('drop');
    expect(ctx.answer.dropped).toBe(true);
  });
});
