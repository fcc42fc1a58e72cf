import { describe, expect, it } from 'vitest';
import {
  canonicalHeaderName,
  hashNameOctet,
  headerKey,
  headerName,
  lookupHeaderName,
  NAME_HASH_SEED,
} from '../../src/sip/header-names.ts';

function lookup(text: string) {
  let hash = NAME_HASH_SEED;
  for (let i = 0; i < text.length; i++) hash = hashNameOctet(hash, text.charCodeAt(i));
  return lookupHeaderName(text, 0, text.length, hash);
}

describe('header names (RFC 3261 7.3.3)', () => {
  it.each([
    ['i', 'call-id', 'Call-ID'],
    ['m', 'contact', 'Contact'],
    ['e', 'content-encoding', 'Content-Encoding'],
    ['l', 'content-length', 'Content-Length'],
    ['c', 'content-type', 'Content-Type'],
    ['f', 'from', 'From'],
    ['s', 'subject', 'Subject'],
    ['k', 'supported', 'Supported'],
    ['t', 'to', 'To'],
    ['v', 'via', 'Via'],
    ['o', 'event', 'Event'],
    ['u', 'allow-events', 'Allow-Events'],
    ['r', 'refer-to', 'Refer-To'],
    ['b', 'referred-by', 'Referred-By'],
    ['x', 'session-expires', 'Session-Expires'],
    ['y', 'identity', 'Identity'],
    ['a', 'accept-contact', 'Accept-Contact'],
    ['j', 'reject-contact', 'Reject-Contact'],
    ['d', 'request-disposition', 'Request-Disposition'],
  ])('maps the compact form %s to %s', (compact, key, canonical) => {
    expect(headerKey(compact)).toBe(key);
    expect(headerKey(compact.toUpperCase())).toBe(key);
    expect(canonicalHeaderName(compact)).toBe(canonical);
    expect(lookup(compact)?.key).toBe(key);
  });

  it('matches names case-insensitively', () => {
    expect(headerKey('CALL-ID')).toBe('call-id');
    expect(headerKey('cAlL-iD')).toBe('call-id');
    expect(canonicalHeaderName('cseq')).toBe('CSeq');
    expect(canonicalHeaderName('www-authenticate')).toBe('WWW-Authenticate');
    expect(lookup('MAX-forwards')?.name).toBe('Max-Forwards');
  });

  it('lower-cases unknown names for the key and keeps them for display', () => {
    expect(headerKey('X-Custom-Thing')).toBe('x-custom-thing');
    expect(canonicalHeaderName('X-Custom-Thing')).toBe('X-Custom-Thing');
    expect(lookup('X-Custom-Thing')).toBeUndefined();
    expect(lookup('Viaa')).toBeUndefined();
    expect(lookup('Vi')).toBeUndefined();
  });

  it('knows which headers are comma-separated lists', () => {
    expect(headerName('Via')?.list).toBe(true);
    expect(headerName('Route')?.list).toBe(true);
    expect(headerName('Supported')?.list).toBe(true);
    expect(headerName('Authorization')?.list).toBe(false);
    expect(headerName('WWW-Authenticate')?.list).toBe(false);
    expect(headerName('Date')?.list).toBe(false);
  });
});
