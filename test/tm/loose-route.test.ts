// Loose routing (RFC 3261 16.4, 16.6 steps 6-7, 16.12) with Kamailio's loose_route return codes.
import { describe, expect, it } from 'vitest';
import { parseMessage, type SipRequest, type SipUri } from '../../src/sip/index.ts';
import { looseRoute, uriParams } from '../../src/tm/loose-route.ts';

const myself = (uri: SipUri) => uri.host === '10.0.0.1' && (uri.port ?? 5060) === 5060;

function request(uri: string, routes: string[], toTag?: string): SipRequest {
  const text = [
    `BYE ${uri} SIP/2.0`,
    'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-1',
    'Max-Forwards: 70',
    'From: <sip:a@example.org>;tag=caller',
    `To: <sip:b@example.com>${toTag ? `;tag=${toTag}` : ''}`,
    'Call-ID: lr-1',
    'CSeq: 2 BYE',
    ...routes.map((r) => `Route: ${r}`),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const parsed = parseMessage(text);
  if (!parsed.ok) throw new Error(parsed.error.detail);
  return parsed.value as SipRequest;
}

describe('looseRoute', () => {
  it('returns -1 without a Route header and changes nothing', () => {
    const r = request('sip:b@192.0.2.9', [], 'callee');
    expect(looseRoute(r, myself)).toEqual({ code: -1, dstUri: undefined, localParams: undefined });
    expect(r.uri).toBe('sip:b@192.0.2.9');
  });

  it('removes our own entry from an in-dialog request and returns 1 (next hop: the R-URI)', () => {
    const r = request('sip:b@192.0.2.9', ['<sip:10.0.0.1;lr;ftag=caller;nat=yes>'], 'callee');
    expect(looseRoute(r, myself)).toEqual({
      code: 1,
      dstUri: undefined,
      localParams: 'lr;ftag=caller;nat=yes',
    });
    expect(r.has('Route')).toBe(false);
  });

  it('removes both entries of a double record-route (r2=on)', () => {
    const r = request(
      'sip:b@192.0.2.9',
      ['<sip:10.0.0.1:5060;r2=on;lr>', '<sip:10.0.0.1;transport=tcp;r2=on;lr>', '<sip:p2.example.com;lr>'],
      'callee',
    );
    expect(looseRoute(r, myself)).toMatchObject({ code: 1, dstUri: 'sip:p2.example.com;lr' });
    expect(r.getAll('Route')).toEqual(['<sip:p2.example.com;lr>']);
  });

  it('sends to the next loose router through $du, keeping the R-URI', () => {
    const r = request('sip:b@192.0.2.9', ['<sip:10.0.0.1;lr>', '<sip:p2.example.com;lr>'], 'callee');
    expect(looseRoute(r, myself).dstUri).toBe('sip:p2.example.com;lr');
    expect(r.uri).toBe('sip:b@192.0.2.9');
  });

  it('puts a strict router next in the R-URI and the old R-URI last in the Route set (16.6 step 6)', () => {
    const r = request('sip:b@192.0.2.9', ['<sip:strict.example.com>', '<sip:p3.example.com;lr>'], 'callee');
    expect(looseRoute(r, myself)).toEqual({ code: 1, dstUri: undefined, localParams: undefined });
    expect(r.uri).toBe('sip:strict.example.com');
    expect(r.getAll('Route')).toEqual(['<sip:p3.example.com;lr>', '<sip:b@192.0.2.9>']);
  });

  it('undoes a strict router before us: our entry in the R-URI, the real target in the last Route (16.4)', () => {
    const r = request('sip:10.0.0.1;lr;ftag=caller', ['<sip:b@192.0.2.9>'], 'callee');
    expect(looseRoute(r, myself)).toEqual({ code: 1, dstUri: undefined, localParams: 'lr;ftag=caller' });
    expect(r.uri).toBe('sip:b@192.0.2.9');
    expect(r.has('Route')).toBe(false);
  });

  it('returns -1 for an initial request whose only Route is ours (removed), -3 for a preloaded route elsewhere', () => {
    const own = request('sip:b@example.com', ['<sip:10.0.0.1;lr>']);
    expect(looseRoute(own, myself).code).toBe(-1);
    expect(own.has('Route')).toBe(false);
    const preloaded = request('sip:b@example.com', ['<sip:10.0.0.1;lr>', '<sip:edge.example.com;lr>']);
    expect(looseRoute(preloaded, myself)).toMatchObject({ code: -3, dstUri: 'sip:edge.example.com;lr' });
  });
});

describe('uriParams', () => {
  it('gives the parameters of a SIP URI as written, after the user part and before headers', () => {
    expect(uriParams('sip:10.0.0.1;lr;ftag=x')).toBe('lr;ftag=x');
    expect(uriParams('sip:us;er@10.0.0.1;lr?h=1')).toBe('lr');
    expect(uriParams('sip:10.0.0.1')).toBe('');
  });
});
