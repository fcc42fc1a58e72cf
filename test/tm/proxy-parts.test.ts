// The small pure parts of the proxy core: Record-Route values, best-response choice, next hops, the
// destination set ordering, and the hop-by-hop CANCEL and ACK.
import { describe, expect, it } from 'vitest';
import { bestResponse } from '../../src/tm/best-response.ts';
import { byFallingQ, parseQ, takeHighestQ } from '../../src/tm/destination-set.ts';
import { createAck, createCancel } from '../../src/tm/hop-by-hop.ts';
import { forcedHop, nextHop } from '../../src/tm/next-hop.ts';
import { recordRouteValues } from '../../src/tm/record-route.ts';
import { request, response } from './fixtures.ts';

describe('recordRouteValues', () => {
  const udp = { proto: 'udp' as const, address: '10.0.0.1', port: 5060 };
  const tcp = { proto: 'tcp' as const, address: '10.0.0.1', port: 5060 };
  const other = { proto: 'udp' as const, address: '172.16.0.1', port: 5060 };

  it('writes one entry with lr, the From tag and the parameters when nothing changes', () => {
    expect(recordRouteValues({ params: ';nat=yes', preset: undefined }, udp, udp, 'abc')).toEqual([
      '<sip:10.0.0.1:5060;lr;ftag=abc;nat=yes>',
    ]);
  });

  it('writes two entries (outbound on top) with transport and r2=on when the transport changes', () => {
    expect(recordRouteValues({ params: '', preset: undefined }, udp, tcp, 'abc')).toEqual([
      '<sip:10.0.0.1:5060;transport=tcp;r2=on;lr;ftag=abc>',
      '<sip:10.0.0.1:5060;r2=on;lr;ftag=abc>',
    ]);
  });

  it('names TLS with transport=tls and both WebSocket flavours with transport=ws (RFC 7118)', () => {
    const tls = { proto: 'tls' as const, address: '10.0.0.1', port: 5061 };
    const wss = { proto: 'wss' as const, address: '10.0.0.1', port: 8443 };
    const ws = { proto: 'ws' as const, address: '10.0.0.1', port: 8080 };
    expect(recordRouteValues({ params: '', preset: undefined }, wss, tls, undefined)).toEqual([
      '<sip:10.0.0.1:5061;transport=tls;r2=on;lr>',
      '<sip:10.0.0.1:8443;transport=ws;r2=on;lr>',
    ]);
    expect(recordRouteValues({ params: '', preset: undefined }, udp, ws, undefined)[0]).toBe(
      '<sip:10.0.0.1:8080;transport=ws;r2=on;lr>',
    );
  });

  it('writes two entries when the interface changes', () => {
    expect(recordRouteValues({ params: '', preset: undefined }, udp, other, undefined)).toHaveLength(2);
  });

  it('uses preset addresses as given, escaping what a URI parameter cannot hold in the tag', () => {
    expect(recordRouteValues({ params: '', preset: ['pub.example.com:5090'] }, udp, udp, 'a`b')).toEqual([
      '<sip:pub.example.com:5090;lr;ftag=a%60b>',
    ]);
  });

  it('brackets IPv6 addresses', () => {
    const v6 = { proto: 'udp' as const, address: '2001:db8::1', port: 5060 };
    expect(recordRouteValues({ params: '', preset: undefined }, v6, v6, undefined)).toEqual([
      '<sip:[2001:db8::1]:5060;lr>',
    ]);
  });
});

describe('bestResponse (RFC 3261 16.7 step 6)', () => {
  const r = (status: number, local = false) => ({ status, local });
  it('prefers a 6xx to anything', () => expect(bestResponse([r(486), r(603), r(302)])).toBe(1));
  it('else the lowest class', () => expect(bestResponse([r(503), r(486), r(404)])).toBe(1));
  it('prefers responses that help a retry within 4xx', () =>
    expect(bestResponse([r(404), r(407), r(486)])).toBe(1));
  it('puts 503 after other 5xx', () => expect(bestResponse([r(503), r(500)])).toBe(1));
  it('prefers a received response to a local one of the same rank', () =>
    expect(bestResponse([r(408, true), r(408)])).toBe(1));
  it('keeps the earliest among equals', () => expect(bestResponse([r(486), r(486)])).toBe(0));
  it('returns -1 for none', () => expect(bestResponse([])).toBe(-1));
});

describe('nextHop', () => {
  it('takes host, port (5060 by default) and transport (UDP by default) from the URI, saying which it gave', () => {
    expect(nextHop('sip:bob@192.0.2.9')).toEqual({
      ok: true,
      value: { proto: 'udp', host: '192.0.2.9', port: 5060, explicitPort: false, explicitProto: false },
    });
    expect(nextHop('sip:p.example.com:5070;transport=TCP;lr')).toEqual({
      ok: true,
      value: { proto: 'tcp', host: 'p.example.com', port: 5070, explicitPort: true, explicitProto: true },
    });
    expect(nextHop('sip:[2001:db8::2]:5062')).toEqual({
      ok: true,
      value: { proto: 'udp', host: '2001:db8::2', port: 5062, explicitPort: true, explicitProto: false },
    });
  });

  it('sends to maddr when present', () => {
    expect(nextHop('sip:bob@example.com;maddr=192.0.2.50')).toMatchObject({ value: { host: '192.0.2.50' } });
  });

  it('routes sips: over verified TLS (5061), transport=tls over TLS and transport=ws over a WebSocket', () => {
    expect(nextHop('sips:bob@example.com')).toEqual({
      ok: true,
      value: {
        proto: 'tls',
        host: 'example.com',
        port: 5061,
        secure: true,
        explicitPort: false,
        explicitProto: false,
      },
    });
    // sips: wins over the transport parameter, except that a WebSocket stays one (wss).
    expect(nextHop('sips:bob@192.0.2.1:5070;transport=tcp')).toMatchObject({
      ok: true,
      value: { proto: 'tls' },
    });
    expect(nextHop('sips:bob@192.0.2.1;transport=ws')).toMatchObject({ ok: true, value: { proto: 'wss' } });
    expect(nextHop('sip:bob@192.0.2.1;transport=TLS')).toEqual({
      ok: true,
      value: { proto: 'tls', host: '192.0.2.1', port: 5061, explicitPort: false, explicitProto: true },
    });
    expect(nextHop('sip:192.0.2.1:40000;transport=ws')).toEqual({
      ok: true,
      value: { proto: 'ws', host: '192.0.2.1', port: 40000, explicitPort: true, explicitProto: true },
    });
    expect(forcedHop('wss', '192.0.2.1', 8443)).toMatchObject({ ok: true, value: { proto: 'wss' } });
  });

  it('refuses what the server cannot send to, with Kamailio codes', () => {
    expect(nextHop('tel:+123')).toMatchObject({ ok: false, error: { code: -480 } });
    expect(nextHop('sip:bob@example.com;transport=sctp')).toMatchObject({ ok: false, error: { code: -480 } });
    // error.c err2reason_phrase: E_BAD_URI is 479, worded "... (479/TM)" when tm ends a branch with it.
    expect(nextHop('not a uri')).toMatchObject({
      ok: false,
      error: { code: -479, status: 479, reason: 'Regretfully, we were not able to process the URI (479/TM)' },
    });
    expect(forcedHop('sctp', 'h', 1)).toMatchObject({ ok: false, error: { code: -480 } });
    expect(forcedHop('tcp', 'h;x', 1)).toMatchObject({ ok: false, error: { code: -479 } });
    expect(forcedHop('TCP', '192.0.2.1', 5080)).toEqual({
      ok: true,
      value: { proto: 'tcp', host: '192.0.2.1', port: 5080, explicitPort: true, explicitProto: true },
    });
  });
});

describe('the destination set by q', () => {
  const b = (uri: string, q?: number) => ({ uri, dstUri: undefined, q, flags: 0 });
  it('orders by falling q, unspecified last, equals in order', () => {
    const sorted = byFallingQ([b('a'), b('b', 0.5), b('c', 0.5), b('d', 1)]);
    expect(sorted.map((x) => x.uri)).toEqual(['d', 'b', 'c', 'a']);
    expect(takeHighestQ(sorted).map((x) => x.uri)).toEqual(['d']);
    expect(takeHighestQ(sorted).map((x) => x.uri)).toEqual(['b', 'c']);
    expect(takeHighestQ(sorted).map((x) => x.uri)).toEqual(['a']);
    expect(takeHighestQ(sorted)).toEqual([]);
  });

  it('reads q values of RFC 3261 20.10', () => {
    expect(parseQ('0.5')).toBe(0.5);
    expect(parseQ('1')).toBe(1);
    expect(parseQ('1.000')).toBe(1);
    expect(parseQ('1.5')).toBeUndefined();
    expect(parseQ('0.1234')).toBeUndefined();
  });
});

describe('hop-by-hop requests', () => {
  it('builds the CANCEL of 9.1 and the ACK of 17.1.1.3 from the branch request', () => {
    const invite = request('INVITE', ['Route: <sip:p2.example.com;lr>']);
    const cancel = createCancel(invite, ['SIP;cause=200']);
    expect(cancel.uri).toBe(invite.uri);
    expect(cancel.via.branch).toBe(invite.via.branch);
    expect(cancel.getAll('Via')).toHaveLength(1);
    expect(cancel.cseq).toEqual({ seq: 7, method: 'CANCEL' });
    expect(cancel.to?.tag).toBeUndefined();
    expect(cancel.get('Route')).toBe('<sip:p2.example.com;lr>');
    const ack = createAck(invite, response(invite, 486, 'x'));
    expect(ack.to?.tag).toBe('x');
    expect(ack.cseq).toEqual({ seq: 7, method: 'ACK' });
  });
});
