// The caps on what a script adds to the message it routes and the reply the server builds (Kamailio's
// BUF_SIZE): an edit past max_header_fields or max_message_bytes is refused where it is made, whole, with
// -1, logged for the tenant and counted; one that fits goes through. Small limits here, so the edges are
// exact; test/sandbox/linear-edits.test.ts feeds each function the largest input at the default limits.
import { describe, expect, it } from 'vitest';
import { core } from '../../src/kemi/core.ts';
import { corex } from '../../src/kemi/corex.ts';
import { hdr } from '../../src/kemi/hdr.ts';
import { pv } from '../../src/kemi/pv.ts';
import { rr } from '../../src/kemi/rr.ts';
import { siputils } from '../../src/kemi/siputils.ts';
import { sl } from '../../src/kemi/sl.ts';
import type { EditLimits } from '../../src/sip/index.ts';
import { call, contextFor, INVITE } from './fixture.ts';

const lines = (n: number, name = 'X-L') => Array.from({ length: n }, (_, i) => `${name}: ${i}`).join('\r\n');

function limited(limits: EditLimits) {
  const editsRefused: Record<string, number> = {};
  const made = contextFor(
    INVITE,
    'request',
    undefined,
    { editLimits: limits, editsRefused },
    {
      tenant: 'acme',
      version: 1,
    },
  );
  return { ...made, editsRefused };
}

describe('message limits on header edits', () => {
  it('refuses an append past max_header_fields whole, and takes one that fits', () => {
    const { ctx, editsRefused } = limited({ maxMessageBytes: 65_535, maxHeaderFields: 20 });
    const room = 20 - ctx.msg.headerCount;
    const before = ctx.msg.toString();
    expect(call(hdr, 'append', ctx, lines(room + 1))).toBe(-1);
    expect(ctx.msg.toString()).toBe(before);
    expect(editsRefused).toEqual({ acme: 1 });
    expect(call(hdr, 'append', ctx, lines(room))).toBe(1);
    expect(ctx.msg.headerCount).toBe(20);
    for (const fn of ['insert', 'append-after', 'insert-before'])
      expect(call(hdr, fn, ctx, 'X-One: more', 'From')).toBe(-1);
    expect(editsRefused).toEqual({ acme: 4 });
  });

  it('refuses an edit that would take the message past max_message_bytes', () => {
    const { ctx, editsRefused } = limited({ maxMessageBytes: 2000, maxHeaderFields: 256 });
    const room = 2000 - ctx.msg.size;
    const line = (bytes: number) => `X-B: ${'b'.repeat(bytes - 'X-B: \r\n'.length)}`;
    expect(call(hdr, 'append', ctx, line(room + 1))).toBe(-1);
    expect(call(hdr, 'append', ctx, line(room))).toBe(1);
    expect(ctx.msg.size).toBe(2000);
    expect(ctx.msg.toBuffer().length).toBe(2000);
    // A replacement that does not grow the message still goes through at the limit.
    expect(call(hdr, 'rmappend', ctx, 'X-B', line(room))).toBe(1);
    expect(call(hdr, 'rminsert', ctx, 'X-B', line(room + 1))).toBe(-1);
    expect(editsRefused).toEqual({ acme: 2 });
  });

  it('refuses an argument longer than a whole message before parsing it', () => {
    const { ctx, editsRefused } = limited({ maxMessageBytes: 4096, maxHeaderFields: 256 });
    expect(call(hdr, 'append', ctx, `X-Big: ${'x'.repeat(4096)}`)).toBe(-1);
    expect(call(hdr, 'append-to-reply', ctx, `X-Big: ${'x'.repeat(4096)}`)).toBe(-1);
    expect(editsRefused).toEqual({ acme: 2 });
  });

  it('logs a refusal for the tenant with the limit it hit', () => {
    const logged: unknown[] = [];
    const { ctx } = limited({ maxMessageBytes: 65_535, maxHeaderFields: 20 });
    const log = { error: (fields: unknown, msg: string) => logged.push({ fields, msg }) };
    const scoped = Object.assign(Object.create(Object.getPrototypeOf(ctx)), ctx, { log });
    const room = 20 - ctx.msg.headerCount;
    expect(call(hdr, 'append', scoped, lines(100))).toBe(-1);
    expect(call(hdr, 'append', scoped, lines(room + 1))).toBe(-1);
    expect(logged).toEqual([
      {
        fields: { ksr: 'append', limit: 'edit' },
        msg: 'append refused: the argument holds more than max_header_fields 20 lines',
      },
      {
        fields: { ksr: 'append', limit: 'edit' },
        msg: `append refused: the message would have 21 header fields, more than max_header_fields 20`,
      },
    ]);
  });
});

describe('message limits on the reply being built', () => {
  it('append-to-reply stops at the reply limits; the reply is sent with what fitted', () => {
    const { ctx, sent, editsRefused } = limited({ maxMessageBytes: 65_535, maxHeaderFields: 40 });
    let accepted = 0;
    while (call(hdr, 'append-to-reply', ctx, 'X-R: 1') === 1) accepted++;
    expect(accepted).toBeGreaterThan(20);
    expect(accepted).toBeLessThan(40);
    expect(call(hdr, 'append-to-reply', ctx, lines(5))).toBe(-1);
    expect(editsRefused).toEqual({ acme: 2 });
    expect(call(sl, 'sl-send-reply', ctx, 200, 'OK')).toBe(1);
    expect(sent[0].headers).toHaveLength(accepted);
  });

  it('refuses 800 000 reply lines in four calls, holding none of them', () => {
    const { ctx } = limited({ maxMessageBytes: 65_535, maxHeaderFields: 256 });
    const many = Array.from({ length: 200_000 }, () => 'X:1').join('\r\n');
    for (let i = 0; i < 4; i++) expect(call(hdr, 'append-to-reply', ctx, many)).toBe(-1);
    expect(ctx.answer.replyHeaders).toEqual([]);
  });

  it('refuses a reply whose reason phrase would take it past max_message_bytes', () => {
    const { ctx, sent, editsRefused } = limited({ maxMessageBytes: 2000, maxHeaderFields: 256 });
    expect(call(sl, 'sl-send-reply', ctx, 200, 'R'.repeat(2000))).toBe(-1);
    expect(call(sl, 'send-reply', ctx, 200, 'R'.repeat(2000))).toBe(-1);
    expect(sent).toEqual([]);
    expect(editsRefused).toEqual({ acme: 2 });
    expect(call(sl, 'sl-send-reply', ctx, 200, 'R'.repeat(100))).toBe(1);
  });

  it('counts only the fields a reply copies: a request near the limits still gets its reply', () => {
    // The request's own fields are over both limits; the reply copies five of them and fits.
    const editsRefused: Record<string, number> = {};
    const big = INVITE.replace('\r\n', `\r\nX-Big: ${'b'.repeat(1500)}\r\n${lines(30)}\r\n`);
    const { ctx, sent } = contextFor(big, 'request', undefined, {
      editLimits: { maxMessageBytes: 2000, maxHeaderFields: 40 },
      editsRefused,
    });
    expect(ctx.msg.headerCount).toBeGreaterThan(40);
    expect(ctx.msg.size).toBeGreaterThan(2000);
    expect(call(sl, 'sl-send-reply', ctx, 200, 'OK')).toBe(1);
    expect(sent).toHaveLength(1);
    expect(editsRefused).toEqual({});
  });
});

describe('message limits on the R-URI and what goes into Record-Route', () => {
  const limits = { maxMessageBytes: 2000, maxHeaderFields: 256 };

  it('pv.sets $ru / $rU / $rd, seturi and add-uri-param keep the message within max_message_bytes', () => {
    const { ctx, editsRefused } = limited(limits);
    const room = 2000 - ctx.msg.size;
    const uri = ctx.request!.uri;
    call(pv, 'sets', ctx, '$ru', `sip:${'u'.repeat(room + uri.length - 4 + 1)}`);
    expect(ctx.request!.uri).toBe(uri);
    call(pv, 'sets', ctx, '$rU', 'u'.repeat(3000));
    call(pv, 'sets', ctx, '$rd', 'h'.repeat(2500));
    expect(call(core, 'seturi', ctx, `sip:${'u'.repeat(2500)}@example.com`)).toBe(false);
    expect(call(siputils, 'add-uri-param', ctx, `p=${'v'.repeat(room)}`)).toBe(-1);
    expect(ctx.request!.uri).toBe(uri);
    expect(editsRefused).toEqual({ acme: 5 });
    call(pv, 'sets', ctx, '$ru', `sip:${'u'.repeat(room + uri.length - 4)}`);
    expect(ctx.msg.size).toBe(2000);
  });

  it('$du, append-branch-uri, record-route-params and add-rr-param refuse what could never be sent', () => {
    const { ctx, editsRefused } = limited(limits);
    call(pv, 'sets', ctx, '$du', `sip:${'d'.repeat(2500)}@example.com`);
    expect(ctx.relay.dstUri).toBeUndefined();
    expect(call(corex, 'append-branch-uri', ctx, `sip:${'b'.repeat(1900)}@example.com`)).toBe(-1);
    expect(call(rr, 'record-route-params', ctx, `;p=${'r'.repeat(1000)}`)).toBe(1);
    expect(call(rr, 'add-rr-param', ctx, `;q=${'r'.repeat(1000)}`)).toBe(-1);
    expect(call(rr, 'record-route-preset', ctx, `h${'a'.repeat(1000)}.example.com`, '')).toBe(-1);
    expect(editsRefused).toEqual({ acme: 4 });
  });
});
