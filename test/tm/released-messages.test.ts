// Once a proxy transaction sent its final response, it keeps for its linger (Kamailio's wait timer) only
// what the state machines still use: the request as received (matching, dialogs), the bytes of the final
// response and the branches still being cancelled. The relayed copy, the branch copies of ended branches
// and their final responses are dropped, and what comes late is still handled: a retransmitted request,
// the CANCEL of a pending branch, its 487, a 2xx after the final response (RFC 3261 16.7 step 5).
import { describe, expect, it } from 'vitest';
import type { ProxyTransaction } from '../../src/tm/index.ts';
import { calleeResponse, jsScript, proxyHarness, uacRequest } from '../router/proxy-harness.ts';

const CALLEE = '192.0.2.20';
const OTHER = '192.0.2.21';

/** Relays to CALLEE (and OTHER when forking), keeping the transaction for the test to look at. */
function forkingScript(fork: boolean, kept: { tx?: ProxyTransaction }) {
  return jsScript({
    request: (ctx, ksr) => {
      ksr('core', 'setdsturi', `sip:${CALLEE}`);
      if (fork) ksr('corex', 'append-branch-uri', `sip:bob@${OTHER}`);
      ksr('tm', 't-on-failure', 'failed');
      ksr('tm', 't-relay');
      kept.tx = ctx.tm.transaction;
    },
    named: { failed: () => {} },
  });
}

describe('a proxy transaction after its final response', () => {
  it('drops the relayed copy, the answering branch copy and its response; a forwarded 2xx still goes on', () => {
    const kept: { tx?: ProxyTransaction } = {};
    const h = proxyHarness({ script: forkingScript(true, kept) });
    h.receive(uacRequest('INVITE'));
    const tx = kept.tx!;
    const [toCallee] = h.sentTo(CALLEE);
    const [toOther] = h.sentTo(OTHER);
    h.receive(calleeResponse(toOther.message, 180, 'Ringing', 'other'), { address: OTHER, port: 5060 });
    expect(tx.relayedRequest).toBeDefined();
    h.receive(calleeResponse(toCallee.message, 200, 'OK'), { address: CALLEE, port: 5060 });

    expect(tx.finalStatus).toBe(200);
    expect(tx.relayedRequest).toBeUndefined();
    const [answered, pending] = tx.branches;
    expect(answered.request).toBeUndefined();
    expect(answered.final).toMatchObject({ status: 200, reason: 'OK', response: undefined, local: false });
    // The other branch is being cancelled: it keeps its copy for the CANCEL, which went out.
    expect(pending.request).toBeDefined();
    expect(h.lines(OTHER).filter((l) => l.startsWith('CANCEL '))).toHaveLength(1);
    expect(tx.request.method).toBe('INVITE');

    // Its 487 ends it: dropped in turn, not forwarded.
    h.receive(calleeResponse(toOther.message, 487, 'Request Terminated', 'other'), {
      address: OTHER,
      port: 5060,
    });
    expect(pending.request).toBeUndefined();
    expect(pending.final).toMatchObject({ status: 487, response: undefined });

    // A retransmitted 2xx still reaches the caller, and a retransmitted INVITE is still absorbed.
    const before = h.lines('192.0.2.1');
    h.receive(calleeResponse(toCallee.message, 200, 'OK'), { address: CALLEE, port: 5060 });
    expect(h.lines('192.0.2.1')).toEqual([...before, 'SIP/2.0 200 OK']);
    h.receive(uacRequest('INVITE'));
    expect(h.sentTo(CALLEE).filter((s) => s.text.startsWith('INVITE '))).toHaveLength(1);
  });

  it('after a failure route, drops them too; a retransmitted INVITE gets the final response again', () => {
    const kept: { tx?: ProxyTransaction } = {};
    const h = proxyHarness({ script: forkingScript(false, kept) });
    h.receive(uacRequest('INVITE'));
    const tx = kept.tx!;
    const [toCallee] = h.sentTo(CALLEE);
    h.receive(calleeResponse(toCallee.message, 486, 'Busy Here'), { address: CALLEE, port: 5060 });
    expect(tx.finalStatus).toBe(486);
    expect(tx.relayedRequest).toBeUndefined();
    expect(tx.branches[0].request).toBeUndefined();
    expect(tx.branches[0].final).toMatchObject({ status: 486, response: undefined });
    expect(tx.picked?.final?.status).toBe(486);
    const upstream = h.lines('192.0.2.1').filter((l) => l === 'SIP/2.0 486 Busy Here');
    expect(upstream).toHaveLength(1);
    h.receive(uacRequest('INVITE'));
    expect(h.lines('192.0.2.1').filter((l) => l === 'SIP/2.0 486 Busy Here')).toHaveLength(2);
  });

  it('a branch still ringing keeps everything until the final response', () => {
    const kept: { tx?: ProxyTransaction } = {};
    const h = proxyHarness({ script: forkingScript(false, kept) });
    h.receive(uacRequest('INVITE'));
    const tx = kept.tx!;
    h.receive(calleeResponse(h.sentTo(CALLEE)[0].message, 180, 'Ringing'), { address: CALLEE, port: 5060 });
    expect(tx.finalStatus).toBeUndefined();
    expect(tx.relayedRequest).toBeDefined();
    expect(tx.branches[0].request).toBeDefined();
  });
});
