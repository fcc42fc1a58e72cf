import { describe, expect, it } from 'vitest';
import { core } from '../../src/kemi/core.ts';
import { leavePretranWhenDone, tmx } from '../../src/kemi/tmx.ts';
import { holdMessage } from '../../src/sip/index.ts';
import { PretranTable } from '../../src/tm/index.ts';
import { call, contextFor, INVITE, REPLY, SOURCE } from './fixture.ts';

/** A request route context for `text` on a host with the pretran `table`. */
function requestRoute(table: PretranTable, text = INVITE) {
  return contextFor(text, 'request', SOURCE, { pretran: table }).ctx;
}

describe('tmx.t-precheck-trans (Kamailio tmx_check_pretran)', () => {
  it('is 1 for a copy of a request whose first copy is still being processed, -1 once it is done', () => {
    const table = new PretranTable();
    const first = requestRoute(table);
    expect(call(tmx, 't-precheck-trans', first)).toBe(-1);
    const retransmission = requestRoute(table);
    expect(call(tmx, 't-precheck-trans', retransmission)).toBe(1);
    first.tm.pretran?.leave();
    retransmission.tm.pretran?.leave();
    expect(table.size).toBe(0);
    expect(call(tmx, 't-precheck-trans', requestRoute(table))).toBe(-1);
  });

  it('another transaction (other CSeq) is not found; a second call in the same route finds not itself', () => {
    const table = new PretranTable();
    const first = requestRoute(table);
    expect(call(tmx, 't-precheck-trans', first)).toBe(-1);
    expect(call(tmx, 't-precheck-trans', first)).toBe(-1);
    const other = requestRoute(table, INVITE.replace('CSeq: 101 INVITE', 'CSeq: 102 INVITE'));
    expect(call(tmx, 't-precheck-trans', other)).toBe(-1);
  });

  it('does not track ACK and CANCEL, a request without From tag, or a reply', () => {
    const table = new PretranTable();
    const ack = INVITE.replace('INVITE sip:', 'ACK sip:').replace('CSeq: 101 INVITE', 'CSeq: 101 ACK');
    const cancel = INVITE.replace('INVITE sip:', 'CANCEL sip:').replace(
      'CSeq: 101 INVITE',
      'CSeq: 101 CANCEL',
    );
    for (const text of [ack, ack, cancel, cancel])
      expect(call(tmx, 't-precheck-trans', requestRoute(table, text))).toBe(-1);
    const untagged = INVITE.replace(';tag=ft1', '');
    expect(call(tmx, 't-precheck-trans', requestRoute(table, untagged))).toBe(-1);
    expect(call(tmx, 't-precheck-trans', requestRoute(table, untagged))).toBe(-1);
    expect(table.size).toBe(0);
    const { ctx } = contextFor(REPLY, 'reply', SOURCE, { pretran: table });
    expect(call(tmx, 't-precheck-trans', ctx)).toBe(-1);
  });
});

describe('leavePretranWhenDone (the end of the request route)', () => {
  it('leaves at once when nothing holds the request, else when the hold is released', async () => {
    const table = new PretranTable();
    const plain = requestRoute(table);
    call(tmx, 't-precheck-trans', plain);
    leavePretranWhenDone(plain);
    expect(table.size).toBe(0);

    const held = requestRoute(table);
    call(tmx, 't-precheck-trans', held);
    let release: () => void = () => {};
    holdMessage(held.msg, new Promise((resolve) => (release = () => resolve(undefined))));
    leavePretranWhenDone(held);
    expect(call(tmx, 't-precheck-trans', requestRoute(table)), 'a retransmission during the hold').toBe(1);
    release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(table.size).toBe(1); // the retransmission's own entry, which its route would leave
  });
});

describe('tmx.t-is-branch-route', () => {
  it('is 1 only in a branch route', () => {
    expect(call(tmx, 't-is-branch-route', contextFor(INVITE, 'branch').ctx)).toBe(1);
    for (const kind of ['request', 'failure', 'event'] as const)
      expect(call(tmx, 't-is-branch-route', contextFor(INVITE, kind).ctx)).toBe(-1);
    expect(call(tmx, 't-is-branch-route', contextFor(REPLY, 'onreply').ctx)).toBe(-1);
  });
});

describe('set-reply-no-connect', () => {
  it('marks the replies of the message never to open a connection, and is true', () => {
    const { ctx } = contextFor(INVITE);
    expect(ctx.answer.noConnect).toBe(false);
    expect(call(core, 'set-reply-no-connect', ctx)).toBe(true);
    expect(ctx.answer.noConnect).toBe(true);
  });
});
