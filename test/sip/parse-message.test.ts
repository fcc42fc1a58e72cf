import { describe, expect, it } from 'vitest';
import type { ParseError } from '../../src/sip/parse-error.ts';
import { DEFAULT_PARSE_LIMITS } from '../../src/sip/parse-limits.ts';
import { type ParseOptions, parseMessage } from '../../src/sip/parse-message.ts';
import { SipRequest } from '../../src/sip/request.ts';
import { SipResponse } from '../../src/sip/response.ts';
import {
  INVITE,
  parsed,
  parsedRequest,
  parsedResponse,
  request,
  requestHead,
  response,
  text,
} from './fixtures.ts';

function failure(data: string | Buffer, options?: ParseOptions): ParseError {
  const result = parseMessage(data, options);
  if (result.ok) throw new Error('expected a parse error');
  return result.error;
}

describe('parseMessage: start lines (RFC 3261 7.1, 7.2)', () => {
  it('reads a request line', () => {
    const m = parsedRequest(request());
    expect(m).toBeInstanceOf(SipRequest);
    expect(m.method).toBe('INVITE');
    expect(m.uri).toBe('sip:bob@biloxi.example.com');
    expect(m.version).toBe('SIP/2.0');
    expect(m.startLine).toBe('INVITE sip:bob@biloxi.example.com SIP/2.0');
  });

  it('reads a status line, an empty reason phrase and one with spaces and UTF-8', () => {
    const ok = parsedResponse(response());
    expect(ok).toBeInstanceOf(SipResponse);
    expect(ok.status).toBe(200);
    expect(ok.reason).toBe('OK');
    expect(parsedResponse(response([], '180 ')).reason).toBe('');
    expect(parsedResponse(response([], '180')).reason).toBe('');
    expect(parsedResponse(response([], '404 Not Found Here \u00c3\u00a9')).reason).toBe(
      'Not Found Here \u00c3\u00a9',
    );
  });

  it('accepts extension methods and non-SIP Request-URI schemes', () => {
    const m = parsedRequest(
      request([], '', 'NEWMETHOD').replace('sip:bob@biloxi.example.com', 'urn:service:sos'),
    );
    expect(m.method).toBe('NEWMETHOD');
    expect(m.uri).toBe('urn:service:sos');
    expect(m.parsedUri).toBeUndefined();
  });

  it('takes the SIP-Version case-insensitively', () => {
    expect(parsed(request().replace('SIP/2.0\r\n', 'sip/2.0\r\n')).version).toBe('sip/2.0');
  });

  it('skips CRLFs before the start line (7.5)', () => {
    expect(parsedRequest(`\r\n\r\n${request()}`).method).toBe('INVITE');
  });

  it('answers an unknown SIP version with 505', () => {
    const error = failure(request().replace('SIP/2.0\r\n', 'SIP/7.0\r\n'));
    expect(error).toMatchObject({
      status: 505,
      reason: 'Version Not Supported',
      kind: 'request',
      method: 'INVITE',
    });
    expect(failure(response().replace('SIP/2.0 200', 'SIP/3.1 200')).status).toBe(505);
  });

  it.each([
    [
      'two spaces after the method',
      (s: string) => s.replace('INVITE sip', 'INVITE  sip'),
      'Bad Request-URI',
      7,
    ],
    ['a space at the end', (s: string) => s.replace('SIP/2.0\r\n', 'SIP/2.0 \r\n'), 'Bad Request-Line', 34],
    [
      'a URI in angle brackets',
      (s: string) => s.replace('sip:bob@biloxi.example.com', '<sip:bob@biloxi.example.com>'),
      'Bad Request-URI',
      7,
    ],
    ['no version', (s: string) => s.replace(' SIP/2.0\r\n', '\r\n'), 'Bad Request-Line', 33],
    [
      'a method that is not a token',
      (s: string) => s.replace('INVITE sip', 'INV@TE sip'),
      'Bad Request-Line',
      3,
    ],
    ['a malformed version', (s: string) => s.replace('SIP/2.0\r\n', 'SIP/2\r\n'), 'Bad Request-Line', 34],
  ])('rejects a request line with %s', (_why, edit, reason, offset) => {
    const error = failure(edit(request()));
    expect(error).toMatchObject({ status: 400, reason, offset });
  });

  it.each([
    ['a 2-digit status', 'SIP/2.0 20 OK'],
    ['a status above 699', 'SIP/2.0 700 Nope'],
    ['a status below 100', 'SIP/2.0 099 Nope'],
    ['no space after the status', 'SIP/2.0 200OK'],
  ])('rejects a status line with %s', (_why, line) => {
    const error = failure(response().replace('SIP/2.0 200 OK', line));
    expect(error).toMatchObject({ status: 400, reason: 'Bad Status Line', kind: 'response' });
  });

  it('rejects an empty message and a start line without terminator', () => {
    expect(failure('')).toMatchObject({ reason: 'Empty Message', offset: 0 });
    expect(failure('\r\n\r\n')).toMatchObject({ reason: 'Empty Message', offset: 4 });
    expect(failure('INVITE sip:a@b SIP/2.0')).toMatchObject({ reason: 'Bad Start Line', offset: 22 });
  });
});

describe('parseMessage: header fields (RFC 3261 7.3)', () => {
  it('indexes every field with its canonical key, compact forms included', () => {
    const m = parsed(
      text([
        'INVITE sip:bob@biloxi.example.com SIP/2.0',
        'v: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds',
        't: <sip:bob@biloxi.example.com>',
        'f: <sip:alice@atlanta.example.com>;tag=1',
        'i: a84b4c76e66710',
        'CSEQ: 1 INVITE',
        'm: <sip:alice@pc33.atlanta.example.com>',
        'k: timer, 100rel',
        's: Lunch',
        'l: 0',
      ]),
    );
    expect(m.headerCount).toBe(9);
    expect(m.headerFields().map((f) => f.key)).toEqual([
      'via',
      'to',
      'from',
      'call-id',
      'cseq',
      'contact',
      'supported',
      'subject',
      'content-length',
    ]);
    expect(m.headerFields()[0].name).toBe('v');
    expect(m.callId).toBe('a84b4c76e66710');
    expect(m.get('Subject')).toBe('Lunch');
    expect(m.getAll('Supported')).toEqual(['timer', '100rel']);
  });

  it('joins continuation lines (folding) with a single SP each', () => {
    const m = parsed(
      text([
        ...requestHead(),
        'Subject: I know you are there,',
        '         pick up the phone',
        '\t and talk to me!',
        'Contact:',
        '  <sip:alice@pc33.atlanta.example.com>',
        'Content-Length: 0',
      ]),
    );
    expect(m.get('Subject')).toBe('I know you are there, pick up the phone and talk to me!');
    expect(m.contacts).toHaveLength(1);
  });

  it('accepts whitespace before the colon and an empty value', () => {
    const m = parsed(text([...requestHead(), 'Subject   :', 'X-Empty:   ', 'Content-Length: 0']));
    expect(m.get('Subject')).toBe('');
    expect(m.get('X-Empty')).toBe('');
    expect(m.has('x-empty')).toBe(true);
  });

  it('accepts bare LF line terminators', () => {
    const m = parsedRequest(request().replace(/\r\n/g, '\n'));
    expect(m.callId).toBe('a84b4c76e66710@pc33.atlanta.example.com');
    expect(m.cseq).toEqual({ seq: 314159, method: 'INVITE' });
  });

  it('rejects a CR standing alone, in the start line or a header', () => {
    expect(failure(request().replace('SIP/2.0\r\n', 'SIP/2.0\rX\r\n'))).toMatchObject({
      reason: 'Bad Start Line',
      offset: 41,
    });
    const input = request(['X-Smuggle: a\rVia: SIP/2.0/UDP evil.example.com']);
    expect(failure(input)).toMatchObject({ reason: 'Bad Header Field', offset: input.indexOf('\rVia') });
    expect(failure(request().replace('\r\n\r\n', '\r\n\r'))).toMatchObject({ reason: 'Bad Header Field' });
  });

  it.each([
    ['a line without a colon', 'NoColonHere'],
    ['a name with a space', 'Bad Name: x'],
    ['a line starting with a colon', ': x'],
  ])('rejects %s', (_why, line) => {
    const input = request([line]);
    expect(failure(input)).toMatchObject({
      status: 400,
      reason: 'Bad Header Field',
      offset: expect.any(Number),
    });
  });

  it('rejects a continuation line before any header', () => {
    const input = text(['INVITE sip:a@b.example SIP/2.0', ' folded', ...requestHead().slice(1)]);
    expect(failure(input)).toMatchObject({ reason: 'Bad Header Field', offset: input.indexOf(' folded') });
  });

  it('rejects headers not ended by an empty line', () => {
    expect(failure(request().replace(/\r\n\r\n$/, '\r\n'))).toMatchObject({ reason: 'Bad Header Field' });
    expect(failure(`${requestHead().join('\r\n')}\r\nSubject: x`)).toMatchObject({
      reason: 'Bad Header Field',
    });
  });
});

describe('parseMessage: the headers every layer needs', () => {
  it.each(['Via', 'From', 'To', 'Call-ID', 'CSeq'])('rejects a request without %s', (name) => {
    const lines = requestHead().filter((line) => !line.startsWith(`${name}:`));
    const error = failure(text([...lines, 'Content-Length: 0']));
    expect(error).toMatchObject({ status: 400, reason: `Missing ${name}`, header: name });
  });

  it.each(['From', 'To', 'Call-ID', 'CSeq', 'Max-Forwards', 'Content-Length'])(
    'rejects a second %s',
    (name) => {
      const line = requestHead().find((l) => l.startsWith(`${name}:`)) ?? `${name}: 0`;
      const input = request([line]);
      const error = failure(input);
      expect(error).toMatchObject({ reason: `Bad ${name}`, header: name });
      expect(error.detail).toContain('more than one');
    },
  );

  it('rejects a malformed top Via, naming the header and where its value starts', () => {
    const input = request().replace('SIP/2.0/UDP pc33', 'SIP/2.0/UDP pc33..');
    const error = failure(input);
    expect(error).toMatchObject({
      reason: 'Bad Via',
      header: 'Via',
      offset: input.indexOf('SIP/2.0/UDP pc33'),
    });
  });

  it('parses only the top Via: a malformed lower one waits for the vias accessor', () => {
    const m = parsed(request(['Via: SIP/2.0/UDP bad..host']));
    expect(m.via.host).toBe('pc33.atlanta.example.com');
    expect(m.vias).toBeUndefined();
  });

  it('counts an empty Via field as no Via', () => {
    const lines = requestHead().map((l) => (l.startsWith('Via:') ? 'Via:' : l));
    expect(failure(text([...lines, 'Content-Length: 0']))).toMatchObject({ reason: 'Missing Via' });
  });

  it.each([
    ['a sequence number of 2**31', 'CSeq: 2147483648 INVITE', 'is not below 2**31'],
    ["a method other than the request's", 'CSeq: 314159 BYE', 'differs'],
    ['no method', 'CSeq: 314159', 'expected'],
    ['a number with letters', 'CSeq: 31a INVITE', 'expected'],
  ])('rejects a CSeq with %s (400 Bad CSeq)', (_why, line, detail) => {
    const input = request().replace('CSeq: 314159 INVITE', line);
    const error = failure(input);
    expect(error).toMatchObject({
      status: 400,
      reason: 'Bad CSeq',
      header: 'CSeq',
      offset: input.indexOf(line) + 6,
    });
    expect(error.detail).toContain(detail);
  });

  it('accepts any CSeq method in a response', () => {
    expect(parsedResponse(response().replace('CSeq: 314159 INVITE', 'CSeq: 2 BYE')).cseq.method).toBe('BYE');
  });

  it('rejects an empty Call-ID and a Max-Forwards that is not digits', () => {
    expect(failure(request().replace(/Call-ID: .*/, 'Call-ID: '))).toMatchObject({ reason: 'Bad Call-ID' });
    expect(failure(request().replace('Max-Forwards: 70', 'Max-Forwards: seventy'))).toMatchObject({
      reason: 'Bad Max-Forwards',
    });
  });

  it('leaves From and To to their accessors: malformed ones read as undefined', () => {
    const m = parsed(
      request().replace('To: Bob <sip:bob@biloxi.example.com>', 'To: <sip:bob@biloxi.example.com'),
    );
    expect(m.to).toBeUndefined();
    expect(m.from?.tag).toBe('1928301774');
  });
});

describe('parseMessage: body framing (RFC 3261 18.3)', () => {
  const body = 'v=0\r\ns=-\r\n';

  it('frames the body by Content-Length', () => {
    const m = parsed(request([], body));
    expect(m.body).toBe(body);
    expect(m.bodyLength).toBe(body.length);
    expect(m.contentLength).toBe(body.length);
  });

  it('keeps body octets as they are (UTF-8, NUL, CRLF)', () => {
    const raw = 'caf\u00c3\u00a9\0\r\n\r\nend';
    expect(parsed(request([], raw)).body).toBe(raw);
  });

  it('drops octets past Content-Length in a datagram', () => {
    const m = parsed(`${request([], body)}garbage`, true);
    expect(m.body).toBe(body);
    expect(m.toString()).toBe(request([], body));
  });

  it('takes the rest of a datagram as the body when Content-Length is missing', () => {
    const m = parsed(text(requestHead(), body), true);
    expect(m.body).toBe(body);
    expect(m.contentLength).toBeUndefined();
  });

  it('rejects a Content-Length larger than the data, datagram or not', () => {
    const input = request([], body).replace(`Content-Length: ${body.length}`, 'Content-Length: 500');
    for (const datagram of [true, false]) {
      const error = failure(input, { datagram });
      expect(error).toMatchObject({ status: 400, reason: 'Bad Content-Length', header: 'Content-Length' });
      expect(error.detail).toContain('exceeds');
    }
  });

  it('on a stream, rejects octets after the body and a body without Content-Length', () => {
    expect(failure(`${request([], body)}x`).detail).toContain('1 octets follow the body');
    expect(failure(text(requestHead(), body))).toMatchObject({ reason: 'Missing Content-Length' });
  });

  it('on a stream, accepts no Content-Length when there is no body', () => {
    expect(parsed(text(requestHead())).bodyLength).toBe(0);
  });

  it('rejects a Content-Length that is not digits', () => {
    expect(failure(request().replace('Content-Length: 0', 'Content-Length: -1'))).toMatchObject({
      reason: 'Bad Content-Length',
    });
  });
});

describe('parseMessage: limits', () => {
  it('has documented defaults', () => {
    expect(DEFAULT_PARSE_LIMITS).toEqual({
      maxMessageSize: 65535,
      maxHeaderCount: 128,
      maxLineLength: 8192,
      maxViaCount: 100,
    });
  });

  it('keeps the default of a limit given as undefined', () => {
    const big = request([], 'x'.repeat(70_000));
    expect(failure(big, { limits: { maxMessageSize: undefined, maxHeaderCount: 50 } }).limit).toBe(
      'maxMessageSize',
    );
  });

  it('answers a message over maxMessageSize with 513, still reading its Via and CSeq', () => {
    const input = request([], 'x'.repeat(100));
    const error = failure(input, { limits: { maxMessageSize: 300 } });
    expect(error).toMatchObject({
      status: 513,
      reason: 'Message Too Large',
      limit: 'maxMessageSize',
      offset: 300,
    });
    expect(error.vias).toHaveLength(1);
    expect(error.cseq).toBe('314159 INVITE');
  });

  it('stops at maxHeaderCount', () => {
    const error = failure(request(['X-A: 1', 'X-B: 2']), { limits: { maxHeaderCount: 8 } });
    expect(error).toMatchObject({ status: 400, reason: 'Too Many Headers', limit: 'maxHeaderCount' });
    expect(parseMessage(request(['X-A: 1']), { limits: { maxHeaderCount: 9 } }).ok).toBe(true);
  });

  it('stops at maxLineLength, for header fields with their continuation lines and for the start line', () => {
    const long = `X-Long: ${'a'.repeat(100)}`;
    const error = failure(request([long]), { limits: { maxLineLength: 100 } });
    expect(error).toMatchObject({ reason: 'Header Too Long', limit: 'maxLineLength', header: 'X-Long' });
    expect(parseMessage(request([long]), { limits: { maxLineLength: 120 } }).ok).toBe(true);
    const folded = failure(request([`X-Fold: ${'a'.repeat(60)}`, `  ${'b'.repeat(60)}`]), {
      limits: { maxLineLength: 100 },
    });
    expect(folded).toMatchObject({ reason: 'Header Too Long', header: 'X-Fold' });
    expect(failure(request(), { limits: { maxLineLength: 30 } })).toMatchObject({
      reason: 'Start Line Too Long',
      limit: 'maxLineLength',
    });
  });

  it('stops at maxViaCount, counting the values of every Via field', () => {
    const error = failure(request(['Via: SIP/2.0/UDP a.example.com, SIP/2.0/UDP b.example.com']), {
      limits: { maxViaCount: 2 },
    });
    expect(error).toMatchObject({ reason: 'Too Many Vias', limit: 'maxViaCount', header: 'Via' });
    expect(parseMessage(request(['Via: SIP/2.0/UDP a.example.com']), { limits: { maxViaCount: 2 } }).ok).toBe(
      true,
    );
  });
});

describe('parseMessage: what a failure still reads', () => {
  it('collects the start line kind, method, Vias, From, To, Call-ID and CSeq', () => {
    const input = request(['Via: SIP/2.0/TCP second.example.com;branch=z9hG4bK2']).replace(
      'Max-Forwards: 70',
      'Max-Forwards: x',
    );
    const error = failure(input);
    expect(error).toMatchObject({
      kind: 'request',
      method: 'INVITE',
      vias: [
        'SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds',
        'SIP/2.0/TCP second.example.com;branch=z9hG4bK2',
      ],
      from: 'Alice <sip:alice@atlanta.example.com>;tag=1928301774',
      to: 'Bob <sip:bob@biloxi.example.com>',
      callId: 'a84b4c76e66710@pc33.atlanta.example.com',
      cseq: '314159 INVITE',
    });
  });

  it('reads compact and folded forms, and skips lines it cannot echo', () => {
    const input = text([
      'OPTIONS sip:a@b.example SIP/2.0',
      'v: SIP/2.0/UDP a.example.com',
      '  ;branch=z9hG4bK9',
      'X-Bad line',
      'i: abc',
      'CSeq: 1 OPTIONS',
      'Max-Forwards: nope',
    ]);
    const error = failure(input);
    expect(error.vias).toEqual(['SIP/2.0/UDP a.example.com ;branch=z9hG4bK9']);
    expect(error.callId).toBe('abc');
  });

  it('reads nothing of garbage, and knows a response from a request', () => {
    expect(failure('\x00\x01garbage\r\n\r\n')).toMatchObject({ kind: undefined, vias: [] });
    expect(failure('SIP/2.0 200 OK\r\nVia: x\r\n\r\n').kind).toBe('response');
  });
});

describe('parseMessage: input forms', () => {
  it('parses a Buffer and keeps octets above 0x7f as they are', () => {
    const data = Buffer.from(request(['Subject: caf\u00c3\u00a9']), 'latin1');
    const m = parsed(data);
    expect(m.get('Subject')).toBe('caf\u00c3\u00a9');
    expect(m.toBuffer().equals(data)).toBe(true);
  });

  it('owns its copy: the caller may reuse the Buffer it parsed', () => {
    const data = Buffer.from(request(), 'latin1');
    const m = parsed(data);
    data.fill(0x41);
    expect(m.toString()).toBe(request());
    expect(m.toBuffer().toString('latin1')).toBe(request());
  });

  it('parses the realistic INVITE of the fixtures', () => {
    const m = parsedRequest(INVITE);
    expect(m.via.branch).toBe('z9hG4bK2d4790.1');
    expect(m.vias?.map((v) => v.host)).toEqual(['edge.atlanta.example.com', 'pc33.atlanta.example.com']);
    expect(m.recordRoutes?.[0].uri).toBe('sip:edge.atlanta.example.com;lr;ftag=9fxced76sl');
    expect(m.from?.tag).toBe('9fxced76sl');
    expect(m.maxForwards).toBe(69);
  });
});
