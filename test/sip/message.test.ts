import { describe, expect, it } from 'vitest';
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

describe('header reads', () => {
  const m = parsed(
    request([
      'Via: SIP/2.0/TCP second.example.com;branch=z9hG4bK2, SIP/2.0/UDP third.example.com;branch=z9hG4bK3',
      'Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>',
      'route: <sip:p3.example.com;lr>',
      'Supported:',
      'Date: Sat, 13 Nov 2010 23:29:00 GMT',
      'WWW-Authenticate: Digest realm="atlanta.example.com", nonce="84a4cc6f3082121f32b42a2187831a9e"',
    ]),
  );

  it('get gives the first value, list headers split at commas', () => {
    expect(m.get('Via')).toBe('SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds');
    expect(m.get('route')).toBe('<sip:p1.example.com;lr>');
    expect(m.get('v')).toBe(m.get('VIA'));
    expect(m.get('Nope')).toBeUndefined();
  });

  it('getAll gives every value over every field', () => {
    expect(m.getAll('Via')).toHaveLength(3);
    expect(m.getAll('Route')).toEqual([
      '<sip:p1.example.com;lr>',
      '<sip:p2.example.com;lr>',
      '<sip:p3.example.com;lr>',
    ]);
    expect(m.getAll('Supported')).toEqual([]);
    expect(m.getAll('Nope')).toEqual([]);
  });

  it('does not split headers that are not lists', () => {
    expect(m.get('Date')).toBe('Sat, 13 Nov 2010 23:29:00 GMT');
    expect(m.getAll('WWW-Authenticate')).toHaveLength(1);
  });

  it('getFieldValues gives each field whole', () => {
    expect(m.getFieldValues('Route')).toEqual([
      '<sip:p1.example.com;lr>, <sip:p2.example.com;lr>',
      '<sip:p3.example.com;lr>',
    ]);
  });

  it('has and headerCount', () => {
    expect(m.has('supported')).toBe(true);
    expect(m.has('k')).toBe(true);
    expect(m.has('Require')).toBe(false);
    expect(m.headerCount).toBe(13);
    expect(m.headerFields()[6]).toMatchObject({ name: 'Via', key: 'via' });
  });
});

describe('typed accessors', () => {
  it('read the top Via, all Vias, From, To, Call-ID, CSeq, Max-Forwards, Content-Length', () => {
    const m = parsedRequest(INVITE);
    expect(m.via).toMatchObject({ host: 'edge.atlanta.example.com', rport: 5060, received: '192.0.2.10' });
    expect(m.vias?.map((v) => v.branch)).toEqual(['z9hG4bK2d4790.1', 'z9hG4bK74bf9']);
    expect(m.from).toMatchObject({ displayName: 'Alice', tag: '9fxced76sl' });
    expect(m.to).toMatchObject({ displayName: 'Bob', uri: 'sip:bob@biloxi.example.com', tag: undefined });
    expect(m.callId).toBe('3848276298220188511@pc33.atlanta.example.com');
    expect(m.cseq).toEqual({ seq: 31862, method: 'INVITE' });
    expect(m.maxForwards).toBe(69);
    expect(m.contentLength).toBe(m.bodyLength);
  });

  it('read Contact, Route and Record-Route lists', () => {
    const m = parsed(
      request([
        'Contact: <sip:a@192.0.2.1>;expires=60, "B" <sip:b@192.0.2.2>;q=0.5',
        'Route: <sip:p1.example.com;lr>',
        'Route: <sip:p2.example.com;lr>',
        'Record-Route: <sip:p3.example.com;lr>',
      ]),
    );
    const contacts = m.contacts;
    expect(contacts !== '*' && contacts?.map((c) => [c.uri, c.expires, c.q])).toEqual([
      ['sip:a@192.0.2.1', 60, undefined],
      ['sip:b@192.0.2.2', undefined, 0.5],
    ]);
    expect(m.routes?.map((r) => r.uri)).toEqual(['sip:p1.example.com;lr', 'sip:p2.example.com;lr']);
    expect(m.recordRoutes?.map((r) => r.uri)).toEqual(['sip:p3.example.com;lr']);
  });

  it('read a STAR Contact', () => {
    expect(parsed(request(['Contact: *', 'Expires: 0'], '', 'REGISTER')).contacts).toBe('*');
  });

  it('give undefined for absent or malformed lists, and has() tells them apart', () => {
    const m = parsed(request(['Route: sip:no-brackets.example.com']));
    expect(m.routes).toBeUndefined();
    expect(m.has('Route')).toBe(true);
    expect(m.recordRoutes).toBeUndefined();
    expect(m.has('Record-Route')).toBe(false);
    expect(m.contacts).toBeUndefined();
    expect(parsed(request(['Contact: <sip:a@b.example>;q=7'])).contacts).toBeUndefined();
  });

  it('read the Request-URI parsed, once', () => {
    const m = parsedRequest(request());
    expect(m.parsedUri).toMatchObject({ scheme: 'sip', user: 'bob', host: 'biloxi.example.com' });
    expect(m.parsedUri).toBe(m.parsedUri);
  });

  it('give absent Max-Forwards and Content-Length as undefined', () => {
    const m = parsed(text(requestHead().filter((l) => !l.startsWith('Max-Forwards'))));
    expect(m.maxForwards).toBeUndefined();
    expect(m.contentLength).toBeUndefined();
  });

  it('read a response', () => {
    const m = parsedResponse(response());
    expect(m.status).toBe(200);
    expect(m.vias).toHaveLength(2);
    expect(m.to?.tag).toBe('a6c85cf');
  });
});

describe('serialization', () => {
  it('writes an untouched message octet for octet, odd spacing and compact forms included', () => {
    const head = text([
      'INVITE sip:bob@biloxi.example.com SIP/2.0',
      'v:SIP/2.0/UDP  pc33.atlanta.example.com ;branch=z9hG4bK1',
      't:   <sip:bob@biloxi.example.com>',
      'f: <sip:alice@atlanta.example.com> ; tag=1',
      'i: x@y',
      'CSeq:1 INVITE',
      'Subject: folded',
      '   across lines',
      'l: 4',
    ]);
    const input = `${head}body`;
    const m = parsed(input);
    expect(m.toString()).toBe(input);
    expect(m.toBuffer().equals(Buffer.from(input, 'latin1'))).toBe(true);
  });

  it('copies the bytes of untouched headers verbatim around an edit', () => {
    const m = parsedRequest(INVITE);
    m.appendHeader('X-Added', 'yes');
    const out = m.toString();
    const head = INVITE.slice(0, INVITE.indexOf('\r\n\r\n') + 2);
    expect(out.startsWith(head)).toBe(true);
    expect(out.slice(head.length)).toBe(`X-Added: yes\r\n\r\n${m.body}`);
  });

  it('adds a Content-Length a datagram left out', () => {
    const m = parsed(text(requestHead(), 'abc'), true);
    expect(m.toString()).toBe(text([...requestHead(), 'Content-Length: 3'], 'abc'));
  });

  it('keeps LF line ends of received lines', () => {
    const input = request().replace(/\r\n/g, '\n');
    expect(parsed(input).toString()).toBe(input);
  });
});

describe('edits', () => {
  it('append, prepend, insert before and after a named header', () => {
    const m = parsed(request());
    expect(m.appendHeader('X-Last', '1')).toBe(true);
    expect(m.prependHeader('X-First', '2')).toBe(true);
    expect(m.insertHeaderBefore('cseq', 'X-Before-CSeq', '3')).toBe(true);
    expect(m.insertHeaderAfter('i', 'X-After-Call-ID', '4')).toBe(true);
    expect(m.insertHeaderAfter('Nope', 'X-Never', '5')).toBe(false);
    expect(m.insertHeaderBefore('Nope', 'X-Never', '5')).toBe(false);
    expect(m.headerFields().map((f) => f.name)).toEqual([
      'X-First',
      'Via',
      'Max-Forwards',
      'To',
      'From',
      'Call-ID',
      'X-After-Call-ID',
      'X-Before-CSeq',
      'CSeq',
      'Content-Length',
      'X-Last',
    ]);
    expect(parsed(m.toBuffer()).get('X-After-Call-ID')).toBe('4');
  });

  it('remove all of a name, or one by index from either end', () => {
    const m = parsed(request(['X-A: 1', 'X-B: 2', 'X-A: 3', 'X-A: 4']));
    expect(m.removeHeaderAt('x-a', -1)).toBe(true);
    expect(m.getFieldValues('X-A')).toEqual(['1', '3']);
    expect(m.removeHeaderAt('X-A', 0)).toBe(true);
    expect(m.getFieldValues('X-A')).toEqual(['3']);
    expect(m.removeHeaderAt('X-A', 5)).toBe(false);
    expect(m.removeHeaderAt('X-A', -2)).toBe(false);
    expect(m.removeHeader('X-A')).toBe(1);
    expect(m.removeHeader('X-A')).toBe(0);
    expect(m.toString()).toBe(request(['X-B: 2']));
  });

  it('setHeader replaces every field of a name with one where the first was', () => {
    const m = parsed(request(['X-A: 1', 'X-B: 2', 'X-A: 3']));
    expect(m.setHeader('X-A', 'new')).toBe(true);
    expect(m.getFieldValues('X-A')).toEqual(['new']);
    expect(m.toString()).toBe(request(['X-A: new', 'X-B: 2']));
    expect(m.setHeader('X-C', 'added')).toBe(true);
    expect(m.headerFields().at(-1)?.name).toBe('X-C');
  });

  it('Max-Forwards can be replaced with digits only', () => {
    const m = parsed(request());
    expect(m.setHeader('Max-Forwards', '69')).toBe(true);
    expect(m.maxForwards).toBe(69);
    expect(m.setHeader('Max-Forwards', 'x')).toBe(false);
    expect(m.appendHeader('Max-Forwards', '1')).toBe(false);
    expect(m.removeHeader('Max-Forwards')).toBe(1);
    expect(m.maxForwards).toBeUndefined();
  });

  it('refuse to break the headers every layer needs', () => {
    const m = parsed(request());
    const before = m.toString();
    expect(m.removeHeader('From')).toBe(0);
    expect(m.removeHeader('Via')).toBe(0);
    expect(m.removeHeaderAt('CSeq', 0)).toBe(false);
    expect(m.appendHeader('To', '<sip:other@example.com>')).toBe(false);
    expect(m.setHeader('To', '<broken')).toBe(false);
    expect(m.setHeader('Call-ID', 'has space')).toBe(false);
    expect(m.setHeader('CSeq', '1 BYE')).toBe(false);
    expect(m.setHeader('CSeq', '2147483648 INVITE')).toBe(false);
    expect(m.prependHeader('Via', 'not a via')).toBe(false);
    expect(m.setHeader('Content-Length', '99')).toBe(false);
    expect(m.toString()).toBe(before);
    expect(m.setHeader('CSeq', '314160 INVITE')).toBe(true);
    expect(m.setHeader('To', '<sip:carol@example.com>;tag=x')).toBe(true);
    expect(m.to?.tag).toBe('x');
  });

  it('refuse names and values that would forge lines', () => {
    const m = parsed(request());
    expect(m.appendHeader('X-A', 'a\r\nVia: SIP/2.0/UDP evil.example.com')).toBe(false);
    expect(m.appendHeader('X-A', 'a\nb')).toBe(false);
    expect(m.appendHeader('X-A', 'a\0b')).toBe(false);
    expect(m.appendHeader('X A', 'b')).toBe(false);
    expect(m.appendHeader('X-A', '\u260e')).toBe(false);
    expect(m.headerCount).toBe(7);
  });

  it('push and pop Via values', () => {
    const m = parsedResponse(response());
    expect(m.vias).toHaveLength(2);
    expect(m.popVia()).toBe('SIP/2.0/UDP proxy.example.com;branch=z9hG4bKproxy1');
    expect(m.via.host).toBe('pc33.atlanta.example.com');
    expect(m.getFieldValues('Via')).toEqual(['SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds']);
    expect(m.popVia()).toBeUndefined();
    expect(m.pushVia('SIP/2.0/TCP p2.example.com;branch=z9hG4bKp2')).toBe(true);
    expect(m.via.host).toBe('p2.example.com');
    expect(m.pushVia('garbage')).toBe(false);
    expect(m.toString()).toBe(
      response().replace(
        'Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKproxy1, SIP/2.0/UDP pc33',
        'Via: SIP/2.0/TCP p2.example.com;branch=z9hG4bKp2\r\nVia: SIP/2.0/UDP pc33',
      ),
    );
  });

  it('push a Via before the first one, wherever it is', () => {
    const m = parsed(
      text([
        'OPTIONS sip:a@b.example SIP/2.0',
        'To: <sip:a@b.example>',
        'Via: SIP/2.0/UDP x.example.com',
        ...requestHead('OPTIONS').slice(4),
      ]),
    );
    m.pushVia('SIP/2.0/UDP p.example.com;branch=z9hG4bKp');
    expect(
      m
        .headerFields()
        .map((f) => f.key)
        .slice(0, 3),
    ).toEqual(['to', 'via', 'via']);
  });

  it('remove and replace the first value of a list header (Route)', () => {
    const m = parsed(
      request(['Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>', 'Route: <sip:p3.example.com;lr>']),
    );
    expect(m.removeFirstValue('Route')).toBe('<sip:p1.example.com;lr>');
    expect(m.getFieldValues('Route')).toEqual(['<sip:p2.example.com;lr>', '<sip:p3.example.com;lr>']);
    expect(m.replaceFirstValue('Route', '<sip:new.example.com;lr>')).toBe(true);
    expect(m.routes?.map((r) => r.uri)).toEqual(['sip:new.example.com;lr', 'sip:p3.example.com;lr']);
    expect(m.removeFirstValue('Route')).toBe('<sip:new.example.com;lr>');
    expect(m.removeFirstValue('Route')).toBe('<sip:p3.example.com;lr>');
    expect(m.removeFirstValue('Route')).toBeUndefined();
    expect(m.replaceFirstValue('Route', '<sip:x>')).toBe(false);
    expect(m.has('Route')).toBe(false);
  });

  it('set the Request-URI', () => {
    const m = parsedRequest(request());
    expect(m.setUri('sip:bob@192.0.2.7:5070;transport=tcp')).toBe(true);
    expect(m.uri).toBe('sip:bob@192.0.2.7:5070;transport=tcp');
    expect(m.parsedUri?.port).toBe(5070);
    expect(m.toString()).toBe(
      request().replace('INVITE sip:bob@biloxi.example.com', 'INVITE sip:bob@192.0.2.7:5070;transport=tcp'),
    );
    expect(m.setUri('not a uri')).toBe(false);
    expect(m.setUri('sip:a b')).toBe(false);
    expect(m.uri).toBe('sip:bob@192.0.2.7:5070;transport=tcp');
  });

  it('set the body and keep Content-Length right', () => {
    const m = parsed(request());
    expect(m.setBody('v=0\r\n', 'application/sdp')).toBe(true);
    expect(m.body).toBe('v=0\r\n');
    expect(m.contentLength).toBe(5);
    expect(m.get('Content-Type')).toBe('application/sdp');
    expect(m.toString()).toBe(
      text([...requestHead(), 'Content-Length: 5', 'Content-Type: application/sdp'], 'v=0\r\n'),
    );
    expect(m.setBody(Buffer.from([0xc3, 0xa9]))).toBe(true);
    expect(m.bodyLength).toBe(2);
    expect(m.toBuffer().subarray(-2)).toEqual(Buffer.from([0xc3, 0xa9]));
    expect(m.setBody('')).toBe(true);
    expect(m.has('Content-Type')).toBe(false);
    expect(m.contentLength).toBe(0);
    expect(m.setBody('\u260e')).toBe(false);
  });

  it('set the body of a message without Content-Length', () => {
    const m = parsed(text(requestHead()));
    m.setBody('hello');
    expect(m.toString()).toBe(text([...requestHead(), 'Content-Length: 5'], 'hello'));
  });

  it('keep the compact form of Content-Length when rewriting it', () => {
    const m = parsed(text([...requestHead(), 'l: 0']));
    m.setBody('abc');
    expect(m.toString()).toBe(text([...requestHead(), 'l: 3'], 'abc'));
  });
});

describe('size and batch edits', () => {
  it('size and headerBytes follow every kind of edit without serializing', () => {
    const m = parsedRequest(INVITE);
    const check = () => {
      expect(m.size).toBe(m.toBuffer().length);
      // Counted afresh from the serialized form: the kept count never drifts.
      expect(m.headerBytes).toBe(parsedRequest(m.toBuffer()).headerBytes);
    };
    check();
    m.appendHeader('X-A', 'one');
    check();
    m.addHeaders({ after: 'From' }, [
      { name: 'X-B', value: 'two' },
      { name: 'X-C', value: 'three' },
    ]);
    check();
    m.removeHeader('X-A');
    check();
    m.setUri('sip:someone-else@example.org');
    check();
    m.pushVia('SIP/2.0/UDP p.example.com;branch=z9hG4bKa');
    check();
    m.setBody('v=0\r\n');
    check();
    expect(m.clone().size).toBe(m.size);
  });

  it('measure counts the fields of a name and their octets', () => {
    const m = parsedRequest(INVITE);
    m.addHeaders('last', [
      { name: 'X-M', value: 'a' },
      { name: 'x-m', value: 'bb' },
    ]);
    expect(m.measure('X-M')).toEqual({ fields: 2, bytes: 'X-M: a\r\n'.length + 'x-m: bb\r\n'.length });
    expect(m.measure('X-None')).toEqual({ fields: 0, bytes: 0 });
  });

  it('addHeaders adds all in order at the position, or none', () => {
    const m = parsedRequest(INVITE);
    const before = m.toString();
    expect(
      m.addHeaders('first', [
        { name: 'X-A', value: '1' },
        { name: 'Bad Name', value: '2' },
      ]),
    ).toBe(false);
    expect(m.addHeaders({ before: 'Nope' }, [{ name: 'X-A', value: '1' }])).toBe(false);
    expect(
      m.addHeaders('last', [
        { name: 'X-A', value: '1' },
        { name: 'From', value: '<sip:x@y>' },
      ]),
    ).toBe(false);
    expect(m.toString()).toBe(before);
    expect(
      m.addHeaders({ before: 'Call-ID' }, [
        { name: 'X-A', value: '1' },
        { name: 'X-B', value: '2' },
      ]),
    ).toBe(true);
    const names = m.headerFields().map((f) => f.name);
    expect(names.slice(names.indexOf('Call-ID') - 2, names.indexOf('Call-ID') + 1)).toEqual([
      'X-A',
      'X-B',
      'Call-ID',
    ]);
  });

  it('adds 20 000 fields in one edit, in order', () => {
    const m = parsedRequest(INVITE);
    const many = Array.from({ length: 20_000 }, (_, i) => ({ name: 'X-N', value: String(i) }));
    expect(m.addHeaders({ after: 'Via' }, many)).toBe(true);
    const values = m.getFieldValues('X-N');
    expect(values).toHaveLength(20_000);
    expect(values[19_999]).toBe('19999');
    expect(m.size).toBe(m.toBuffer().length);
  });
});

describe('clone', () => {
  it('gives independent copies that share the received text', () => {
    const original = parsedRequest(INVITE);
    const a = original.clone();
    const b = original.clone();
    a.setUri('sip:bob@192.0.2.1');
    a.pushVia('SIP/2.0/UDP p.example.com;branch=z9hG4bKa');
    b.setUri('sip:bob@192.0.2.2');
    b.setBody('');
    expect(original.toString()).toBe(INVITE);
    expect(a.uri).toBe('sip:bob@192.0.2.1');
    expect(a.via.branch).toBe('z9hG4bKa');
    expect(a.bodyLength).toBe(original.bodyLength);
    expect(b.via.branch).toBe('z9hG4bK2d4790.1');
    expect(b.bodyLength).toBe(0);
    expect(parsedRequest(a.toBuffer()).uri).toBe('sip:bob@192.0.2.1');
    expect(parsedRequest(b.toBuffer()).has('Content-Type')).toBe(false);
  });

  it('keeps a clone apart from edits made in place after it, on either side', () => {
    const original = parsedRequest(INVITE);
    original.appendHeader('X-A', '1');
    const copy = original.clone();
    original.appendHeader('X-B', '2');
    original.removeHeader('X-A');
    copy.prependHeader('X-C', '3');
    expect(original.getFieldValues('X-A')).toEqual([]);
    expect(original.getFieldValues('X-B')).toEqual(['2']);
    expect(copy.getFieldValues('X-A')).toEqual(['1']);
    expect(copy.has('X-B')).toBe(false);
    expect(copy.headerFields()[0].name).toBe('X-C');
    expect(original.has('X-C')).toBe(false);
  });

  it('copies edits made before the clone', () => {
    const m = parsedResponse(response());
    m.popVia();
    const copy = m.clone();
    expect(copy.vias).toHaveLength(1);
    expect(copy.toString()).toBe(m.toString());
    expect(copy.status).toBe(200);
  });
});
