import { describe, expect, it } from 'vitest';
import { createResponse, responseBytes } from '../../src/sip/build-response.ts';
import { SipResponse } from '../../src/sip/response.ts';
import { INVITE, parsedRequest, request, requestHead, text } from './fixtures.ts';

describe('createResponse (RFC 3261 8.2.6)', () => {
  it('copies Via fields, From, To, Call-ID and CSeq, with the usual reason phrase', () => {
    const req = parsedRequest(INVITE);
    const res = createResponse(req, 486);
    expect(res).toBeInstanceOf(SipResponse);
    expect(res.status).toBe(486);
    expect(res.reason).toBe('Busy Here');
    expect(res.getFieldValues('Via')).toEqual(req.getFieldValues('Via'));
    expect(res.get('From')).toBe(req.get('From'));
    expect(res.get('To')).toBe(req.get('To'));
    expect(res.callId).toBe(req.callId);
    expect(res.cseq).toEqual(req.cseq);
    expect(res.contentLength).toBe(0);
    expect(res.has('Record-Route')).toBe(false);
    expect(res.has('Max-Forwards')).toBe(false);
  });

  it('adds the To tag when the request has none, and only then', () => {
    const req = parsedRequest(INVITE);
    expect(createResponse(req, 200, 'OK', { toTag: 'a6c85cf' }).to?.tag).toBe('a6c85cf');
    const tagged = parsedRequest(
      request().replace('To: Bob <sip:bob@biloxi.example.com>', 'To: <sip:bob@biloxi.example.com>;tag=old'),
    );
    expect(createResponse(tagged, 200, 'OK', { toTag: 'new' }).to?.tag).toBe('old');
  });

  it('adds headers and a body', () => {
    const res = createResponse(parsedRequest(request()), 200, 'OK', {
      headers: [
        ['Contact', '<sip:bob@192.0.2.4>'],
        ['Allow', 'INVITE, ACK'],
      ],
      body: 'v=0\r\n',
      contentType: 'application/sdp',
    });
    expect(res.get('Contact')).toBe('<sip:bob@192.0.2.4>');
    expect(res.getAll('Allow')).toEqual(['INVITE', 'ACK']);
    expect(res.body).toBe('v=0\r\n');
    expect(res.get('Content-Type')).toBe('application/sdp');
    expect(res.contentLength).toBe(5);
  });

  it('copies Timestamp into a 100 only (8.2.6.1)', () => {
    const req = parsedRequest(request(['Timestamp: 54']));
    expect(createResponse(req, 100).get('Timestamp')).toBe('54');
    expect(createResponse(req, 180).has('Timestamp')).toBe(false);
  });

  it('writes the Vias of the request as it is now (after a push)', () => {
    const req = parsedRequest(request());
    req.pushVia('SIP/2.0/UDP p.example.com;branch=z9hG4bKp');
    expect(createResponse(req, 100).via.host).toBe('p.example.com');
  });

  it('keeps a malformed To as it was', () => {
    const req = parsedRequest(
      text([...requestHead().map((l) => (l.startsWith('To:') ? 'To: <broken' : l)), 'Content-Length: 0']),
    );
    expect(createResponse(req, 400, 'Bad To', { toTag: 'x' }).get('To')).toBe('<broken;tag=x');
  });

  it.each([
    ['a status out of range', () => createResponse(parsedRequest(request()), 700)],
    ['a reason phrase with CRLF', () => createResponse(parsedRequest(request()), 200, 'OK\r\nX: y')],
    [
      'a tag that is not a token',
      () => createResponse(parsedRequest(request()), 200, 'OK', { toTag: 'a b' }),
    ],
    [
      'a header with CRLF',
      () => createResponse(parsedRequest(request()), 200, 'OK', { headers: [['X', 'a\r\nb']] }),
    ],
    [
      'a Content-Length header',
      () => createResponse(parsedRequest(request()), 200, 'OK', { headers: [['l', '0']] }),
    ],
  ])('throws on %s (a caller bug)', (_why, build) => {
    expect(build).toThrow(TypeError);
  });
});

describe('responseBytes', () => {
  const cases: [string, () => Parameters<typeof responseBytes>][] = [
    ['a plain reply', () => [parsedRequest(INVITE), 486, undefined, {}]],
    ['a reply with a To tag', () => [parsedRequest(request()), 200, 'Keepalive', { toTag: 'a6c85cf' }]],
    ['a 100 with Timestamp', () => [parsedRequest(request(['Timestamp: 54'])), 100, 'Trying', {}]],
    [
      'a reply with a body',
      () => [parsedRequest(request()), 200, 'OK', { body: 'v=0\r\n', contentType: 'application/sdp' }],
    ],
    ['a reply with headers', () => [parsedRequest(request()), 403, 'No', { headers: [['Allow', 'INVITE']] }]],
    [
      'a reply to a request with two Vias and a malformed To',
      () => [
        parsedRequest(
          text([
            ...requestHead().map((l) => (l.startsWith('To:') ? 'To: <broken' : l)),
            'Via: SIP/2.0/TCP b.example.com;branch=z9hG4bKb',
            'Content-Length: 0',
          ]),
        ),
        404,
        'Not Found',
        { toTag: 'x' },
      ],
    ],
  ];
  it.each(cases)('writes the octets of createResponse(...).toBuffer(): %s', (_what, args) => {
    const bytes = responseBytes(...args());
    expect(bytes.toString('latin1')).toBe(
      createResponse(...args())
        .toBuffer()
        .toString('latin1'),
    );
  });

  // The octets as written out by hand: compact names, Vias in two fields with others between them, one of
  // them folded over two lines and holding two values, Timestamp copied into a 100.
  it('writes the copied fields in their order, full names, values as read', () => {
    const req = parsedRequest(
      text([
        'INVITE sip:bob@biloxi.example.com SIP/2.0',
        'v: SIP/2.0/UDP a.example.com;branch=z9hG4bKa,',
        '  SIP/2.0/TCP b.example.com;branch=z9hG4bKb',
        'f: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
        'Max-Forwards: 70',
        'VIA: SIP/2.0/UDP c.example.com;branch=z9hG4bKc',
        't: Bob <sip:bob@biloxi.example.com>',
        'i: a84b4c76e66710',
        'CSeq: 314159 INVITE',
        'Timestamp: 54 0.5',
        'l: 0',
      ]),
    );
    const head = [
      'Via: SIP/2.0/UDP a.example.com;branch=z9hG4bKa, SIP/2.0/TCP b.example.com;branch=z9hG4bKb',
      'Via: SIP/2.0/UDP c.example.com;branch=z9hG4bKc',
      'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
    ];
    expect(responseBytes(req, 100, 'Trying').toString('latin1')).toBe(
      text([
        'SIP/2.0 100 Trying',
        ...head,
        'To: Bob <sip:bob@biloxi.example.com>',
        'Call-ID: a84b4c76e66710',
        'CSeq: 314159 INVITE',
        'Timestamp: 54 0.5',
        'Content-Length: 0',
      ]),
    );
    expect(responseBytes(req, 486, 'Busy Here', { toTag: 'x1' }).toString('latin1')).toBe(
      text([
        'SIP/2.0 486 Busy Here',
        ...head,
        'To: Bob <sip:bob@biloxi.example.com>;tag=x1',
        'Call-ID: a84b4c76e66710',
        'CSeq: 314159 INVITE',
        'Content-Length: 0',
      ]),
    );
  });

  it.each([
    ['a status out of range', () => responseBytes(parsedRequest(request()), 700)],
    ['a reason phrase with CRLF', () => responseBytes(parsedRequest(request()), 200, 'OK\r\nX: y')],
    ['a tag that is not a token', () => responseBytes(parsedRequest(request()), 200, 'OK', { toTag: 'a b' })],
    [
      'a second CSeq',
      () => responseBytes(parsedRequest(request()), 200, 'OK', { headers: [['CSeq', '1 A']] }),
    ],
  ])('throws as createResponse on %s', (_why, build) => {
    expect(build).toThrow(TypeError);
  });
});
