import { describe, expect, it } from 'vitest';
import type { ParseError } from '../../src/sip/parse-error.ts';
import { parseMessage } from '../../src/sip/parse-message.ts';
import { rejectionReply } from '../../src/sip/rejection-reply.ts';
import { parsedResponse, request, requestHead, response, text } from './fixtures.ts';

function errorOf(data: string, limits = {}): ParseError {
  const result = parseMessage(data, { limits });
  if (result.ok) throw new Error('expected a parse error');
  return result.error;
}

describe('rejectionReply', () => {
  it('answers a bad CSeq with "400 Bad CSeq" built from what could be read', () => {
    const reply = rejectionReply(
      errorOf(
        request(['Via: SIP/2.0/TCP b.example.com;branch=z9hG4bK2']).replace(
          'CSeq: 314159 INVITE',
          'CSeq: 314159 BYE',
        ),
      ),
    );
    const m = parsedResponse(reply!.toString('latin1'));
    expect(m.status).toBe(400);
    expect(m.reason).toBe('Bad CSeq');
    expect(m.getFieldValues('Via')).toEqual([
      'SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds',
      'SIP/2.0/TCP b.example.com;branch=z9hG4bK2',
    ]);
    expect(m.get('From')).toBe('Alice <sip:alice@atlanta.example.com>;tag=1928301774');
    expect(m.to?.uri).toBe('sip:bob@biloxi.example.com');
    expect(m.to?.tag).toMatch(/^[0-9a-f]{16}$/);
    expect(m.callId).toBe('a84b4c76e66710@pc33.atlanta.example.com');
    expect(m.get('CSeq')).toBe('314159 BYE');
    expect(m.contentLength).toBe(0);
  });

  it('gives a retransmission the same To tag, and another request another one', () => {
    const bad = request().replace('Max-Forwards: 70', 'Max-Forwards: x');
    const first = rejectionReply(errorOf(bad))!.toString('latin1');
    expect(rejectionReply(errorOf(bad))!.toString('latin1')).toBe(first);
    const other = rejectionReply(errorOf(bad.replace('z9hG4bK776asdhds', 'z9hG4bKother')))!.toString(
      'latin1',
    );
    expect(parsedResponse(other).to?.tag).not.toBe(parsedResponse(first).to?.tag);
  });

  it('keeps an existing To tag', () => {
    const bad = request()
      .replace('To: Bob <sip:bob@biloxi.example.com>', 'To: <sip:bob@biloxi.example.com>;tag=abc')
      .replace('Max-Forwards: 70', 'Max-Forwards: x');
    expect(parsedResponse(rejectionReply(errorOf(bad))!.toString('latin1')).to?.tag).toBe('abc');
  });

  it('answers a CSeq out of range, echoing it', () => {
    const reply = rejectionReply(errorOf(request().replace('CSeq: 314159', 'CSeq: 4294967296')));
    expect(reply?.toString('latin1')).toContain('CSeq: 4294967296 INVITE\r\n');
  });

  it('answers an unknown version with 505 and a message too large with 513', () => {
    expect(
      rejectionReply(errorOf(request().replace('SIP/2.0\r\n', 'SIP/3.0\r\n')))?.toString('latin1'),
    ).toMatch(/^SIP\/2\.0 505 Version Not Supported\r\n/);
    expect(
      rejectionReply(errorOf(request([], 'x'.repeat(500)), { maxMessageSize: 400 }))?.toString('latin1'),
    ).toMatch(/^SIP\/2\.0 513 Message Too Large\r\n/);
  });

  it('names limit faults in the reason phrase', () => {
    const reply = rejectionReply(errorOf(request(['X-A: 1', 'X-B: 2']), { maxHeaderCount: 7 }));
    expect(reply?.toString('latin1')).toMatch(/^SIP\/2\.0 400 Too Many Headers\r\n/);
  });

  it('answers without From, To or Call-ID when those could not be read', () => {
    const bad = text([requestHead()[0], requestHead()[1], 'CSeq: 314159 INVITE', 'Content-Length: 0']);
    const reply = rejectionReply(errorOf(bad))!.toString('latin1');
    expect(reply).toBe(
      'SIP/2.0 400 Missing From\r\n' +
        'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n' +
        'CSeq: 314159 INVITE\r\n' +
        'Content-Length: 0\r\n\r\n',
    );
  });

  it.each([
    [
      'without CSeq',
      () => errorOf(text([...requestHead().filter((l) => !l.startsWith('CSeq')), 'Content-Length: 0'])),
    ],
    ['whose CSeq does not parse', () => errorOf(request().replace('CSeq: 314159 INVITE', 'CSeq: x INVITE'))],
    ['whose CSeq is empty', () => errorOf(request().replace('CSeq: 314159 INVITE', 'CSeq:'))],
  ])('answers a request %s with CSeq 0 and the request-line method (issue 11)', (_why, error) => {
    const reply = rejectionReply(error())!.toString('latin1');
    expect(reply).toMatch(/^SIP\/2\.0 400 (Bad|Missing) CSeq\r\n/);
    expect(reply).toContain('\r\nVia: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n');
    expect(reply).toContain('\r\nCSeq: 0 INVITE\r\n');
    expect(parsedResponse(reply).cseq).toEqual({ seq: 0, method: 'INVITE' });
  });

  it.each([
    ['a response', () => errorOf(response().replace('CSeq: 314159 INVITE', 'CSeq: x'))],
    ['an ACK', () => errorOf(request([], '', 'ACK').replace('Max-Forwards: 70', 'Max-Forwards: x'))],
    [
      'an ACK whose CSeq does not parse',
      () => errorOf(request([], '', 'ACK').replace('CSeq: 314159 ACK', 'CSeq: x ACK')),
    ],
    [
      'a request without Via',
      () => errorOf(text([...requestHead().filter((l) => !l.startsWith('Via')), 'Content-Length: 0'])),
    ],
    [
      'a request whose top Via does not parse',
      () => errorOf(request().replace('SIP/2.0/UDP pc33', 'SIP/2.0/UDP pc33..')),
    ],
    ['garbage', () => errorOf('\x16\x03\x01 not sip at all\r\n\r\n')],
  ])('gives no reply for %s', (_why, error) => {
    expect(rejectionReply(error())).toBeUndefined();
  });
});
