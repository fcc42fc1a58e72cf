import { describe, expect, it } from 'vitest';
import { parseStartLine } from '../../src/sip/start-line.ts';

const line = (text: string) => parseStartLine(text, 0, text.length);

describe('parseStartLine (RFC 3261 7.1, 7.2)', () => {
  it('reads request and status lines', () => {
    expect(line('BYE sip:a@b.example SIP/2.0')).toEqual({
      ok: true,
      value: { isResponse: false, method: 'BYE', uri: 'sip:a@b.example', version: 'SIP/2.0' },
    });
    expect(line('SIP/2.0 183 Session Progress')).toEqual({
      ok: true,
      value: { isResponse: true, status: 183, reason: 'Session Progress', version: 'SIP/2.0' },
    });
  });

  it('tells a malformed version (400) from an unsupported one (505)', () => {
    expect(line('BYE sip:a@b.example SIP/2.1')).toMatchObject({
      ok: false,
      error: { status: 505, offset: 20 },
    });
    expect(line('BYE sip:a@b.example SIP/10.0')).toMatchObject({ ok: false, error: { status: 505 } });
    expect(line('BYE sip:a@b.example SIP/2.')).toMatchObject({
      ok: false,
      error: { reason: 'Bad Request-Line' },
    });
    expect(line('BYE sip:a@b.example HTTP/1.1')).toMatchObject({
      ok: false,
      error: { reason: 'Bad Request-Line' },
    });
    expect(line('SIP/2 200 OK')).toMatchObject({
      ok: false,
      error: { reason: 'Bad Status Line', offset: 0 },
    });
    expect(line('SIP/3.0 200 OK')).toMatchObject({ ok: false, error: { status: 505 } });
  });

  it('reads only its range of the text', () => {
    const text = 'xxINVITE sip:a@b.example SIP/2.0\r\n';
    expect(parseStartLine(text, 2, text.length - 2)).toMatchObject({
      ok: true,
      value: { method: 'INVITE', version: 'SIP/2.0' },
    });
  });
});
