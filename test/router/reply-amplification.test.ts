// Issue 11, reply amplification: how many datagrams one INVITE over UDP, never ACKed, makes the server send
// to its source (an address nobody verified). Timer G retransmits the final response from T1, doubling up
// to T2, until timer H (64*T1) ends the transaction (17.2.1); a local 2xx likewise until 64*T1 (RFC 6026);
// tm.max_reply_retransmissions (4) stops timer G earlier. The figures are in docs/sandbox.md; config refuses
// T2 < T1, which would lift the bound to 64*T1/T2.
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import { exampleRoutes, jsScript, proxyHarness, uacRequest } from './proxy-harness.ts';

function sentFor(status: number, timers = {}): string[] {
  const routes = exampleRoutes({
    request: (_ctx, ksr) => {
      ksr('tm', 't-newtran');
      ksr('tm', 't-reply', status, 'Final');
    },
  });
  const h = proxyHarness({ script: jsScript(routes), timers });
  h.receive(uacRequest());
  for (let t = 0; t < 200_000; t += 100) h.clock.advance(100);
  expect(h.core.tm.table.serverCount).toBe(0);
  return h.lines('192.0.2.1');
}

describe('reply amplification bound (issue 11)', () => {
  it('defaults (max_reply_retransmissions 4): 1 + 4 sends of a final response, 6 datagrams with the 100', () => {
    const busy = sentFor(486);
    expect(busy).toEqual(['SIP/2.0 100 Trying', ...Array(5).fill('SIP/2.0 486 Final')]);
    expect(sentFor(200)).toHaveLength(6);
  });

  it('uncapped, timer H alone bounds it: 1 + 10 at T2 4 s; 64 sends at T2 = T1, the most config allows', () => {
    expect(sentFor(486, { maxReplyRetransmissions: 64 })).toHaveLength(1 + 11);
    expect(sentFor(486, { t1: 500, t2: 500, maxReplyRetransmissions: 64 })).toHaveLength(1 + 64);
  });

  it('config: tm.max_reply_retransmissions is 0..64', () => {
    expect(validateConfig({ tm: { max_reply_retransmissions: 0 } }).ok).toBe(true);
    expect(validateConfig({ tm: { max_reply_retransmissions: 65 } }).ok).toBe(false);
    expect(validateConfig({ tm: { max_reply_retransmissions: -1 } }).ok).toBe(false);
  });

  it('config refuses T2 below T1 (it would retransmit 64*T1/T2 times)', () => {
    const refused = validateConfig({ tm: { retr_timer1: 500, retr_timer2: 100 } });
    expect(refused.ok ? '' : refused.error).toContain('retr_timer2 (T2, 100) must be at least retr_timer1');
    const implicit = validateConfig({ tm: { retr_timer1: 5000 } });
    expect(implicit.ok ? '' : implicit.error).toContain('tm.retr_timer1');
    expect(validateConfig({ tm: { retr_timer1: 100, retr_timer2: 400 } }).ok).toBe(true);
    expect(validateConfig({}).ok).toBe(true);
  });
});
