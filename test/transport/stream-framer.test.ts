import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FrameEvent, StreamFramer } from '../../src/transport/stream-framer.ts';

const LIMITS = { maxHeaderBytes: 4096, maxMessageBytes: 16384 };

function sipMessage(body: string | Buffer, lengthHeader = 'Content-Length'): Buffer {
  const bodyBytes = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
  const head =
    'OPTIONS sip:bob@example.com SIP/2.0\r\n' +
    'Via: SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bK776asdhds\r\n' +
    'Call-ID: a84b4c76e66710\r\n' +
    `${lengthHeader}: ${bodyBytes.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), bodyBytes]);
}

function feed(chunks: Buffer[], limits = LIMITS): FrameEvent[] {
  const framer = new StreamFramer(limits);
  return chunks.flatMap((chunk) => framer.push(chunk));
}

const messages = (events: FrameEvent[]) =>
  events.flatMap((e) => (e.type === 'message' ? [e.bytes.toString('latin1')] : []));
const errors = (events: FrameEvent[]) => events.flatMap((e) => (e.type === 'error' ? [e.error] : []));
const bytesOf = (text: string) => Buffer.from(text, 'latin1');

describe('StreamFramer: splitting', () => {
  it('frames one message with its body', () => {
    const msg = sipMessage('v=0\r\n');
    expect(messages(feed([msg]))).toEqual([msg.toString('latin1')]);
  });

  it('frames a message without body (Content-Length: 0)', () => {
    const msg = sipMessage('');
    expect(messages(feed([msg]))).toEqual([msg.toString('latin1')]);
  });

  it('frames by Content-Length, not by CRLFCRLF inside the body', () => {
    const msg = sipMessage('a\r\n\r\nb\r\n\r\n');
    const next = sipMessage('second');
    expect(messages(feed([Buffer.concat([msg, next])]))).toEqual([
      msg.toString('latin1'),
      next.toString('latin1'),
    ]);
  });

  it('keeps binary body bytes intact', () => {
    const body = Buffer.from([0, 255, 13, 10, 13, 10, 128, 1]);
    const msg = sipMessage(body);
    const [event] = feed([msg]);
    expect(event).toEqual({ type: 'message', bytes: msg });
  });

  it.each([
    ['compact l:', 'l'],
    ['upper case', 'CONTENT-LENGTH'],
    ['mixed case compact', 'L'],
    ['whitespace before the colon', 'Content-Length \t'],
  ])('reads Content-Length written as %s', (_, header) => {
    const msg = sipMessage('hello', header);
    expect(messages(feed([msg, sipMessage('x')]))).toHaveLength(2);
    expect(messages(feed([msg]))[0]).toBe(msg.toString('latin1'));
  });

  it('accepts whitespace around the value and a repeated equal Content-Length', () => {
    const text = 'MESSAGE sip:a@b SIP/2.0\r\nContent-Length:\t 3 \r\nl: 3\r\n\r\nabc';
    expect(messages(feed([bytesOf(text)]))).toEqual([text]);
  });

  it('reads a Content-Length value folded onto the next line', () => {
    const text = 'MESSAGE sip:a@b SIP/2.0\r\nContent-Length:\r\n 3\r\n\r\nabc';
    expect(messages(feed([bytesOf(text)]))).toEqual([text]);
  });

  it('does not take a header that merely starts with l or content-length for it', () => {
    const text =
      'MESSAGE sip:a@b SIP/2.0\r\nLocation: 99\r\nContent-Length-X: 7\r\nContent-Length: 2\r\n\r\nok';
    expect(messages(feed([bytesOf(text)]))).toEqual([text]);
  });

  it('frames a message split at every possible point', () => {
    const stream = Buffer.concat([sipMessage('first body'), sipMessage('second')]);
    const expected = messages(feed([stream]));
    expect(expected).toHaveLength(2);
    for (let cut = 1; cut < stream.length; cut++) {
      expect(messages(feed([stream.subarray(0, cut), stream.subarray(cut)]))).toEqual(expected);
    }
  });

  it('frames a stream fed one byte at a time', () => {
    const stream = Buffer.concat([sipMessage('one'), bytesOf('\r\n'), sipMessage('two'), sipMessage('')]);
    const chunks = [...stream].map((b) => Buffer.from([b]));
    expect(messages(feed(chunks))).toEqual(messages(feed([stream])));
    expect(messages(feed(chunks))).toHaveLength(3);
  });

  it('frames several messages coalesced in one segment, in order', () => {
    const parts = [sipMessage('a'), sipMessage('bb'), sipMessage('ccc')];
    expect(messages(feed([Buffer.concat(parts)]))).toEqual(parts.map((p) => p.toString('latin1')));
  });

  it('frames messages completed across several pushes and keeps nothing after', () => {
    const framer = new StreamFramer(LIMITS);
    const first = sipMessage('first');
    const second = sipMessage('second');
    // A partial chunk forces the internal buffer; the later chunks go through it.
    const out = [
      ...framer.push(first.subarray(0, 10)),
      ...framer.push(Buffer.concat([first.subarray(10), second.subarray(0, 5)])),
      ...framer.push(second.subarray(5)),
    ];
    expect(messages(out)).toEqual([first.toString('latin1'), second.toString('latin1')]);
    expect(framer.buffered).toBe(0);
  });

  it('keeps earlier messages intact while its buffer is compacted and regrown', () => {
    const parts = Array.from({ length: 30 }, (_, i) =>
      sipMessage(String.fromCharCode(65 + (i % 26)).repeat(500 + ((i * 397) % 2500))),
    );
    const stream = Buffer.concat(parts);
    for (const size of [700, 1000, 3000, 333]) {
      const framer = new StreamFramer(LIMITS);
      const out: FrameEvent[] = [];
      for (let at = 0; at < stream.length; at += size)
        out.push(...framer.push(stream.subarray(at, at + size)));
      // Compared only after the whole stream went through: a message aliasing the buffer would be overwritten.
      expect(messages(out)).toEqual(parts.map((p) => p.toString('latin1')));
      expect(framer.buffered).toBe(0);
    }
  });
});

describe('StreamFramer: CRLF and keep-alives', () => {
  it('ignores single CRLFs before and between messages', () => {
    const msg = sipMessage('x');
    const events = feed([Buffer.concat([bytesOf('\r\n'), msg, bytesOf('\r\n'), msg])]);
    expect(events.map((e) => e.type)).toEqual(['message', 'message']);
  });

  it('reports CRLFCRLF at a message boundary as a ping', () => {
    const msg = sipMessage('x');
    const events = feed([Buffer.concat([bytesOf('\r\n\r\n'), msg, bytesOf('\r\n\r\n')])]);
    expect(events.map((e) => e.type)).toEqual(['ping', 'message', 'ping']);
  });

  it('reports a ping split across segments once', () => {
    expect(feed([bytesOf('\r\n'), bytesOf('\r\n')]).map((e) => e.type)).toEqual(['ping']);
    expect(feed([bytesOf('\r'), bytesOf('\n\r'), bytesOf('\n')]).map((e) => e.type)).toEqual(['ping']);
  });

  it('reports two pings for two CRLFCRLF', () => {
    expect(feed([bytesOf('\r\n\r\n\r\n\r\n')]).map((e) => e.type)).toEqual(['ping', 'ping']);
  });

  it('skips a lone CRLF followed by a message split after it', () => {
    const msg = sipMessage('x');
    expect(feed([bytesOf('\r\n'), msg]).map((e) => e.type)).toEqual(['message']);
  });
});

describe('StreamFramer: errors', () => {
  const head = 'INVITE sip:bob@example.com SIP/2.0\r\nCall-ID: x\r\n';

  it('fails a message without Content-Length and hands back its header section', () => {
    const text = `${head}\r\nbody`;
    const [error] = errors(feed([bytesOf(text)]));
    expect(error.code).toBe('missing-content-length');
    expect(error.head?.toString('latin1')).toBe(`${head}\r\n`);
    expect(error.streamOffset).toBe(0);
  });

  it.each(['abc', '-1', '12abc', '', '1 2', '0x10', '99999999999'])(
    'fails Content-Length %j as malformed',
    (value) => {
      const text = `${head}Content-Length: ${value}\r\n\r\n`;
      const [error] = errors(feed([bytesOf(text)]));
      expect(error.code).toBe('malformed-content-length');
      expect(error.offset).toBe(head.indexOf('Call-ID') + 'Call-ID: x\r\n'.length);
    },
  );

  it('fails two Content-Length headers that disagree', () => {
    const text = `${head}Content-Length: 3\r\nl: 4\r\n\r\nabcd`;
    const [error] = errors(feed([bytesOf(text)]));
    expect(error.code).toBe('malformed-content-length');
    expect(error.message).toContain('contradicts');
  });

  it('fails a header section that has no end within maxHeaderBytes, also when fed byte by byte', () => {
    const limits = { maxHeaderBytes: 100, maxMessageBytes: 200 };
    const text = `${head}X-Long: ${'a'.repeat(200)}`;
    for (const chunks of [[bytesOf(text)], [...bytesOf(text)].map((b) => Buffer.from([b]))]) {
      const events = feed(chunks, limits);
      expect(events).toHaveLength(1);
      expect(errors(events)[0].code).toBe('header-too-large');
    }
  });

  it('fails a message whose Content-Length exceeds maxMessageBytes before buffering the body', () => {
    const limits = { maxHeaderBytes: 100, maxMessageBytes: 200 };
    const framer = new StreamFramer(limits);
    const [event] = framer.push(bytesOf(`${head}Content-Length: 1000\r\n\r\n`));
    expect(event.type === 'error' && event.error.code).toBe('message-too-large');
    expect(framer.buffered).toBe(0);
  });

  it('accepts a message of exactly maxMessageBytes', () => {
    const msg = sipMessage('z'.repeat(50));
    const events = feed([msg], { maxHeaderBytes: msg.length, maxMessageBytes: msg.length });
    expect(events.map((e) => e.type)).toEqual(['message']);
  });

  it('reports the stream offset of the failing message and ignores all later input', () => {
    const good = sipMessage('ok');
    const framer = new StreamFramer(LIMITS);
    const events = framer.push(Buffer.concat([bytesOf('\r\n'), good, bytesOf(`${head}\r\n`), good]));
    expect(events.map((e) => e.type)).toEqual(['message', 'error']);
    expect(errors(events)[0].streamOffset).toBe(2 + good.length);
    expect(framer.failed).toBe(true);
    expect(framer.push(good)).toEqual([]);
  });
});

describe('StreamFramer: property', () => {
  const header = fc.constantFrom('Content-Length', 'content-length', 'l', 'L', 'CONTENT-LENGTH ');
  const message = fc
    .record({
      header,
      extra: fc.array(fc.stringMatching(/^X-[A-Za-z]{1,8}: [ -~]{0,30}$/), { maxLength: 4 }),
      body: fc.uint8Array({ maxLength: 300 }),
    })
    .map(({ header, extra, body }) =>
      Buffer.concat([
        bytesOf(
          `MESSAGE sip:bob@example.com SIP/2.0\r\n${extra.map((h) => `${h}\r\n`).join('')}${header}: ${body.length}\r\n\r\n`,
        ),
        body,
      ]),
    );
  const separator = fc.constantFrom('', '', '\r\n', '\r\n\r\n');

  it('yields the same messages and pings for any split of a stream', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(separator, message), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (items, rawCuts) => {
          const stream = Buffer.concat(items.flatMap(([sep, msg]) => [bytesOf(sep), msg]));
          const cuts = [...new Set(rawCuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const chunks = [0, ...cuts, stream.length]
            .slice(1)
            .map((end, i, ends) => stream.subarray(i === 0 ? 0 : ends[i - 1], end));
          const events = feed(chunks);
          expect(messages(events)).toEqual(items.map(([, msg]) => msg.toString('latin1')));
          expect(events.filter((e) => e.type === 'ping')).toHaveLength(
            items.filter(([sep]) => sep === '\r\n\r\n').length,
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('StreamFramer: inMessage (the start of the completion clock)', () => {
  it('is true from the first byte of a message to its last, body included, and false between messages', () => {
    const msg = sipMessage('body');
    const framer = new StreamFramer(LIMITS);
    expect(framer.inMessage).toBe(false);
    const states: boolean[] = [];
    for (let i = 0; i < msg.length; i++) {
      framer.push(msg.subarray(i, i + 1));
      states.push(framer.inMessage);
    }
    expect(states.slice(0, -1).every(Boolean)).toBe(true);
    expect(states.at(-1)).toBe(false);
  });

  it('is false while only CRLF keep-alives (whole or partial) are pending', () => {
    const framer = new StreamFramer(LIMITS);
    for (const chunk of ['\r\n', '\r', '\n\r\n', '\r\n']) {
      framer.push(bytesOf(chunk));
      expect(framer.inMessage).toBe(false);
    }
  });

  it('is true for a message begun after a complete one in the same chunk, and false after an error', () => {
    const msg = sipMessage('');
    const framer = new StreamFramer(LIMITS);
    framer.push(Buffer.concat([msg, msg.subarray(0, 5)]));
    expect(framer.inMessage).toBe(true);
    framer.push(bytesOf('x'.repeat(LIMITS.maxHeaderBytes)));
    expect(framer.failed).toBe(true);
    expect(framer.inMessage).toBe(false);
  });
});
