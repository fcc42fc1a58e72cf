// Digest computations against the published examples: RFC 2617 3.5 (MD5, qop=auth) and RFC 7616 3.9.1
// (MD5 and SHA-256), and the credentials grammar.
import { describe, expect, it } from 'vitest';
import { computeHa1, digestAlgorithm, digestMatches, digestResponse } from '../../src/sip/digest.ts';
import { completeCredentials, parseDigestCredentials } from '../../src/sip/digest-credentials.ts';

describe('digestResponse', () => {
  it('gives the response of RFC 2617 section 3.5', () => {
    const ha1 = computeHa1('MD5', 'Mufasa', 'testrealm@host.com', 'Circle Of Life');
    const response = digestResponse({
      algorithm: { hash: 'MD5', session: false },
      ha1,
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      method: 'GET',
      uri: '/dir/index.html',
      qop: 'auth',
      nc: '00000001',
      cnonce: '0a4f113b',
    });
    expect(response).toBe('6629fae49393a05397450978507c4ef1');
  });

  const rfc7616 = {
    nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
    cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
    method: 'GET',
    uri: '/dir/index.html',
    qop: 'auth',
    nc: '00000001',
  };

  it('gives the MD5 response of RFC 7616 section 3.9.1', () => {
    const ha1 = computeHa1('MD5', 'Mufasa', 'http-auth@example.org', 'Circle of Life');
    const response = digestResponse({ algorithm: { hash: 'MD5', session: false }, ha1, ...rfc7616 });
    expect(response).toBe('8ca523f5e9506fed4657c9700eebdbec');
  });

  it('gives the SHA-256 response of RFC 7616 section 3.9.1', () => {
    const ha1 = computeHa1('SHA-256', 'Mufasa', 'http-auth@example.org', 'Circle of Life');
    const response = digestResponse({ algorithm: { hash: 'SHA-256', session: false }, ha1, ...rfc7616 });
    expect(response).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  });

  it('hashes the body into HA2 for qop=auth-int and the cnonce into HA1 for -sess', () => {
    const base = {
      algorithm: { hash: 'MD5' as const, session: false },
      ha1: computeHa1('MD5', 'bob', 'r', 'pw'),
      nonce: 'n',
      method: 'MESSAGE',
      uri: 'sip:a@b',
      nc: '00000001',
      cnonce: 'c',
    };
    const int1 = digestResponse({ ...base, qop: 'auth-int', body: 'hello' });
    expect(digestResponse({ ...base, qop: 'auth-int', body: 'hello!' })).not.toBe(int1);
    expect(digestResponse({ ...base, qop: 'auth', body: 'hello!' })).toBe(
      digestResponse({ ...base, qop: 'auth' }),
    );
    const sess = digestResponse({ ...base, qop: 'auth', algorithm: { hash: 'MD5', session: true } });
    expect(sess).not.toBe(digestResponse({ ...base, qop: 'auth' }));
    expect(
      digestResponse({ ...base, qop: 'auth', cnonce: 'd', algorithm: { hash: 'MD5', session: true } }),
    ).not.toBe(sess);
  });

  it('names MD5 when no algorithm is given, and refuses others', () => {
    expect(digestAlgorithm(undefined)).toEqual({ hash: 'MD5', session: false });
    expect(digestAlgorithm('sha-256-sess')).toEqual({ hash: 'SHA-256', session: true });
    expect(digestAlgorithm('SHA-512')).toBeUndefined();
  });

  it('compares a response in any case, and only of the same length', () => {
    expect(digestMatches('6629fae49393a05397450978507c4ef1', '6629FAE49393A05397450978507C4EF1')).toBe(true);
    expect(digestMatches('6629fae49393a05397450978507c4ef1', '6629fae49393a05397450978507c4ef')).toBe(false);
  });
});

describe('parseDigestCredentials', () => {
  it('reads the fields of a Digest credential, quoted or not', () => {
    const c = parseDigestCredentials(
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd9", uri="/dir/index.html", ' +
        'qop=auth, nc=00000001, cnonce="0a4f113b", response="6629", opaque="5ccc", algorithm=MD5',
    );
    expect(c).toMatchObject({ username: 'Mufasa', realm: 'testrealm@host.com', qop: 'auth', nc: '00000001' });
    expect(completeCredentials(c!)).toBeDefined();
  });

  it('decodes quoted-pairs and refuses what is not Digest or is malformed', () => {
    expect(parseDigestCredentials('Digest username="a\\"b", realm=""')?.username).toBe('a"b');
    expect(parseDigestCredentials('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==')).toBeUndefined();
    expect(parseDigestCredentials('Digest username="unclosed')).toBeUndefined();
    expect(parseDigestCredentials('Digest username="a" realm="b"')).toBeUndefined();
    expect(parseDigestCredentials('Digest username="a", username="b"')).toBeUndefined();
  });

  it('finds credentials incomplete without a response, or with a qop but no nc', () => {
    const base = 'Digest username="a", realm="r", nonce="n", uri="sip:x"';
    expect(completeCredentials(parseDigestCredentials(base)!)).toBeUndefined();
    expect(completeCredentials(parseDigestCredentials(`${base}, response="x"`)!)).toBeDefined();
    expect(
      completeCredentials(parseDigestCredentials(`${base}, response="x", qop=auth, cnonce="c"`)!),
    ).toBeUndefined();
    expect(
      completeCredentials(
        parseDigestCredentials(`${base}, response="x", qop=other, cnonce="c", nc=00000001`)!,
      ),
    ).toBeUndefined();
  });
});
