// The cases file of kemi-wasm test and the comparison of a run with a case's expectations.
import { describe, expect, it } from 'vitest';
import { callMatches, checkRun, parseCases, type RouteRun } from '../../src/route-test/index.ts';
import { wireFormat } from '../../src/route-test/route-tester.ts';
import { parseMessage, type SipResponse } from '../../src/sip/index.ts';

function response(status: number, reason: string): SipResponse {
  const text = `SIP/2.0 ${status} ${reason}\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:b@c>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n`;
  const parsed = parseMessage(Buffer.from(text, 'latin1'));
  if (!parsed.ok) throw new Error(parsed.error.detail);
  return parsed.value as SipResponse;
}

const run = (over: Partial<RouteRun> = {}): RouteRun => ({
  calls: ['maxfwd.process_maxfwd(10) = 1', 'sl.sl_send_reply(404, "Not Found") = 1', 'x.exit()'],
  problems: [],
  reply: response(404, 'Not Found'),
  relayed: [],
  sent: [],
  ...over,
});

describe('parseCases', () => {
  it('reads YAML with defaults for defines and domains, and a peer spec as an address', () => {
    const parsed = parseCases(
      'cases:\n  - name: one\n    from: tcp:192.0.2.9:5070\n    message: "OPTIONS sip:x SIP/2.0"\n    expect: { reply: 200 }\n',
      'c.yaml',
    );
    expect(parsed.ok && parsed.value).toEqual({
      defines: {},
      domains: [],
      cases: [
        {
          name: 'one',
          from: { proto: 'tcp', address: '192.0.2.9', port: 5070 },
          message: 'OPTIONS sip:x SIP/2.0',
          expect: { reply: 200 },
        },
      ],
    });
  });

  it('names the key that is wrong', () => {
    const unknown = parseCases(
      'cases:\n  - name: a\n    message: m\n    expect: { replied: 200 }\n',
      'c.yaml',
    );
    expect(!unknown.ok && unknown.error).toMatch(/^c\.yaml: cases\.0\.expect: .*replied/);
    const peer = parseCases(
      'cases:\n  - name: a\n    message: m\n    from: 1.2.3.4\n    expect: {}\n',
      'c.yaml',
    );
    expect(!peer.ok && peer.error).toContain('PROTO:ADDRESS:PORT');
    expect(parseCases('cases: []', 'c.yaml').ok).toBe(false);
    expect(parseCases('cases: [', 'c.yaml')).toMatchObject({ ok: false });
  });
});

describe('checkRun', () => {
  it('passes when the reply, relays and calls are as expected', () => {
    expect(
      checkRun(run(), {
        reply: '404 Not Found',
        relayed_to: 'none',
        calls: ['maxfwd.process_maxfwd', 'sl.sl_send_reply(404, "Not Found")'],
        not_calls: ['tm.t_relay'],
      }),
    ).toEqual([]);
  });

  it('says what differs', () => {
    expect(
      checkRun(run(), {
        reply: 200,
        relayed_to: '192.0.2.20:5060',
        calls: ['sl.sl_send_reply(404, "Not Found")', 'maxfwd.process_maxfwd'],
        not_calls: ['sl.sl_send_reply'],
      }),
    ).toEqual([
      'reply: expected 200, got 404 Not Found',
      'relayed_to: expected 192.0.2.20:5060, got none',
      'calls: expected maxfwd.process_maxfwd after sl.sl_send_reply(404, "Not Found") = 1',
      'not_calls: sl.sl_send_reply(404, "Not Found") = 1',
    ]);
    expect(checkRun(run({ reply: undefined }), { reply: 'none' })).toEqual([]);
    expect(checkRun(run(), { reply: 'none' })).toEqual(['reply: expected none, got 404 Not Found']);
  });

  it('matches a call by name, by arguments, or by arguments and result', () => {
    const call = 'tm.t_relay() = 1';
    expect(callMatches(call, 'tm.t_relay')).toBe(true);
    expect(callMatches(call, 'tm.t_relay()')).toBe(true);
    expect(callMatches(call, 'tm.t_relay() = 1')).toBe(true);
    expect(callMatches(call, 'tm.t_relay() = -1')).toBe(false);
    expect(callMatches(call, 'tm.t_rel')).toBe(false);
  });
});

describe('wireFormat', () => {
  it('ends lines with CRLF and adds the empty line after the header when it is missing', () => {
    expect(wireFormat('OPTIONS sip:x SIP/2.0\nContent-Length: 0\n')).toBe(
      'OPTIONS sip:x SIP/2.0\r\nContent-Length: 0\r\n\r\n',
    );
    expect(wireFormat('M sip:x SIP/2.0\r\nContent-Length: 2\r\n\r\nab')).toBe(
      'M sip:x SIP/2.0\r\nContent-Length: 2\r\n\r\nab',
    );
  });
});
