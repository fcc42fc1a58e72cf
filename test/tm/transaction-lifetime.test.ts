// Timers a script sets cannot outlive the transaction (issue 11, "Timers beyond lifetime"): t-set-fr
// values are capped at the configured maxima (max_fr_timer, max_fr_inv_timer), and at the end of
// max_inv_lifetime every branch still running ends (its client transaction stops, a proceeding one is
// cancelled), so the transaction ends and its script is unpinned. Virtual time throughout.
import { describe, expect, it } from 'vitest';
import { calleeResponse, jsScript, proxyHarness, uacRequest } from '../router/proxy-harness.ts';

const CALLEE = '192.0.2.20';
const OTHER = '192.0.2.21';
const HUGE = 2 ** 31 - 1; // about 24.8 days: the most a script could ask before

/** A route that asks for `frInv`/`fr` with t-set-fr, then relays to `targets` (forking when several). */
function route(frInv: number, fr: number, targets = [`sip:${CALLEE}`]) {
  return jsScript({
    request: (_ctx, ksr) => {
      ksr('tm', 't-set-fr', frInv, fr);
      ksr('core', 'setdsturi', targets[0]);
      for (const target of targets.slice(1)) ksr('corex', 'append-branch-uri', `sip:bob@${target.slice(4)}`);
      ksr('tm', 't-relay');
    },
  });
}

const invites = (h: ReturnType<typeof proxyHarness>, to = CALLEE) =>
  h.lines(to).filter((l) => l.startsWith('INVITE ')).length;

describe('t-set-fr is capped at the configured maxima', () => {
  it('timer B of a branch nobody answers fires at max_fr_timer, not at the 24.8 days asked', () => {
    const script = route(HUGE, HUGE);
    const h = proxyHarness({ script, timers: { maxFr: 5000, maxInviteLifetime: 600_000 } });
    h.receive(uacRequest('INVITE'));
    h.clock.advance(4999);
    expect(h.lines('192.0.2.1')).toEqual(['SIP/2.0 100 Trying']);
    h.clock.advance(1);
    expect(h.lines('192.0.2.1')).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 408 Request Timeout']);
  });

  it('timer C after a provisional fires at max_fr_inv_timer', () => {
    const script = route(HUGE, 0);
    const h = proxyHarness({ script, timers: { maxFrInv: 7000, maxInviteLifetime: 600_000 } });
    h.receive(uacRequest('INVITE'));
    const sent = h.sentTo(CALLEE)[0].message;
    h.receive(calleeResponse(sent, 180, 'Ringing'), { address: CALLEE, port: 5060 });
    h.clock.advance(6999);
    expect(h.lines(CALLEE).filter((l) => l.startsWith('CANCEL'))).toEqual([]);
    h.clock.advance(1);
    expect(h.lines(CALLEE).filter((l) => l.startsWith('CANCEL'))).toHaveLength(1);
  });

  it('values within the maxima are kept as asked', () => {
    const script = route(0, 3000);
    const h = proxyHarness({ script, timers: { maxFr: 5000 } });
    h.receive(uacRequest('INVITE'));
    h.clock.advance(3000);
    expect(h.lines('192.0.2.1').at(-1)).toBe('SIP/2.0 408 Request Timeout');
  });
});

describe('the end of max_inv_lifetime ends every branch', () => {
  it('a branch still calling stops at once; the transaction ends and unpins its script', () => {
    const script = route(0, 0);
    // Timer B (fr) longer than the lifetime: only the lifetime can end the branch.
    const h = proxyHarness({ script, timers: { fr: 50_000, maxFr: 60_000, maxInviteLifetime: 10_000 } });
    h.receive(uacRequest('INVITE'));
    h.clock.advance(10_000);
    expect(h.lines('192.0.2.1').at(-1)).toBe('SIP/2.0 408 Request Timeout');
    const sentAtLifetime = invites(h);
    h.receive(uacRequest('ACK', { toTag: h.sentTo('192.0.2.1').at(-1)!.message.to!.tag }));
    h.clock.advance(60_000);
    expect(invites(h)).toBe(sentAtLifetime);
    expect(h.core.tm.table.serverCount).toBe(0);
    expect(h.core.tm.table.clientCount).toBe(0);
    expect(script.pins).toBe(0);
    expect(h.clock.pending).toBe(0);
  });

  it('a ringing branch is cancelled at the end of the lifetime', () => {
    const script = route(0, 0);
    const h = proxyHarness({ script, timers: { frInv: 100_000, maxInviteLifetime: 10_000 } });
    h.receive(uacRequest('INVITE'));
    h.receive(calleeResponse(h.sentTo(CALLEE)[0].message, 180, 'Ringing'), { address: CALLEE, port: 5060 });
    h.clock.advance(10_000);
    expect(h.lines(CALLEE).filter((l) => l.startsWith('CANCEL'))).toHaveLength(1);
    expect(h.lines('192.0.2.1').at(-1)).toBe('SIP/2.0 408 Request Timeout');
    h.receive(uacRequest('ACK', { toTag: h.sentTo('192.0.2.1').at(-1)!.message.to!.tag }));
    h.clock.advance(100_000);
    expect(h.core.tm.table.serverCount).toBe(0);
    expect(script.pins).toBe(0);
  });

  it('after a 2xx on one fork, a fork still calling (only a wish to cancel) ends at the lifetime', () => {
    const script = route(0, 0, [`sip:${CALLEE}`, `sip:${OTHER}`]);
    const h = proxyHarness({ script, timers: { fr: 50_000, maxFr: 60_000, maxInviteLifetime: 10_000 } });
    h.receive(uacRequest('INVITE'));
    const first = h.sentTo(CALLEE)[0].message;
    h.receive(calleeResponse(first, 200, 'OK'), { address: CALLEE, port: 5060 });
    expect(h.lines('192.0.2.1').at(-1)).toBe('SIP/2.0 200 OK');
    h.clock.advance(10_000);
    const sentAtLifetime = invites(h, OTHER);
    h.clock.advance(60_000);
    expect(invites(h, OTHER)).toBe(sentAtLifetime);
    expect(h.core.tm.table.serverCount).toBe(0);
    expect(h.core.tm.table.clientCount).toBe(0);
    expect(script.pins).toBe(0);
  });
});
