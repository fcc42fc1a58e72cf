// Matching requests and responses to transactions (RFC 3261 17.1.3, 17.2.3, with the RFC 2543 rules).
import { describe, expect, it } from 'vitest';
import type { SipRequest } from '../../src/sip/index.ts';
import { serverKey } from '../../src/tm/transaction-key.ts';
import { TransactionTable } from '../../src/tm/transaction-table.ts';
import { request, response } from './fixtures.ts';

function entry(req: SipRequest, finalToTag?: string) {
  return { request: req, finalToTag };
}

function withHeader(req: SipRequest, name: string, value: string): SipRequest {
  const copy = req.clone();
  copy.setHeader(name, value);
  return copy;
}

describe('server transaction matching', () => {
  it('matches by branch, sent-by and method; an ACK belongs to its INVITE, a CANCEL is apart', () => {
    const table = new TransactionTable();
    const invite = request('INVITE');
    const e = entry(invite);
    expect(table.addServer(serverKey(invite), e)).toBe(true);
    expect(table.addServer(serverKey(invite), entry(invite))).toBe(false);
    expect(table.matchRequest(request('INVITE'))).toBe(e);
    expect(table.matchRequest(request('ACK'))).toBe(e);
    expect(table.matchRequest(request('CANCEL'))).toBeUndefined();
    expect(table.matchCancelled(request('CANCEL'))).toBe(e);
    expect(table.matchRequest(request('INVITE', [], 'z9hG4bK-other'))).toBeUndefined();
    const elsewhere = withHeader(invite, 'Via', 'SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bK-c1');
    expect(table.matchRequest(elsewhere)).toBeUndefined();
    table.removeServer(serverKey(invite), e);
    expect(table.matchRequest(invite)).toBeUndefined();
  });

  it('treats an absent sent-by port as 5060 and the host case-insensitively', () => {
    const table = new TransactionTable();
    const invite = request('INVITE');
    const e = entry(invite);
    table.addServer(serverKey(invite), e);
    const spelled = withHeader(invite, 'Via', 'SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-c1;received=192.0.2.1');
    expect(table.matchRequest(spelled)).toBe(e);
  });

  it('matches RFC 2543 requests by Request-URI, From tag, Call-ID, CSeq and top Via; the ACK by the final To tag', () => {
    const table = new TransactionTable();
    const invite = request('INVITE', [], '2543-branch');
    const e = entry(invite, 'final');
    table.addServer(serverKey(invite), e);
    expect(table.matchRequest(request('INVITE', [], '2543-branch'))).toBe(e);
    expect(
      table.matchRequest(
        withHeader(request('ACK', [], '2543-branch'), 'To', '<sip:bob@example.com>;tag=final'),
      ),
    ).toBe(e);
    expect(
      table.matchRequest(withHeader(request('ACK', [], '2543-branch'), 'To', '<sip:bob@example.com>;tag=x')),
    ).toBeUndefined();
    expect(table.matchRequest(withHeader(invite, 'CSeq', '8 INVITE'))).toBeUndefined();
    expect(table.matchRequest(withHeader(invite, 'To', '<sip:bob@example.com>;tag=x'))).toBeUndefined();
    const otherUri = invite.clone();
    otherUri.setUri('sip:carol@192.0.2.20');
    expect(table.matchRequest(otherUri)).toBeUndefined();
  });

  it('finds the INVITE of an ACK for a 2xx by Call-ID, From tag and CSeq number', () => {
    const table = new TransactionTable();
    const invite = request('INVITE');
    const e = entry(invite);
    table.addInvite(e);
    expect(table.matchAck(request('ACK', [], 'z9hG4bK-e2e'))).toBe(e);
    expect(table.matchAck(withHeader(request('ACK'), 'CSeq', '8 ACK'))).toBeUndefined();
    table.removeInvite(e);
    expect(table.matchAck(request('ACK'))).toBeUndefined();
  });
});

describe('client transaction matching', () => {
  it('matches a response by the top Via branch and the CSeq method', () => {
    const table = new TransactionTable();
    const invite = { receiveResponse: () => {} };
    const cancel = { receiveResponse: () => {} };
    table.addClient('z9hG4bK-c1', 'INVITE', invite);
    table.addClient('z9hG4bK-c1', 'CANCEL', cancel);
    expect(table.matchResponse(response(request('INVITE'), 180))).toBe(invite);
    expect(table.matchResponse(response(request('CANCEL'), 200))).toBe(cancel);
    expect(table.matchResponse(response(request('BYE'), 200))).toBeUndefined();
    table.removeClient('z9hG4bK-c1', 'INVITE', invite);
    expect(table.matchResponse(response(request('INVITE'), 180))).toBeUndefined();
    expect(table.clientCount).toBe(1);
  });
});
