// The core and tmx functions Kamailio's basic script calls first, on the message path (a Router over the
// fake transport): set_reply_no_connect reaches the replies the server sends, stateless and through the
// transaction made after it; t_precheck_trans finds a copy of a request while the first copy's route runs
// or its request is held, and not after.
import { describe, expect, it } from 'vitest';
import { holdMessage, type SipMessage, type SipRequest } from '../../src/sip/index.ts';
import { calleeResponse, jsScript, proxyHarness, UAC, uacRequest } from './proxy-harness.ts';

const defines = { PRIMARY: 'sip:192.0.2.20:5060' };

describe('set-reply-no-connect on the message path', () => {
  it('a stateless reply over TCP is sent without opening a connection only after the call', () => {
    for (const noConnect of [true, false]) {
      const script = jsScript({
        request: (_ctx, ksr) => {
          if (noConnect) ksr('core', 'set-reply-no-connect');
          ksr('sl', 'sl-send-reply', 404, 'Not Here');
        },
      });
      const h = proxyHarness({ script, defines });
      h.receive(uacRequest('OPTIONS'), UAC, 'tcp');
      const [reply] = h.sentTo(UAC.address);
      expect(reply.text.startsWith('SIP/2.0 404 ')).toBe(true);
      expect(reply.target.noConnect === true).toBe(noConnect);
    }
  });

  it('the transaction made after it sends its replies (its 100, the callee 180) without connecting', () => {
    const script = jsScript({
      request: (ctx, ksr) => {
        ksr('core', 'set-reply-no-connect');
        ctx.relay.dstUri = defines.PRIMARY;
        ksr('tm', 't-relay');
      },
    });
    const h = proxyHarness({ script, defines });
    h.receive(uacRequest('INVITE'), UAC, 'tcp');
    const invite = h.sentTo('192.0.2.20')[0].message;
    h.receive(calleeResponse(invite, 180, 'Ringing'), { address: '192.0.2.20', port: 5060 });
    const upstream = h.sentTo(UAC.address);
    expect(upstream.map((s) => s.text.split('\r\n')[0])).toEqual([
      'SIP/2.0 100 Trying',
      'SIP/2.0 180 Ringing',
    ]);
    for (const s of upstream) expect(s.target).toMatchObject({ proto: 'tcp', noConnect: true });
  });
});

describe('tmx.t-precheck-trans on the message path', () => {
  it('is 1 for a retransmission while the first copy is held, -1 once the hold is released', async () => {
    const seen: number[] = [];
    let release: () => void = () => {};
    const script = jsScript({
      request: (ctx, ksr) => {
        seen.push(ksr('tmx', 't-precheck-trans') as number);
        // The first copy is held as an rtpengine command holds it, without a transaction yet.
        if (seen.length === 1)
          holdMessage(ctx.msg, new Promise((resolve) => (release = () => resolve(undefined))));
        ksr('x', 'drop');
      },
    });
    const h = proxyHarness({ script, defines });
    h.receive(uacRequest('MESSAGE'));
    h.receive(uacRequest('MESSAGE'));
    release();
    await h.settle();
    h.receive(uacRequest('MESSAGE'));
    expect(seen).toEqual([-1, 1, -1]);
  });

  it('is -1 for a copy that comes after the first copy route returned (nothing held)', () => {
    const seen: number[] = [];
    const script = jsScript({
      request: (_ctx, ksr) => {
        seen.push(ksr('tmx', 't-precheck-trans') as number);
        ksr('x', 'drop');
      },
    });
    const h = proxyHarness({ script, defines });
    h.receive(uacRequest('MESSAGE'));
    h.receive(uacRequest('MESSAGE'));
    expect(seen).toEqual([-1, -1]);
    expect(h.core.pretran.size).toBe(0);
  });
});

describe('an edit asked for in a branch route (rtpengine_manage in ksr_branch_manage)', () => {
  function heldBranch() {
    let release: () => void = () => {};
    const script = jsScript({
      request: (ctx, ksr) => {
        ksr('tm', 't-on-branch', 'manage');
        ctx.relay.dstUri = defines.PRIMARY;
        ksr('tm', 't-relay');
      },
      named: {
        manage: (ctx) => {
          const edit = (m: SipMessage) => m.setHeader('X-Edited', 'yes');
          holdMessage(ctx.msg, new Promise((resolve) => (release = () => resolve(edit))));
        },
      },
    });
    return { h: proxyHarness({ script, defines }), release: () => release() };
  }

  it('sends the branch once the edit landed, with the edit', async () => {
    const { h, release } = heldBranch();
    h.receive(uacRequest('INVITE'));
    expect(h.sentTo('192.0.2.20')).toHaveLength(0);
    release();
    await h.settle();
    const [invite] = h.sentTo('192.0.2.20');
    expect((invite.message as SipRequest).get('X-Edited')).toBe('yes');
  });

  it('a CANCEL while the edit is under way: nothing goes to the callee, the caller gets 487', async () => {
    const { h, release } = heldBranch();
    h.receive(uacRequest('INVITE'));
    h.receive(uacRequest('CANCEL'));
    release();
    await h.settle();
    await h.settle();
    expect(h.sentTo('192.0.2.20')).toHaveLength(0);
    expect(h.lines('192.0.2.1').at(-1)).toBe('SIP/2.0 487 Request Terminated');
  });
});
