// The KSR tables of the tm, rr, corex and kx interfaces on a route context, without a transaction layer
// behind them (test/router/proxy.test.ts runs them against the real one).
import { describe, expect, it } from 'vitest';
import { corex } from '../../src/kemi/corex.ts';
import { kx } from '../../src/kemi/kx.ts';
import { pv } from '../../src/kemi/pv.ts';
import { rr } from '../../src/kemi/rr.ts';
import { tm } from '../../src/kemi/tm.ts';
import { call, contextFor, INVITE, REPLY } from '../kemi/fixture.ts';

const BYE = INVITE.replace('INVITE sip:bob@example.com:5070;transport=udp;lr', 'BYE sip:bob@192.0.2.9')
  .replace('CSeq: 101 INVITE', 'CSeq: 102 BYE')
  .replace('To: Bob <sip:bob@example.com>', 'To: Bob <sip:bob@example.com>;tag=callee')
  .replace('X-Custom: one', 'Route: <sip:127.0.0.1:5060;lr;ftag=ft1;nat=yes>');

describe('rr', () => {
  it('record-route records the wish (entries are written per branch); add-rr-param adds before or after', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(rr, 'add-rr-param', ctx, ';a=1')).toBe(1);
    expect(ctx.relay.recordRoute).toEqual({ enabled: false, params: ';a=1', preset: undefined });
    expect(call(rr, 'record-route', ctx)).toBe(1);
    expect(call(rr, 'add-rr-param', ctx, ';b')).toBe(1);
    expect(ctx.relay.recordRoute).toEqual({ enabled: true, params: ';a=1;b', preset: undefined });
    expect(call(rr, 'remove-record-route', ctx)).toBe(1);
    expect(ctx.relay.recordRoute).toBeUndefined();
  });

  it('refuses parameters that are not ;name=value and preset addresses with a scheme', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(rr, 'add-rr-param', ctx, 'a=1')).toBe(-1);
    expect(call(rr, 'add-rr-param', ctx, ';a=<x>')).toBe(-1);
    expect(call(rr, 'record-route-params', ctx, ';ok=1;also')).toBe(1);
    expect(call(rr, 'record-route-preset', ctx, 'sip:1.2.3.4', '')).toBe(-1);
    expect(call(rr, 'record-route-preset', ctx, '1.2.3.4:5090;r2=on', '[2001:db8::1];r2=on')).toBe(1);
    expect(ctx.relay.recordRoute?.preset).toEqual(['1.2.3.4:5090;r2=on', '[2001:db8::1];r2=on']);
  });

  it('does not record-route a reply', () => {
    const { ctx } = contextFor(REPLY, 'reply');
    expect(call(rr, 'record-route', ctx)).toBe(-1);
  });

  it('loose-route removes our Route, then check-route-param and is-direction read our entry', () => {
    const { ctx } = contextFor(BYE);
    expect(call(rr, 'check-route-param', ctx, 'nat=yes')).toBe(-1); // before loose-route
    expect(call(rr, 'loose-route', ctx)).toBe(1);
    expect(ctx.request!.has('Route')).toBe(false);
    expect(call(rr, 'check-route-param', ctx, 'nat=yes')).toBe(1);
    expect(call(rr, 'check-route-param', ctx, 'nat=no')).toBe(-1);
    expect(call(rr, 'check-route-param', ctx, '(')).toBe(-1);
    expect(call(rr, 'is-direction', ctx, 'downstream')).toBe(1);
    expect(call(rr, 'is-direction', ctx, 'upstream')).toBe(-1);
    expect(call(rr, 'is-direction', ctx, 'sideways')).toBe(-1);
  });

  it('is-direction says upstream for a request from the callee (From tag is not the ftag)', () => {
    const fromCallee = BYE.replace(
      'From: "Alice A" <sip:alice@example.org>;tag=ft1',
      'From: <sip:bob@example.com>;tag=callee2',
    );
    const { ctx } = contextFor(fromCallee);
    call(rr, 'loose-route', ctx);
    expect(call(rr, 'is-direction', ctx, 'upstream')).toBe(1);
  });

  it('loose-route sets $du to a next loose router', () => {
    const { ctx } = contextFor(
      BYE.replace('<sip:127.0.0.1:5060;lr;ftag=ft1;nat=yes>', '<sip:127.0.0.1;lr>, <sip:p2.example.com;lr>'),
    );
    expect(call(rr, 'loose-route', ctx)).toBe(1);
    expect(call(pv, 'get', ctx, '$du')).toBe('sip:p2.example.com;lr');
  });
});

describe('corex', () => {
  it('appends branches: the R-URI with $du, a URI, a URI with q; refuses bad URIs and q values', () => {
    const { ctx } = contextFor(INVITE);
    call(pv, 'sets', ctx, '$du', 'sip:10.0.0.5');
    expect(call(corex, 'append-branch', ctx)).toBe(1);
    expect(call(corex, 'append-branch-uri', ctx, 'sip:carol@example.net')).toBe(1);
    expect(call(corex, 'append-branch-uri-q', ctx, 'sip:dave@example.net', '0.7')).toBe(1);
    expect(call(corex, 'append-branch-uri', ctx, 'nonsense')).toBe(-1);
    expect(call(corex, 'append-branch-uri-q', ctx, 'sip:e@example.net', '2')).toBe(-1);
    expect(ctx.relay.appended).toEqual([
      { uri: 'sip:bob@example.com:5070;transport=udp;lr', dstUri: 'sip:10.0.0.5', q: undefined, flags: 0 },
      { uri: 'sip:carol@example.net', dstUri: undefined, q: undefined, flags: 0 },
      { uri: 'sip:dave@example.net', dstUri: undefined, q: 0.7, flags: 0 },
    ]);
  });

  it('limits the destination set to 12 branches', () => {
    const { ctx } = contextFor(INVITE);
    const codes = Array.from({ length: 12 }, (_, i) =>
      call(corex, 'append-branch-uri', ctx, `sip:u${i}@example.net`),
    );
    expect(codes.filter((c) => c === 1)).toHaveLength(11);
    expect(codes.at(-1)).toBe(-1);
  });
});

describe('kx', () => {
  it('reads defines from the host: get-def as text, get-defn as an integer or 0', () => {
    const { ctx } = contextFor(INVITE);
    const defines: Record<string, string> = { PRIMARY: 'sip:10.0.0.2', FLT: '7', BIG: '99999999999' };
    Object.assign(ctx.host, { getDefine: (_c: unknown, name: string) => defines[name] });
    expect(call(kx, 'get-def', ctx, 'PRIMARY')).toBe('sip:10.0.0.2');
    expect(call(kx, 'get-def', ctx, 'NONE')).toBeUndefined();
    expect(call(kx, 'get-defn', ctx, 'FLT')).toBe(7);
    expect(call(kx, 'get-defn', ctx, 'PRIMARY')).toBe(0);
    expect(call(kx, 'get-defn', ctx, 'BIG')).toBe(0);
    expect(call(kx, 'get-defn', ctx, 'NONE')).toBe(0);
  });
});

describe('tm without a transaction', () => {
  it('keeps t-on-*, t-set-fr and t-drop-replies for the transaction t-relay will make', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(tm, 't-is-set', ctx, 'failure_route')).toBe(-1);
    expect(call(tm, 't-on-failure', ctx, 'failover')).toBe(1);
    expect(call(tm, 't-on-branch', ctx, 'branch')).toBe(1);
    expect(call(tm, 't-on-reply', ctx, 'reply')).toBe(1);
    expect(call(tm, 't-on-reply', ctx, '')).toBe(-1);
    expect(call(tm, 't-set-fr', ctx, 10_000, 0)).toBe(1);
    expect(call(tm, 't-set-fr', ctx, -1, 0)).toBe(-1);
    expect(call(tm, 't-drop-replies', ctx, 'l')).toBe(1);
    expect(call(tm, 't-drop-replies', ctx, 'x')).toBe(-1);
    expect(ctx.relay.settings).toEqual({
      onFailure: 'failover',
      onBranch: 'branch',
      onReply: 'reply',
      frInv: 10_000,
      dropReplies: 'l',
    });
    expect(call(tm, 't-is-set', ctx, 'failure_route')).toBe(1);
    expect(call(tm, 't-is-set', ctx, 'nonsense')).toBe(-1);
  });

  it('fails t-relay and t-newtran without a transaction layer, and t-relay outside request and failure routes', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(tm, 't-relay', ctx)).toBe(-1);
    expect(call(tm, 't-newtran', ctx)).toBe(-1);
    const branch = contextFor(INVITE, 'branch').ctx;
    expect(call(tm, 't-relay', branch)).toBe(-1);
    expect(call(tm, 't-relay-to-proto-addr', contextFor(INVITE).ctx, 'sctp', '10.0.0.1', 5060)).toBe(-480);
  });

  it('t-check-status matches the reply in a reply route and the last reply sent in the request route', () => {
    const reply = contextFor(REPLY, 'onreply').ctx;
    expect(call(tm, 't-check-status', reply, '^4[0-9][0-9]$')).toBe(1);
    expect(call(tm, 't-check-status', reply, '^5')).toBe(-1);
    expect(call(tm, 't-check-status', reply, '[')).toBe(-1);
    const request = contextFor(INVITE).ctx;
    expect(call(tm, 't-check-status', request, '.')).toBe(-1);
    request.answer.replied = 404;
    expect(call(tm, 't-check-status', request, '404')).toBe(1);
  });

  it('orders the destination set by q for serial forking (t-load-contacts, t-next-contacts)', () => {
    const { ctx } = contextFor(INVITE);
    call(corex, 'append-branch-uri-q', ctx, 'sip:a@example.net', '0.5');
    call(corex, 'append-branch-uri-q', ctx, 'sip:b@example.net', '1');
    call(corex, 'append-branch-uri-q', ctx, 'sip:c@example.net', '0.5');
    expect(call(tm, 't-load-contacts', ctx)).toBe(1);
    expect(ctx.relay.appended).toBeUndefined();
    expect(call(tm, 't-next-contacts', ctx)).toBe(1);
    expect(ctx.request!.uri).toBe('sip:b@example.net');
    expect(ctx.relay.appended).toEqual([]);
    expect(call(tm, 't-next-contacts', ctx)).toBe(1);
    expect(ctx.request!.uri).toBe('sip:a@example.net');
    expect(ctx.relay.appended?.map((b) => b.uri)).toEqual(['sip:c@example.net']);
    expect(call(tm, 't-next-contacts', ctx)).toBe(1);
    expect(ctx.request!.uri).toBe('sip:bob@example.com:5070;transport=udp;lr'); // the R-URI, q unspecified
    expect(call(tm, 't-next-contacts', ctx)).toBe(-2);
  });

  it('does nothing for a single destination (t-load-contacts)', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(tm, 't-load-contacts', ctx)).toBe(1);
    expect(ctx.relay.contacts).toBeUndefined();
  });

  it('reports no transaction in the tmx pseudo-variables, and $bs is the body size', () => {
    const { ctx } = contextFor(INVITE);
    expect(call(pv, 'get', ctx, '$T_branch_idx')).toBe('-1');
    expect(call(pv, 'get', ctx, '$T_reply_code')).toBe('0');
    expect(call(pv, 'get', ctx, '$bs')).toBe('4');
    const reply = contextFor(REPLY, 'onreply').ctx;
    expect(call(pv, 'get', reply, '$T_reply_code')).toBe('486');
    expect(call(pv, 'get', reply, '$T_reply_reason')).toBe('Busy Here');
  });
});
