// Property tests: the parser never throws, whatever the octets; generated messages survive
// parse -> serialize -> parse; edits change nothing but what they edit.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SipMessage } from '../../src/sip/message.ts';
import { parseMessage } from '../../src/sip/parse-message.ts';
import { rejectionReply } from '../../src/sip/rejection-reply.ts';
import { SipRequest } from '../../src/sip/request.ts';
import { INVITE, request, response } from './fixtures.ts';

const RUNS = { numRuns: 300 };

/** Reads everything a message offers; throws only if the layer has a bug. */
function readAll(m: SipMessage): void {
  void m.via;
  void m.vias;
  void m.from;
  void m.to;
  void m.callId;
  void m.cseq;
  void m.maxForwards;
  void m.contentLength;
  void m.contacts;
  void m.routes;
  void m.recordRoutes;
  void m.body;
  if (m instanceof SipRequest) void m.parsedUri;
  for (const field of m.headerFields()) {
    m.get(field.name);
    m.getAll(field.name);
  }
}

/** Parses `data` both ways and checks that nothing throws and every outcome is coherent. */
function parseAnyhow(data: Buffer): void {
  for (const datagram of [false, true]) {
    const result = parseMessage(data, { datagram });
    if (result.ok) {
      readAll(result.value);
      const again = parseMessage(result.value.toBuffer(), { datagram });
      expect(again.ok).toBe(true);
    } else {
      expect(result.error.offset).toBeGreaterThanOrEqual(0);
      expect(result.error.reason).not.toBe('');
      const { from, to, callId } = result.error;
      const reply = rejectionReply(result.error);
      // A reply is a valid response, unless the request lacked a header it copies.
      if (reply !== undefined && from !== undefined && to !== undefined && callId !== undefined) {
        const parsedReply = parseMessage(reply);
        expect(parsedReply.ok).toBe(true);
      }
    }
  }
}

describe('parseMessage never throws', () => {
  it('on arbitrary octets', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (octets) => {
        parseAnyhow(Buffer.from(octets));
      }),
      { numRuns: 1000 },
    );
  });

  it('on arbitrary JS strings, characters above 0xff included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        for (const datagram of [false, true]) {
          const result = parseMessage(`INVITE sip:a@b.example SIP/2.0\r\n${text}`, { datagram });
          if (result.ok) readAll(result.value);
          else rejectionReply(result.error);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('on arbitrary octets after a valid start line', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (octets) => {
        parseAnyhow(
          Buffer.concat([Buffer.from('INVITE sip:a@b.example SIP/2.0\r\nVia: '), Buffer.from(octets)]),
        );
      }),
      { numRuns: 500 },
    );
  });

  // Mutations biased towards the characters the grammars care about.
  const special = fc.constantFrom(
    ...'\r\n\t :;,<>"\\@[]=%/?\0\x7f\xff'.split('').map((c) => c.charCodeAt(0)),
  );
  const octet = fc.oneof(special, fc.integer({ min: 0, max: 255 }));
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), octet }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), octet }),
    fc.record({
      kind: fc.constant('delete' as const),
      at: fc.nat(),
      length: fc.integer({ min: 1, max: 20 }),
    }),
  );

  it.each([
    ['the realistic INVITE', INVITE],
    [
      'a request with list headers',
      request(['Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>', 'Contact: *']),
    ],
    ['a response', response(['Record-Route: <sip:p1.example.com;lr>'])],
  ])('on mutations of %s', (_name, text) => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (mutations) => {
        const octets = [...Buffer.from(text, 'latin1')];
        for (const m of mutations) {
          const at = m.at % (octets.length + 1);
          if (m.kind === 'replace') octets[Math.min(at, octets.length - 1)] = m.octet;
          else if (m.kind === 'insert') octets.splice(at, 0, m.octet);
          else octets.splice(at, m.length);
        }
        parseAnyhow(Buffer.from(octets));
      }),
      { numRuns: 700 },
    );
  });
});

// ---- generated messages ----

const tokenChar = fc.constantFrom(
  ..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~".split(''),
);
const token = fc.string({ unit: tokenChar, minLength: 1, maxLength: 10 });
const textChar = fc.oneof(
  fc.constantFrom(...'abcdefghij XYZ0123456789-.,;:="<>@/()[]?{}'.split('')),
  fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)),
);
/** A header value: no CR/LF, no leading or trailing whitespace. */
const textValue = fc
  .string({ unit: textChar, minLength: 1, maxLength: 40 })
  .map((s) => s.trim())
  .filter((s) => s !== '');
const host = fc.constantFrom('example.com', 'a.example.org', '192.0.2.7', '[2001:db8::5]', 'p-1.example.net');
const nameAddr = fc
  .record({ user: token, host, tag: fc.option(token, { nil: undefined }) })
  .map(
    ({ user, host, tag }) =>
      `<sip:${user.replace(/[%`]/g, 'x')}@${host};lr>${tag === undefined ? '' : `;tag=${tag}`}`,
  );

type Header = { name: string; values: string[]; list: boolean };

const extensionHeader: fc.Arbitrary<Header> = fc
  .record({ name: token, value: textValue })
  .map(({ name, value }) => ({ name: `X-${name}`, values: [value], list: false }));
const tokenList = (name: string): fc.Arbitrary<Header> =>
  fc.array(token, { minLength: 1, maxLength: 4 }).map((values) => ({ name, values, list: true }));
const routeList = (name: string): fc.Arbitrary<Header> =>
  fc.array(nameAddr, { minLength: 1, maxLength: 3 }).map((values) => ({ name, values, list: true }));
const header = fc.oneof(
  extensionHeader,
  tokenList('Supported'),
  tokenList('k'),
  tokenList('Allow'),
  tokenList('Require'),
  routeList('Route'),
  routeList('Record-Route'),
  textValue.map((v) => ({
    name: fc.sample(fc.constantFrom('Subject', 's', 'SUBJECT'), 1)[0],
    values: [v],
    list: false,
  })),
);

interface Generated {
  text: string;
  headers: Header[];
  body: string;
}

const generated: fc.Arbitrary<Generated> = fc
  .record({
    method: fc.constantFrom('INVITE', 'OPTIONS', 'REGISTER', 'NEWMETHOD'),
    headers: fc.array(header, { maxLength: 8 }),
    body: fc.string({
      unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)),
      maxLength: 60,
    }),
    separator: fc.constantFrom(', ', ',', ' ,\t'),
  })
  .map(({ method, headers, body, separator }) => {
    const extra = headers.map((h) => `${h.name}: ${h.values.join(h.list ? separator : '')}`);
    return { text: request(extra, body, method), headers, body };
  });

describe('generated messages', () => {
  it('parse, read back what was written, and serialize octet for octet', () => {
    fc.assert(
      fc.property(generated, ({ text, headers, body }) => {
        const result = parseMessage(Buffer.from(text, 'latin1'));
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        const m = result.value;
        expect(m.toString()).toBe(text);
        expect(m.body).toBe(body);
        const names = new Set(headers.map((h) => h.name.toLowerCase()));
        for (const name of names) {
          const same = headers.filter((h) => m.headerFields().some(() => true) && sameHeader(h.name, name));
          expect(m.getAll(name)).toEqual(same.flatMap((h) => h.values));
        }
      }),
      RUNS,
    );
  });

  it('survive parse -> edit -> serialize -> parse with the edits and nothing else changed', () => {
    const edit = fc.oneof(
      fc.record({ op: fc.constant('append' as const), name: token.map((t) => `X-${t}`), value: textValue }),
      fc.record({ op: fc.constant('prepend' as const), name: token.map((t) => `X-${t}`), value: textValue }),
      fc.record({ op: fc.constant('remove' as const), index: fc.nat() }),
      fc.record({ op: fc.constant('body' as const), value: textValue }),
      fc.record({ op: fc.constant('pushVia' as const), branch: token }),
    );
    fc.assert(
      fc.property(generated, fc.array(edit, { maxLength: 5 }), ({ text }, edits) => {
        const m = parseMessage(text);
        if (!m.ok) throw new Error('generated message did not parse');
        const message = m.value;
        // The model: header lines as [name, value] in order, and the body.
        const model = message.headerFields().map((f) => [f.name, f.value] as [string, string]);
        let body = message.body;
        for (const e of edits) {
          if (e.op === 'append' && message.appendHeader(e.name, e.value)) model.push([e.name, e.value]);
          if (e.op === 'prepend' && message.prependHeader(e.name, e.value)) model.unshift([e.name, e.value]);
          if (e.op === 'remove') {
            const fields = message.headerFields();
            const name = fields[e.index % fields.length].name;
            const removed = message.removeHeader(name);
            if (removed > 0) {
              for (let i = model.length - 1; i >= 0; i--)
                if (sameHeader(model[i][0], name)) model.splice(i, 1);
            }
          }
          if (e.op === 'body' && message.setBody(e.value)) {
            body = e.value;
            const at = model.findIndex(([n]) => sameHeader(n, 'content-length'));
            if (at >= 0) model[at] = [model[at][0], String(body.length)];
            else model.push(['Content-Length', String(body.length)]);
          }
          if (e.op === 'pushVia') {
            const value = `SIP/2.0/UDP proxy.example.com;branch=z9hG4bK${e.branch}`;
            const at = model.findIndex(([n]) => sameHeader(n, 'via'));
            if (message.pushVia(value)) model.splice(Math.max(at, 0), 0, ['Via', value]);
          }
        }
        const reparsed = parseMessage(message.toBuffer());
        expect(reparsed.ok).toBe(true);
        if (!reparsed.ok) return;
        expect(reparsed.value.headerFields().map((f) => [f.name, f.value])).toEqual(model);
        expect(reparsed.value.body).toBe(body);
        expect(reparsed.value.toString()).toBe(message.toString());
      }),
      RUNS,
    );
  });

  it('keep every untouched header line byte-identical when one header is edited', () => {
    fc.assert(
      fc.property(generated, fc.nat(), textValue, ({ text }, pick, value) => {
        const m = parseMessage(text);
        if (!m.ok) throw new Error('generated message did not parse');
        const fields = m.value.headerFields();
        const target = fields[pick % fields.length];
        const lines = text.slice(0, text.indexOf('\r\n\r\n') + 2).split('\r\n');
        if (!m.value.setHeader(target.name, value)) return;
        const out = m.value.toString();
        const outLines = new Set(out.slice(0, out.indexOf('\r\n\r\n')).split('\r\n'));
        for (const line of lines) {
          const name = line.slice(0, Math.max(0, line.indexOf(':')));
          if (line === '' || sameHeader(name, target.name)) continue;
          expect(outLines.has(line)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('read folded values as one line and write them back as they came', () => {
    fc.assert(
      fc.property(
        fc.array(token, { minLength: 2, maxLength: 6 }),
        fc.array(fc.constantFrom('\r\n ', '\r\n\t', ' \r\n  '), { minLength: 1, maxLength: 5 }),
        (words, folds) => {
          let value = words[0];
          for (let i = 1; i < words.length; i++)
            value += (i - 1 < folds.length ? folds[i - 1] : ' ') + words[i];
          const text = request([`Subject: ${value}`]);
          const m = parseMessage(text);
          expect(m.ok).toBe(true);
          if (!m.ok) return;
          expect(m.value.get('Subject')).toBe(words.join(' '));
          expect(m.value.toString()).toBe(text);
        },
      ),
      RUNS,
    );
  });
});

// Compact and full names of one header are the same header.
function sameHeader(a: string, b: string): boolean {
  const compact: Record<string, string> = {
    k: 'supported',
    s: 'subject',
    v: 'via',
    l: 'content-length',
    i: 'call-id',
  };
  const key = (n: string) => compact[n.toLowerCase()] ?? n.toLowerCase();
  return key(a) === key(b);
}
