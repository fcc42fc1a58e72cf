// Torture messages in the spirit of RFC 4475 (our own, written for this layer): odd but valid messages that
// must parse and read right, and broken ones that must be refused with the right status and reason.

import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../src/sip/parse-message.ts';
import { rejectionReply } from '../../src/sip/rejection-reply.ts';
import { uriEquals } from '../../src/sip/uri-compare.ts';
import { parsedRequest, parsedResponse, text } from './fixtures.ts';

describe('valid but unusual', () => {
  it('whitespace everywhere, folding, compact forms, mixed case', () => {
    const input = text([
      'OPTIONS sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0',
      'TO :',
      ' sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n',
      'from   : "J Rosenberg \\\\\\""       <sip:jdrosen@example.com>',
      '  ;',
      '  tag = 98asjd8',
      'MaX-fOrWaRdS: 0068',
      'Call-ID: wsinv.ndaksdj@192.0.2.1',
      'Content-Length   : 0',
      'cseq: 0009',
      '  OPTIONS',
      'Via  : SIP  /   2.0',
      ' /UDP',
      '    192.0.2.2;rport;branch=390skdjuw',
      's :',
      'NewFangledHeader:   newfangled value',
      ' continued newfangled value',
      'UnknownHeaderWithUnusualValue: ;;,,;;,;',
      'v:  SIP/2.0/TCP     spindle.example.com   ;',
      '  branch  =   z9hG4bK9ikj8  ,',
      ' SIP  /    2.0   / UDP  192.168.255.111   ; branch=',
      ' z9hG4bK30239',
      'm:"Quoted string \\"\\"" <sip:jdrosen@example.com> ; newparam =',
      '      newvalue ;',
      '  secondparam ; q = 0.33',
    ]);
    const m = parsedRequest(input);
    expect(m.method).toBe('OPTIONS');
    expect(m.to?.tag).toBe('1918181833n');
    expect(m.to?.uri).toBe('sip:vivekg@chair-dnrc.example.com');
    expect(m.from?.displayName).toBe('J Rosenberg \\"');
    expect(m.from?.tag).toBe('98asjd8');
    expect(m.maxForwards).toBe(68);
    expect(m.cseq).toEqual({ seq: 9, method: 'OPTIONS' });
    expect(m.via).toMatchObject({ transport: 'UDP', host: '192.0.2.2', rport: true, branch: '390skdjuw' });
    expect(m.vias?.map((v) => v.branch)).toEqual(['390skdjuw', 'z9hG4bK9ikj8', 'z9hG4bK30239']);
    expect(m.get('NewFangledHeader')).toBe('newfangled value continued newfangled value');
    expect(m.get('Subject')).toBe('');
    expect(m.get('UnknownHeaderWithUnusualValue')).toBe(';;,,;;,;');
    const contacts = m.contacts;
    expect(contacts !== '*' && contacts?.[0]).toMatchObject({ displayName: 'Quoted string ""', q: 0.33 });
    expect(contacts !== '*' && contacts?.[0].params.get('newparam')).toBe('newvalue');
    expect(m.toString()).toBe(input);
  });

  it('an extension method made of every token character', () => {
    const method = "!interesting-Method0123456789_*+`.%indeed'~";
    const m = parsedRequest(
      text([
        `${method} sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com SIP/2.0`,
        "Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bK-.!%66*_+`'~",
        'To: "BEL:\\\x07 NUL:\\\x00 DEL:\\\x7f" <sip:1_unusual.URI~(to-be!sure)&isn\'t+it$/crazy?,/;;*@example.com>',
        "From: token1~` token2'+_ token3*%!.- <sip:mundane@example.com>;fromParam''~+*_!.-%=\"\u00d1\u0080\u00d0\u00b0\u00d0\u00b1\u00d0\u00be\u00d1\u0082\u00d0\u00b0\u00d1\u008e\u00d1\u0089\u00d0\u00b8\u00d0\u00b9\";tag=_token~1'+`*%!-.",
        'Call-ID: intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{',
        `CSeq: 139122385 ${method}`,
        'Max-Forwards: 255',
        "extensionHeader-!.%*+_`'~:\u00ef\u00bb\u00bf\u00e5\u00a4\u00a7\u00e5\u0081\u009c\u00e9\u009b\u00bb",
        'Content-Length: 0',
      ]),
    );
    expect(m.method).toBe(method);
    expect(m.cseq.method).toBe(method);
    expect(m.parsedUri?.password).toBe("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    expect(m.from?.tag).toBe("_token~1'+`*%!-.");
    expect(m.from?.displayName).toBe("token1~` token2'+_ token3*%!.-");
    expect(m.to?.displayName).toBe('BEL:\x07 NUL:\x00 DEL:\x7f');
    expect(m.get("extensionHeader-!.%*+_`'~")).toBe(
      '\u00ef\u00bb\u00bf\u00e5\u00a4\u00a7\u00e5\u0081\u009c\u00e9\u009b\u00bb',
    );
  });

  it('escaped characters in the Request-URI compare equal to the plain ones', () => {
    const m = parsedRequest(
      text([
        'INVITE sip:sips%3Auser%40example.com@example.net SIP/2.0',
        'To: sip:%75se%72@example.com',
        'From: <sip:I%20have%20spaces@example.net>;tag=938',
        'Max-Forwards: 87',
        'i: esc01.239409asdfakjkn23onasd0-3234',
        'CSeq: 234234 INVITE',
        'Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bKkdjuw',
        'l: 0',
      ]),
    );
    expect(m.parsedUri?.user).toBe('sips%3Auser%40example.com');
    expect(uriEquals(m.to!.uri, 'sip:user@example.com')).toBe(true);
    expect(m.from?.uri).toBe('sip:I%20have%20spaces@example.net');
  });

  it('a body holding CRLF CRLF and a Content-Length with leading zeros', () => {
    const body = 'line one\r\n\r\nline three\r\n';
    const m = parsedRequest(
      text(
        [
          'MESSAGE sip:kumiko@example.org SIP/2.0',
          'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-d87543-4dade06d0bdb11ee-1--d87543-;rport',
          'Max-Forwards: 70',
          'To: <sip:kumiko@example.org>',
          'From: <sip:fujimoto@example.org>;tag=2fb0dcc9',
          'Call-ID: 3d9485ad0c49859b@Zmjg1MDUwMWE5NTc1NDNjNTJjMmU1ZTYzODJkMTA4NzM',
          'CSeq: 1 MESSAGE',
          'Content-Type: text/plain',
          `Content-Length: 000${body.length}`,
        ],
        body,
      ),
    );
    expect(m.body).toBe(body);
    expect(m.contentLength).toBe(body.length);
  });

  it('IPv6 everywhere', () => {
    const m = parsedRequest(
      text([
        'REGISTER sip:[2001:db8::10] SIP/2.0',
        'To: sip:user@example.com',
        'From: sip:user@example.com;tag=81x2',
        'Via: SIP/2.0/UDP [2001:db8::9:1];received=2001:db8::9:255;branch=z9hG4bKas3-111',
        'Call-ID: SSG9559905523997077@hlau_4100',
        'Max-Forwards: 70',
        'Contact: "Caller" <sip:caller@[2001:db8::1]:5070;transport=udp>',
        'CSeq: 98176 REGISTER',
        'Content-Length: 0',
      ]),
    );
    expect(m.parsedUri?.host).toBe('[2001:db8::10]');
    expect(m.via).toMatchObject({ host: '[2001:db8::9:1]', received: '2001:db8::9:255' });
    const contacts = m.contacts;
    expect(contacts !== '*' && contacts?.[0].uri).toBe('sip:caller@[2001:db8::1]:5070;transport=udp');
  });

  it('a response without a reason phrase and with a huge but valid status', () => {
    const m = parsedResponse(
      text([
        'SIP/2.0 699 ',
        'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1',
        'From: <sip:a@example.com>;tag=1',
        'To: <sip:b@example.com>;tag=2',
        'Call-ID: x',
        'CSeq: 7 OPTIONS',
        'Content-Length: 0',
      ]),
    );
    expect(m.status).toBe(699);
    expect(m.reason).toBe('');
  });
});

describe('broken, refused with the right answer', () => {
  const base = [
    'INVITE sip:user@example.com SIP/2.0',
    'Via: SIP/2.0/UDP 192.0.2.15;branch=z9hG4bKkdjuw380234',
    'Max-Forwards: 70',
    'To: sip:j.user@example.com',
    'From: sip:caller@example.net;tag=134161461246',
    'Call-ID: torture.test.3901@example.net',
    'CSeq: 8 INVITE',
    'Content-Length: 0',
  ];
  const edit = (from: string, to: string) => text(base.map((line) => line.replace(from, to)));

  it.each([
    [
      'a negative Content-Length',
      edit('Content-Length: 0', 'Content-Length: -999'),
      400,
      'Bad Content-Length',
    ],
    [
      'unescaped spaces in the Request-URI',
      edit('sip:user@example.com', 'sip:user name@example.com'),
      400,
      'Bad Request-Line',
    ],
    [
      'the Request-URI in angle brackets',
      edit('sip:user@example.com', '<sip:user@example.com>'),
      400,
      'Bad Request-URI',
    ],
    [
      'two To fields',
      text([...base.slice(0, 4), 'To: sip:other@example.com', ...base.slice(4)]),
      400,
      'Bad To',
    ],
    ["a CSeq method that is not the request's", edit('CSeq: 8 INVITE', 'CSeq: 8 ACK'), 400, 'Bad CSeq'],
    [
      'SIP/7.0',
      edit('SIP/2.0\r\n', 'SIP/7.0\r\n').replace('SIP/2.0', 'SIP/7.0'),
      505,
      'Version Not Supported',
    ],
    [
      'a Content-Length past the end',
      edit('Content-Length: 0', 'Content-Length: 9999'),
      400,
      'Bad Content-Length',
    ],
    ['a CSeq number of 2**32', edit('CSeq: 8', 'CSeq: 4294967296'), 400, 'Bad CSeq'],
    [
      'a Max-Forwards that is not a number',
      edit('Max-Forwards: 70', 'Max-Forwards: 7O'),
      400,
      'Bad Max-Forwards',
    ],
    [
      'a Via without sent-by (no reply: nowhere to send it)',
      edit('SIP/2.0/UDP 192.0.2.15;', 'SIP/2.0/UDP ;'),
      400,
      'Bad Via',
    ],
    ['a header line without colon', edit('Max-Forwards: 70', 'Max-Forwards 70'), 400, 'Bad Header Field'],
    ['whitespace before the start line', ` ${text(base)}`, 400, 'Bad Request-Line'],
    [
      'a CR smuggling a second header',
      edit('Call-ID: torture', 'Call-ID: x\rVia: SIP/2.0/UDP evil.example.com\r\nX-A: torture'),
      400,
      'Bad Header Field',
    ],
  ])('%s', (_why, input, status, reason) => {
    const result = parseMessage(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ status, reason });
    const reply = rejectionReply(result.error);
    if (reason === 'Bad Via') expect(reply).toBeUndefined();
    else expect(reply?.toString('latin1')).toMatch(new RegExp(`^SIP/2\\.0 ${status} ${reason}\\r\\n`));
  });

  it('an ACK is never answered, however broken', () => {
    const result = parseMessage(
      edit('CSeq: 8 INVITE', 'CSeq: 8 ACK')
        .replace('INVITE sip', 'ACK sip')
        .replace('Max-Forwards: 70', 'Max-Forwards: x'),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(rejectionReply(result.error)).toBeUndefined();
  });
});
