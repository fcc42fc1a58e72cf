// The INVITE and non-INVITE client transactions (RFC 3261 17.1.1, 17.1.2, RFC 6026) under virtual time.
import { describe, expect, it } from 'vitest';
import type { SipResponse } from '../../src/sip/index.ts';
import { InviteClientTransaction } from '../../src/tm/invite-client-transaction.ts';
import { NonInviteClientTransaction } from '../../src/tm/non-invite-client-transaction.ts';
import type { ClientTransactionUser } from '../../src/tm/transaction.ts';
import type { Source } from '../../src/transport/index.ts';
import { RecordingTransport, request, response, sendTimes, settle, timing } from './fixtures.ts';

/** Where the responses come from (the next hop). */
const FROM: Source = {
  proto: 'udp',
  remote: { address: '192.0.2.20', port: 5060 },
  local: { address: '127.0.0.1', port: 5060 },
};

function user() {
  const events: string[] = [];
  const responses: SipResponse[] = [];
  const u: ClientTransactionUser = {
    receiveResponse: (r) => {
      events.push(`response ${r.status}`);
      responses.push(r);
    },
    timeout: () => events.push('timeout'),
    transportError: (e) => events.push(`transport-error ${e.code}`),
    terminated: () => events.push('terminated'),
  };
  return { events, responses, u };
}

describe('InviteClientTransaction', () => {
  it('retransmits on timer A, doubling from T1, until timer B (fr) gives up with a timeout', () => {
    const t = timing({ fr: 32_000 });
    const transport = new RecordingTransport();
    const { events, u } = user();
    const tx = new InviteClientTransaction(request(), transport, u, t);
    tx.start();
    expect(sendTimes(t, transport, 40_000)).toEqual([0, 500, 1500, 3500, 7500, 15_500, 31_500]);
    expect(events).toEqual(['timeout', 'terminated']);
    expect(tx.state).toBe('terminated');
    expect(t.clock.pending).toBe(0);
  });

  it('does not retransmit over a reliable transport, and timer B still fires', () => {
    const t = timing({ fr: 10_000 });
    const transport = new RecordingTransport(true);
    const { events, u } = user();
    new InviteClientTransaction(request(), transport, u, t).start();
    expect(sendTimes(t, transport, 12_000)).toEqual([0]);
    expect(events).toEqual(['timeout', 'terminated']);
  });

  it('stops retransmitting and timer B on a provisional response (Proceeding)', () => {
    const t = timing({ fr: 5000 });
    const transport = new RecordingTransport();
    const { events, u } = user();
    const req = request();
    const tx = new InviteClientTransaction(req, transport, u, t);
    tx.start();
    t.clock.advance(600);
    tx.receiveResponse(response(req, 180), FROM);
    t.clock.advance(60_000);
    expect(transport.sent).toHaveLength(2);
    expect(tx.state).toBe('proceeding');
    expect(events).toEqual(['response 180']);
  });

  it('ACKs a non-2xx final response hop by hop, again for each retransmission, and lingers for wait', async () => {
    const t = timing({ wait: 5000 });
    const transport = new RecordingTransport();
    const { events, u } = user();
    const req = request('INVITE', ['Route: <sip:p2.example.com;lr>']);
    const tx = new InviteClientTransaction(req, transport, u, t);
    tx.start();
    const busy = response(req, 486, 'callee');
    tx.receiveResponse(busy, FROM);
    expect(tx.state).toBe('completed');
    const ack = transport.sent[1];
    expect(ack).toMatch(/^ACK sip:bob@192\.0\.2\.20:5060 SIP\/2\.0\r\n/);
    expect(ack).toContain('Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-c1\r\n');
    expect(ack).toContain('To: <sip:bob@example.com>;tag=callee\r\n');
    expect(ack).toContain('CSeq: 7 ACK\r\n');
    expect(ack).toContain('Route: <sip:p2.example.com;lr>\r\n');
    tx.receiveResponse(response(req, 486, 'callee'), FROM);
    expect(transport.lines).toEqual([
      'INVITE sip:bob@192.0.2.20:5060 SIP/2.0',
      'ACK sip:bob@192.0.2.20:5060 SIP/2.0',
      'ACK sip:bob@192.0.2.20:5060 SIP/2.0',
    ]);
    expect(events).toEqual(['response 486']);
    t.clock.advance(4999);
    expect(tx.state).toBe('completed');
    t.clock.advance(1);
    expect(events).toEqual(['response 486', 'terminated']);
    await settle();
  });

  it('ends at once after the ACK over a reliable transport (timer D is 0)', () => {
    const t = timing();
    const transport = new RecordingTransport(true);
    const { events, u } = user();
    const req = request();
    const tx = new InviteClientTransaction(req, transport, u, t);
    tx.start();
    tx.receiveResponse(response(req, 503), FROM);
    expect(transport.lines[1]).toMatch(/^ACK /);
    expect(events).toEqual(['response 503', 'terminated']);
  });

  it('passes every 2xx up without ACKing it (Accepted, RFC 6026) until timer M', () => {
    const t = timing({ wait: 5000 });
    const transport = new RecordingTransport();
    const { events, u } = user();
    const req = request();
    const tx = new InviteClientTransaction(req, transport, u, t);
    tx.start();
    tx.receiveResponse(response(req, 200, 'a'), FROM);
    tx.receiveResponse(response(req, 200, 'a'), FROM);
    tx.receiveResponse(response(req, 486, 'a'), FROM);
    expect(tx.state).toBe('accepted');
    expect(transport.sent).toHaveLength(1);
    t.clock.advance(5000);
    expect(events).toEqual(['response 200', 'response 200', 'terminated']);
  });

  it('reports a send failure as a transport error and ends (17.1.4)', async () => {
    const t = timing();
    const transport = new RecordingTransport(true);
    transport.result = {
      ok: false,
      error: { code: 'connection-refused', target: 'tcp:192.0.2.20:5060', message: 'refused' },
    };
    const { events, u } = user();
    new InviteClientTransaction(request(), transport, u, t).start();
    await settle();
    expect(events).toEqual(['transport-error connection-refused', 'terminated']);
    expect(t.clock.pending).toBe(0);
  });
});

describe('NonInviteClientTransaction', () => {
  it('retransmits on timer E doubling up to T2, and gives up on timer F', () => {
    const t = timing({ fr: 20_000 });
    const transport = new RecordingTransport();
    const { events, u } = user();
    new NonInviteClientTransaction(request('OPTIONS'), transport, u, t).start();
    expect(sendTimes(t, transport, 21_000)).toEqual([0, 500, 1500, 3500, 7500, 11_500, 15_500, 19_500]);
    expect(events).toEqual(['timeout', 'terminated']);
  });

  it('retransmits every T2 once a provisional response came (Proceeding)', () => {
    const t = timing({ fr: 20_000 });
    const transport = new RecordingTransport();
    const { events, u } = user();
    const req = request('BYE');
    const tx = new NonInviteClientTransaction(req, transport, u, t);
    tx.start();
    t.clock.advance(600);
    tx.receiveResponse(response(req, 100), FROM);
    const times = sendTimes(t, transport, 12_000);
    expect(times.slice(1)).toEqual([1500, 5500, 9500]);
    expect(tx.state).toBe('proceeding');
    expect(events).toEqual(['response 100']);
  });

  it('absorbs retransmitted final responses for T4 (timer K), then ends', () => {
    const t = timing({ t4: 5000 });
    const transport = new RecordingTransport();
    const { events, u } = user();
    const req = request('BYE');
    const tx = new NonInviteClientTransaction(req, transport, u, t);
    tx.start();
    tx.receiveResponse(response(req, 200), FROM);
    tx.receiveResponse(response(req, 200), FROM);
    t.clock.advance(10_000);
    expect(transport.sent).toHaveLength(1);
    expect(events).toEqual(['response 200', 'terminated']);
  });

  it('ends with the final response over a reliable transport', () => {
    const t = timing();
    const transport = new RecordingTransport(true);
    const { events, u } = user();
    const req = request('BYE');
    const tx = new NonInviteClientTransaction(req, transport, u, t);
    tx.start();
    tx.receiveResponse(response(req, 481), FROM);
    expect(events).toEqual(['response 481', 'terminated']);
    expect(t.clock.pending).toBe(0);
  });
});
