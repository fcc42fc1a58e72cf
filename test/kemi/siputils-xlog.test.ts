import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { RouteContext } from '../../src/kemi/index.ts';
import { siputils } from '../../src/kemi/siputils.ts';
import { expand, MAX_LINE, xlog } from '../../src/kemi/xlog.ts';
import { call, contextFor, INVITE, REPLY, SOURCE } from './fixture.ts';

describe('siputils', () => {
  it('message tests', () => {
    const req = contextFor(INVITE).ctx;
    const rep = contextFor(REPLY, 'reply').ctx;
    expect(call(siputils, 'has-totag', req)).toBe(-1);
    expect(call(siputils, 'has-totag', rep)).toBe(1);
    expect(call(siputils, 'is-request', req)).toBe(1);
    expect(call(siputils, 'is-request', rep)).toBe(-1);
    expect(call(siputils, 'is-reply', rep)).toBe(1);
    expect(call(siputils, 'is-first-hop', req)).toBe(-1);
    expect(call(siputils, 'is-first-hop', rep)).toBe(1);
  });

  it('is-first-hop on a reply: as Kamailio 5.6, by its top Record-Route', () => {
    const withRr = (rr: string, source = SOURCE) =>
      contextFor(REPLY.replace('Call-ID:', `Record-Route: ${rr}\r\nCall-ID:`), 'onreply', source).ctx;
    // Top Record-Route is this server (the fixture host's 127.0.0.1:5060), the reply came from elsewhere.
    expect(call(siputils, 'is-first-hop', withRr('<sip:127.0.0.1;lr>'))).toBe(1);
    // Not an IP address, not this server: not first hop.
    expect(call(siputils, 'is-first-hop', withRr('<sip:myself.test;lr>'))).toBe(-1);
    expect(call(siputils, 'is-first-hop', withRr('<sip:10.9.9.9;lr>'))).toBe(-1);
    // Came from the very address of the Record-Route: a loop.
    const self = { ...SOURCE, remote: { address: '127.0.0.1', port: 5060 } };
    expect(call(siputils, 'is-first-hop', withRr('<sip:127.0.0.1;lr>', self))).toBe(-1);
  });

  it('E.164', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(siputils, 'is-e164', ctx, '+4915112345')).toBe(1);
    expect(call(siputils, 'is-e164', ctx, '4915112345')).toBe(-1);
    expect(call(siputils, 'is-e164', ctx, '+1')).toBe(-1);
    expect(call(siputils, 'is-e164', ctx, '+1234567890123456')).toBe(-1);
    expect(call(siputils, 'is-uri-user-e164', ctx, 'sip:+4930123@x.org')).toBe(1);
    expect(call(siputils, 'is-uri-user-e164', ctx, 'sip:alice@x.org')).toBe(-1);
    expect(call(siputils, 'is-uri-user-e164', ctx, 'junk')).toBe(-2);
  });

  it('R-URI parameters', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(siputils, 'uri-param', ctx, 'lr')).toBe(1);
    expect(call(siputils, 'uri-param', ctx, 'TRANSPORT')).toBe(1);
    expect(call(siputils, 'uri-param', ctx, 'maddr')).toBe(-1);
    expect(call(siputils, 'uri-param-value', ctx, 'transport', 'udp')).toBe(1);
    expect(call(siputils, 'uri-param-value', ctx, 'transport', 'tcp')).toBe(-1);
    expect(call(siputils, 'add-uri-param', ctx, 'x=1')).toBe(1);
    expect(call(siputils, 'add-uri-param', ctx, 'flag')).toBe(1);
    expect(ctx.request!.uri).toBe('sip:bob@example.com:5070;transport=udp;lr;x=1;flag');
    expect(call(siputils, 'add-uri-param', ctx, 'bad param')).toBe(-1);
    expect(call(siputils, 'uri-param', contextFor(REPLY, 'reply').ctx, 'lr')).toBe(-2);
  });

  it('cmp-uri and cmp-aor', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(siputils, 'cmp-uri', ctx, 'sip:a@X.org;transport=tcp', 'sip:a@x.org;TRANSPORT=tcp')).toBe(1);
    expect(call(siputils, 'cmp-uri', ctx, 'sip:a@x.org', 'sip:a@x.org:5060')).toBe(-1);
    expect(call(siputils, 'cmp-uri', ctx, 'sip:a@x.org', 'x')).toBe(-2);
    expect(call(siputils, 'cmp-aor', ctx, 'sip:a@x.org:5060', 'sip:a@X.ORG;lr')).toBe(1);
    expect(call(siputils, 'cmp-aor', ctx, 'sip:a@x.org', 'sip:b@x.org')).toBe(-1);
  });
});

describe('xlog', () => {
  it('expands pseudo-variables, $null as <null>, unknown names as written', () => {
    const { ctx } = contextFor(INVITE);
    expect(expand(ctx, '$rm $ru from $si:$sp [$ci] $hdr(X-Custom) $tt $bogus $ $5 100%')).toBe(
      'INVITE sip:bob@example.com:5070;transport=udp;lr from 10.0.0.1:5062 [call-1@10.0.0.1] one <null> $bogus $ $5 100%',
    );
    expect(expand(ctx, 'no variables')).toBe('no variables');
    expect(expand(ctx, '$rU$rd')).toBe('bobexample.com');
  });

  it('writes one line per call at the level, without the trailing newline, decoded from UTF-8', () => {
    const lines: Record<string, unknown>[] = [];
    const log = pino({ level: 'debug' }, { write: (s: string) => lines.push(JSON.parse(s)) });
    const base = contextFor(INVITE).ctx;
    const ctx = new RouteContext('request', base.msg, SOURCE, base.host, log);
    call(xlog, 'xinfo', ctx, 'call $ci\n');
    call(xlog, 'xerr', ctx, 'caf\xc3\xa9');
    call(xlog, 'xlog', ctx, 'L_WARN', 'w');
    call(xlog, 'xdbg', ctx, 'd');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [30, 'call call-1@10.0.0.1'],
      [50, 'café'],
      [40, 'w'],
      [20, 'd'],
    ]);
  });

  it("a line below the level does not make the route's logger; one at the level does, once", () => {
    const lines: Record<string, unknown>[] = [];
    const parent = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s)) });
    let made = 0;
    const maker = () => {
      made++;
      return parent.child({ callId: 'c' });
    };
    const base = contextFor(INVITE).ctx;
    const ctx = new RouteContext('request', base.msg, SOURCE, base.host, maker, undefined, parent);
    call(xlog, 'xdbg', ctx, 'below $ci');
    expect(made).toBe(0);
    call(xlog, 'xinfo', ctx, 'at');
    call(xlog, 'xdbg', ctx, 'below again');
    call(xlog, 'xwarn', ctx, 'above');
    expect(made).toBe(1);
    expect(lines.map((l) => [l.level, l.msg, l.callId])).toEqual([
      [30, 'at', 'c'],
      [40, 'above', 'c'],
    ]);
  });
});

describe('xlog against hostile formats', () => {
  it('stops expanding at MAX_LINE however often $mb repeats', () => {
    const { ctx } = contextFor(INVITE);
    const line = expand(ctx, '$mb'.repeat(100_000));
    expect(line.length).toBeLessThanOrEqual(MAX_LINE + 3);
    expect(line.startsWith(INVITE)).toBe(true);
  });

  it('leaves an unclosed or overlong name as written', () => {
    const { ctx } = contextFor(INVITE);
    expect(expand(ctx, `$hdr(${'x'.repeat(300)})`)).toBe(`$hdr(${'x'.repeat(300)})`);
    expect(expand(ctx, '$hdr(X-Custom $ci')).toBe('$hdr(X-Custom call-1@10.0.0.1');
  });
});
