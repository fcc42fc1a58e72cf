import { describe, expect, it } from 'vitest';
import { createRequest } from '../../src/sip/build-request.ts';
import { SipRequest } from '../../src/sip/request.ts';
import { parsedRequest, request } from './fixtures.ts';

describe('createRequest', () => {
  it('builds a CANCEL from the parts of an INVITE (RFC 3261 9.1)', () => {
    const invite = parsedRequest(request(['Route: <sip:p1.example.com;lr>']));
    const cancel = createRequest({
      method: 'CANCEL',
      uri: invite.uri,
      headers: [
        ['Via', invite.getFieldValues('Via')[0]],
        ['Route', invite.get('Route')!],
        ['Max-Forwards', '70'],
        ['From', invite.getFieldValues('From')[0]],
        ['To', invite.getFieldValues('To')[0]],
        ['Call-ID', invite.callId],
        ['CSeq', `${invite.cseq.seq} CANCEL`],
      ],
    });
    expect(cancel).toBeInstanceOf(SipRequest);
    expect(cancel.method).toBe('CANCEL');
    expect(cancel.via.branch).toBe(invite.via.branch);
    expect(cancel.cseq).toEqual({ seq: 314159, method: 'CANCEL' });
    expect(cancel.toString()).toBe(
      'CANCEL sip:bob@biloxi.example.com SIP/2.0\r\n' +
        'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n' +
        'Route: <sip:p1.example.com;lr>\r\n' +
        'Max-Forwards: 70\r\n' +
        'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n' +
        'To: Bob <sip:bob@biloxi.example.com>\r\n' +
        'Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n' +
        'CSeq: 314159 CANCEL\r\n' +
        'Content-Length: 0\r\n\r\n',
    );
  });

  it('adds a body with its type and length', () => {
    const m = createRequest({
      method: 'MESSAGE',
      uri: 'sip:bob@example.com',
      headers: [
        ['Via', 'SIP/2.0/UDP a.example.com;branch=z9hG4bK1'],
        ['From', '<sip:a@example.com>;tag=1'],
        ['To', '<sip:bob@example.com>'],
        ['Call-ID', '1@a'],
        ['CSeq', '1 MESSAGE'],
      ],
      body: 'hello',
      contentType: 'text/plain',
    });
    expect(m.body).toBe('hello');
    expect(m.contentLength).toBe(5);
    expect(m.get('c')).toBe('text/plain');
  });

  it('throws a TypeError naming the fault when the parts make no valid request', () => {
    expect(() =>
      createRequest({ method: 'BYE', uri: 'sip:a@b', headers: [['Via', 'SIP/2.0/UDP a.example.com']] }),
    ).toThrow(/Missing From/);
    expect(() => createRequest({ method: 'BYE ', uri: 'sip:a@b', headers: [] })).toThrow(TypeError);
  });
});
