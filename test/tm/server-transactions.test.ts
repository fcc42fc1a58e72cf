// The INVITE and non-INVITE server transactions (RFC 3261 17.2.1, 17.2.2, RFC 6026) under virtual time.
import { describe, expect, it } from 'vitest';
import { InviteServerTransaction } from '../../src/tm/invite-server-transaction.ts';
import { NonInviteServerTransaction } from '../../src/tm/non-invite-server-transaction.ts';
import type { ServerTransactionUser } from '../../src/tm/transaction.ts';
import { RecordingTransport, request, response, sendTimes, timing } from './fixtures.ts';

function user() {
  const events: string[] = [];
  const u: ServerTransactionUser = {
    transportError: (e) => events.push(`transport-error ${e.code}`),
    ackTimeout: () => events.push('ack-timeout'),
    terminated: () => events.push('terminated'),
  };
  return { events, u };
}

const ack = (toTag = 'tt') => {
  const a = request('ACK').clone();
  a.setHeader('To', `<sip:bob@example.com>;tag=${toTag}`);
  return a;
};

describe('InviteServerTransaction', () => {
  it('answers a retransmitted INVITE with the last provisional response', () => {
    const t = timing();
    const transport = new RecordingTransport();
    const req = request();
    const tx = new InviteServerTransaction(req, transport, user().u, t);
    expect(tx.receiveRequest(req)).toBe('absorbed');
    expect(transport.sent).toHaveLength(0);
    tx.respond(response(req, 100));
    tx.respond(response(req, 180));
    expect(tx.receiveRequest(req)).toBe('absorbed');
    expect(transport.lines).toEqual(['SIP/2.0 100 Reason', 'SIP/2.0 180 Reason', 'SIP/2.0 180 Reason']);
  });

  it('retransmits a non-2xx final response on timer G (T1 doubling to T2) until the ACK, then lingers T4', () => {
    // RFC 3261's schedule: no cap below what timer H allows.
    const t = timing({ t4: 5000, maxReplyRetransmissions: 64 });
    const transport = new RecordingTransport();
    const { events, u } = user();
    const req = request();
    const tx = new InviteServerTransaction(req, transport, u, t);
    tx.respond(response(req, 486));
    expect(sendTimes(t, transport, 16_000)).toEqual([0, 500, 1500, 3500, 7500, 11_500, 15_500]);
    expect(tx.receiveRequest(ack())).toBe('absorbed');
    expect(tx.state).toBe('confirmed');
    expect(tx.receiveRequest(ack())).toBe('absorbed');
    const sent = transport.sent.length;
    t.clock.advance(4999);
    expect(tx.state).toBe('confirmed');
    t.clock.advance(1);
    expect(transport.sent).toHaveLength(sent);
    expect(events).toEqual(['terminated']);
  });

  it('retransmits a final response to a UDP source at most maxReplyRetransmissions times (issue 11)', () => {
    const t = timing(); // the default cap: 4
    const transport = new RecordingTransport();
    const { events, u } = user();
    const req = request();
    const tx = new InviteServerTransaction(req, transport, u, t);
    tx.respond(response(req, 486));
    // 1 + 4 sends; timer H (64*T1) still ends the transaction, not the cap.
    expect(sendTimes(t, transport, 31_900)).toEqual([0, 500, 1500, 3500, 7500]);
    expect(tx.state).toBe('completed');
    // A retransmitted INVITE is still answered (one for one), a late ACK still absorbed.
    tx.receiveRequest(req);
    expect(transport.sent).toHaveLength(6);
    expect(tx.receiveRequest(ack())).toBe('absorbed');
    expect(tx.state).toBe('confirmed');
    t.clock.advance(100_000);
    expect(transport.sent).toHaveLength(6);
    expect(events).toEqual(['terminated']);
  });

  it('with maxReplyRetransmissions 0 sends a final response once, and a local 2xx once, until timer H / 64*T1', () => {
    const t = timing({ maxReplyRetransmissions: 0 });
    const transport = new RecordingTransport();
    const { events, u } = user();
    const req = request();
    const busy = new InviteServerTransaction(req, transport, u, t);
    busy.respond(response(req, 486));
    const ok = new InviteServerTransaction(req, transport, u, t);
    ok.respond(response(req, 200, 'a'), true);
    t.clock.advance(64 * 500 - 1);
    expect(transport.lines).toEqual(['SIP/2.0 486 Reason', 'SIP/2.0 200 Reason']);
    t.clock.advance(1);
    expect(events).toEqual(['ack-timeout', 'terminated', 'terminated']);
  });

  it('caps the retransmissions of a local 2xx the same way', () => {
    const t = timing({ maxReplyRetransmissions: 2 });
    const transport = new RecordingTransport();
    const req = request();
    const tx = new InviteServerTransaction(req, transport, user().u, t);
    tx.respond(response(req, 200, 'a'), true);
    expect(sendTimes(t, transport, 31_900)).toEqual([0, 500, 1500]);
    expect(tx.receiveRequest(ack('a'))).toBe('absorbed');
  });

  it('answers a retransmitted INVITE in Completed with the final response', () => {
    const t = timing();
    const transport = new RecordingTransport();
    const req = request();
    const tx = new InviteServerTransaction(req, transport, user().u, t);
    tx.respond(response(req, 404));
    tx.receiveRequest(req);
    expect(transport.lines).toEqual(['SIP/2.0 404 Reason', 'SIP/2.0 404 Reason']);
  });

  it('gives up waiting for the ACK on timer H (64*T1)', () => {
    const t = timing();
    const transport = new RecordingTransport(true);
    const { events, u } = user();
    const req = request();
    const tx = new InviteServerTransaction(req, transport, u, t);
    tx.respond(response(req, 480));
    t.clock.advance(64 * 500 - 1);
    expect(events).toEqual([]);
    t.clock.advance(1);
    expect(events).toEqual(['ack-timeout', 'terminated']);
    expect(transport.sent).toHaveLength(1); // reliable: no timer G
  });

  it('ends with the ACK over a reliable transport (timer I is 0)', () => {
    const t = timing();
    const { events, u } = user();
    const req = request();
    const tx = new InviteServerTransaction(req, new RecordingTransport(true), u, t);
    tx.respond(response(req, 486));
    tx.receiveRequest(ack());
    expect(events).toEqual(['terminated']);
    expect(t.clock.pending).toBe(0);
  });

  it('after a 2xx stays Accepted: sends further 2xx, absorbs the INVITE, passes an ACK on; timer L ends it', () => {
    const t = timing({ wait: 5000 });
    const transport = new RecordingTransport();
    const { events, u } = user();
    const req = request();
    const tx = new InviteServerTransaction(req, transport, u, t);
    expect(tx.respond(response(req, 200, 'a'))).toBe(true);
    expect(tx.finalStatus).toBe(200);
    expect(tx.finalToTag).toBe('a');
    expect(tx.respond(response(req, 200, 'b'))).toBe(true);
    expect(tx.respond(response(req, 486))).toBe(false);
    expect(tx.receiveRequest(req)).toBe('absorbed');
    expect(tx.receiveRequest(ack('a'))).toBe('pass');
    expect(transport.sent).toHaveLength(2);
    t.clock.advance(5000);
    expect(events).toEqual(['terminated']);
  });

  it('retransmits a 2xx made here (T1 doubling to T2) until the ACK with its To tag, for 64*T1 at most', () => {
    const t = timing({ wait: 5000, maxReplyRetransmissions: 64 });
    const transport = new RecordingTransport();
    const { events, u } = user();
    const req = request();
    const tx = new InviteServerTransaction(req, transport, u, t);
    expect(tx.respond(response(req, 200, 'a'), true)).toBe(true);
    expect(sendTimes(t, transport, 16_000)).toEqual([0, 500, 1500, 3500, 7500, 11_500, 15_500]);
    expect(tx.ackLocal2xx(ack('other'))).toBe(false);
    expect(tx.receiveRequest(ack('a'))).toBe('absorbed');
    const sent = transport.sent.length;
    t.clock.advance(16_000 - 1);
    expect(transport.sent).toHaveLength(sent);
    expect(tx.state).toBe('accepted');
    t.clock.advance(1);
    expect(events).toEqual(['terminated']);
  });

  it('gives up retransmitting a local 2xx that is never acknowledged after 64*T1', () => {
    const t = timing({ wait: 5000 });
    const transport = new RecordingTransport();
    const { events, u } = user();
    const req = request();
    const tx = new InviteServerTransaction(req, transport, u, t);
    tx.respond(response(req, 200, 'a'), true);
    t.clock.advance(64 * 500);
    const sent = transport.sent.length;
    expect(events).toEqual(['terminated']);
    t.clock.advance(60_000);
    expect(transport.sent).toHaveLength(sent);
    expect(tx.ackLocal2xx(ack('a'))).toBe(false);
  });

  it('sends a local 2xx once over a reliable transport, yet takes its ACK', () => {
    const t = timing();
    const transport = new RecordingTransport(true);
    const req = request();
    const tx = new InviteServerTransaction(req, transport, user().u, t);
    tx.respond(response(req, 200, 'a'), true);
    t.clock.advance(10_000);
    expect(transport.sent).toHaveLength(1);
    expect(tx.ackLocal2xx(ack('a'))).toBe(true);
  });

  it('never takes the ACK of a forwarded 2xx: that one goes on end to end', () => {
    const req = request();
    const tx = new InviteServerTransaction(req, new RecordingTransport(), user().u, timing());
    tx.respond(response(req, 200, 'a'));
    expect(tx.ackLocal2xx(ack('a'))).toBe(false);
  });

  it('refuses responses once a non-2xx final one went out', () => {
    const req = request();
    const tx = new InviteServerTransaction(req, new RecordingTransport(), user().u, timing());
    tx.respond(response(req, 486));
    expect(tx.respond(response(req, 200))).toBe(false);
    expect(tx.respond(response(req, 180))).toBe(false);
  });
});

describe('NonInviteServerTransaction', () => {
  it('absorbs retransmissions silently in Trying, answers them with the provisional in Proceeding', () => {
    const t = timing();
    const transport = new RecordingTransport();
    const req = request('BYE');
    const tx = new NonInviteServerTransaction(req, transport, user().u, t);
    expect(tx.receiveRequest(req)).toBe('absorbed');
    expect(transport.sent).toHaveLength(0);
    tx.respond(response(req, 100));
    tx.receiveRequest(req);
    expect(transport.lines).toEqual(['SIP/2.0 100 Reason', 'SIP/2.0 100 Reason']);
  });

  it('answers retransmissions with the final response until timer J (wait), then ends', () => {
    const t = timing({ wait: 5000 });
    const transport = new RecordingTransport();
    const { events, u } = user();
    const req = request('BYE');
    const tx = new NonInviteServerTransaction(req, transport, u, t);
    tx.respond(response(req, 200));
    tx.receiveRequest(req);
    expect(tx.respond(response(req, 500))).toBe(false);
    t.clock.advance(5000);
    expect(events).toEqual(['terminated']);
    expect(transport.lines).toEqual(['SIP/2.0 200 Reason', 'SIP/2.0 200 Reason']);
  });

  it('ends with the final response over a reliable transport', () => {
    const { events, u } = user();
    const req = request('OPTIONS');
    const tx = new NonInviteServerTransaction(req, new RecordingTransport(true), u, timing());
    tx.respond(response(req, 200));
    expect(events).toEqual(['terminated']);
  });
});
