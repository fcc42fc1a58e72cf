// KSR auth and auth_db against a real subscriber store and nonce issuer: Kamailio's return codes for each
// case, the challenge headers, consume-credentials, and tenants kept apart.
import { afterEach, describe, expect, it } from 'vitest';
import { answerChallenge, parseChallenge } from '../../fixtures/digest-client.ts';
import { auth } from '../../src/kemi/auth.ts';
import { authDb } from '../../src/kemi/auth-db.ts';
import type { AuthHost, AuthSettings } from '../../src/kemi/index.ts';
import { pv } from '../../src/kemi/pv.ts';
import { DEFAULT_NONCE_SETTINGS, NonceIssuer, SubscriberStore } from '../../src/state/index.ts';
import { call, contextFor } from './fixture.ts';

const stores: SubscriberStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

const SETTINGS: AuthSettings = {
  algorithms: ['SHA-256', 'MD5'],
  tenantAlgorithms: new Map([['md5only', ['MD5']]]),
  checksRegister: 0,
  checksNoDialog: 0,
  checksInDialog: 0,
  realmPrefix: '',
  useDomain: false,
};

function authHost(clock = { t: 1_000_000 }, settings: Partial<AuthSettings> = {}): AuthHost {
  const opened = SubscriberStore.open({ dir: undefined, maxSubscribers: 10, storePasswords: false });
  if (!opened.ok) throw new Error(opened.error);
  stores.push(opened.value);
  opened.value.add('a', 'subscriber', { username: 'alice', domain: 'example.org', password: 'secret' });
  const nonces = new NonceIssuer(Buffer.alloc(32, 1), DEFAULT_NONCE_SETTINGS, () => clock.t);
  return { nonces, subscribers: opened.value, settings: { ...SETTINGS, ...settings }, failures: {} };
}

function request(method: string, headers: string[] = [], toUser = 'alice', fromUser = 'alice'): string {
  return [
    `${method} sip:${method === 'REGISTER' ? 'example.org' : 'bob@example.org'} SIP/2.0`,
    'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1',
    'Max-Forwards: 70',
    `From: <sip:${fromUser}@example.org>;tag=f1`,
    `To: <sip:${toUser}@example.org>`,
    'Call-ID: c1@10.0.0.1',
    `CSeq: 1 ${method}`,
    'Contact: <sip:alice@10.0.0.1>',
    ...headers,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** Challenges `method` once and answers with `password`; the context of the answered request. */
function challenged(
  host: AuthHost,
  method: string,
  opts: {
    password?: string;
    tenant?: string;
    flags?: number;
    algorithm?: number;
    username?: string;
    toUser?: string;
    nc?: number;
  } = {},
) {
  const first = contextFor(
    request(method),
    'request',
    undefined,
    { auth: host },
    { tenant: opts.tenant ?? 'a', version: 1 },
  );
  expect(call(auth, 'auth-challenge', first.ctx, 'example.org', opts.flags ?? 1)).toBe(1);
  const values = first.sent[0].headers.map(([, v]) => v);
  const challenge = parseChallenge(values[opts.algorithm ?? 0]);
  const header = method === 'REGISTER' ? 'Authorization' : 'Proxy-Authorization';
  const answer = answerChallenge(challenge, {
    username: opts.username ?? 'alice',
    password: opts.password ?? 'secret',
    method,
    uri: method === 'REGISTER' ? 'sip:example.org' : 'sip:bob@example.org',
    nc: opts.nc,
  });
  const text = request(method, [`${header}: ${answer}`], opts.toUser ?? 'alice');
  return {
    text,
    sent: first.sent,
    make: () =>
      contextFor(text, 'request', undefined, { auth: host }, { tenant: opts.tenant ?? 'a', version: 1 }),
  };
}

describe('auth challenges', () => {
  it('answers a REGISTER 401 with one WWW-Authenticate per algorithm, SHA-256 first, one nonce', () => {
    const { sent } = challenged(authHost(), 'REGISTER');
    expect(sent).toHaveLength(1);
    expect(sent[0].status).toBe(401);
    const [sha, md5] = sent[0].headers;
    expect(sha[0]).toBe('WWW-Authenticate');
    expect(sha[1]).toMatch(
      /^Digest realm="example.org", nonce="[A-Za-z0-9_-]+", qop="auth", algorithm=SHA-256$/,
    );
    expect(md5[1]).toMatch(/algorithm=MD5$/);
    expect(parseChallenge(sha[1]).nonce).toBe(parseChallenge(md5[1]).nonce);
  });

  it('answers other requests 407 with Proxy-Authenticate, stale=true with flag 16, qop=auth-int with 2', () => {
    const t = contextFor(
      request('INVITE'),
      'request',
      undefined,
      { auth: authHost() },
      { tenant: 'a', version: 1 },
    );
    expect(call(auth, 'auth-challenge', t.ctx, 'example.org', 16 | 2)).toBe(1);
    expect(t.sent[0].status).toBe(407);
    expect(t.sent[0].headers[0][0]).toBe('Proxy-Authenticate');
    expect(t.sent[0].headers[0][1]).toMatch(/qop="auth-int", stale=true, algorithm=SHA-256$/);
  });

  it('offers only the algorithm auth-algorithm chose for the message', () => {
    const t = contextFor(
      request('REGISTER'),
      'request',
      undefined,
      { auth: authHost() },
      { tenant: 'a', version: 1 },
    );
    expect(call(auth, 'auth-algorithm', t.ctx, 'MD5')).toBe(1);
    expect(call(auth, 'auth-algorithm', t.ctx, 'SHA-512')).toBe(-1);
    call(auth, 'www-challenge', t.ctx, 'example.org', 0);
    expect(t.sent[0].headers).toHaveLength(1);
    expect(t.sent[0].headers[0][1]).toMatch(/^Digest realm="example.org", nonce="[^"]+", algorithm=MD5$/);
  });

  it("offers the tenant's own algorithm list over the server's", () => {
    const t = contextFor(
      request('REGISTER'),
      'request',
      undefined,
      { auth: authHost() },
      { tenant: 'md5only', version: 1 },
    );
    call(auth, 'www-challenge', t.ctx, 'example.org', 0);
    expect(t.sent[0].headers.map(([, v]) => v.replace(/.*algorithm=/, ''))).toEqual(['MD5']);
  });

  it('sends 500 when no challenge can be made, unless flag 4', () => {
    const t = contextFor(
      request('REGISTER'),
      'request',
      undefined,
      { auth: authHost() },
      { tenant: 'a', version: 1 },
    );
    expect(call(auth, 'www-challenge', t.ctx, '', 4)).toBe(-2);
    expect(t.sent).toHaveLength(0);
    expect(call(auth, 'www-challenge', t.ctx, '', 0)).toBe(-2);
    expect(t.sent[0].status).toBe(500);
  });
});

describe('auth_db auth-check', () => {
  it('accepts the right password with SHA-256 and with MD5, sets $au and $ar, consumes the credentials', () => {
    for (const algorithm of [0, 1]) {
      const host = authHost();
      const { make } = challenged(host, 'REGISTER', { algorithm });
      const t = make();
      expect(call(authDb, 'auth-check', t.ctx, 'example.org', 'subscriber', 1)).toBe(1);
      expect(call(pv, 'get', t.ctx, '$au')).toBe('alice');
      expect(call(pv, 'get', t.ctx, '$ar')).toBe('example.org');
      expect(call(auth, 'consume-credentials', t.ctx)).toBe(1);
      expect(t.ctx.msg.has('Authorization')).toBe(false);
      expect(call(auth, 'consume-credentials', t.ctx)).toBe(-1);
    }
  });

  it('gives -5 without credentials, -2 for a wrong password, -3 for an unknown user, and counts them', () => {
    const host = authHost();
    const none = contextFor(
      request('REGISTER'),
      'request',
      undefined,
      { auth: host },
      { tenant: 'a', version: 1 },
    );
    expect(call(authDb, 'auth-check', none.ctx, 'example.org', 'subscriber', 1)).toBe(-5);
    expect(
      call(
        authDb,
        'auth-check',
        challenged(host, 'REGISTER', { password: 'wrong' }).make().ctx,
        'example.org',
        'subscriber',
        1,
      ),
    ).toBe(-2);
    const unknown = challenged(host, 'REGISTER', { username: 'mallory', toUser: 'mallory' }).make();
    expect(call(authDb, 'auth-check', unknown.ctx, 'example.org', 'subscriber', 1)).toBe(-3);
    expect(host.failures).toEqual({ a: { 'no-credentials': 1, 'wrong-password': 1, 'unknown-user': 1 } });
  });

  it('gives -6 for a replayed response and -4 for an expired nonce', () => {
    const clock = { t: 1_000_000 };
    const host = authHost(clock);
    const { make } = challenged(host, 'REGISTER');
    expect(call(authDb, 'auth-check', make().ctx, 'example.org', 'subscriber', 1)).toBe(1);
    expect(call(authDb, 'auth-check', make().ctx, 'example.org', 'subscriber', 1)).toBe(-6);
    const later = challenged(host, 'REGISTER', { nc: 1 });
    clock.t += 301_000;
    expect(call(authDb, 'auth-check', later.make().ctx, 'example.org', 'subscriber', 1)).toBe(-4);
  });

  it('gives -8 when the auth user is not the To user of a REGISTER, and not with flags 0', () => {
    const host = authHost();
    host.subscribers.add('a', 'subscriber', { username: 'bob', domain: 'example.org', password: 'pw' });
    const { make } = challenged(host, 'REGISTER', { username: 'bob', password: 'pw' });
    expect(call(authDb, 'auth-check', make().ctx, 'example.org', 'subscriber', 1)).toBe(-8);
    const again = challenged(host, 'REGISTER', { username: 'bob', password: 'pw' });
    expect(call(authDb, 'auth-check', again.make().ctx, 'example.org', 'subscriber', 0)).toBe(1);
  });

  it("never finds another tenant's subscribers", () => {
    const host = authHost();
    const { make } = challenged(host, 'INVITE', { tenant: 'b' });
    expect(call(authDb, 'auth-check', make().ctx, 'example.org', 'subscriber', 1)).toBe(-3);
    const t = contextFor(
      request('INVITE'),
      'request',
      undefined,
      { auth: host },
      { tenant: 'b', version: 1 },
    );
    expect(call(authDb, 'is-subscriber', t.ctx, 'sip:alice@example.org', 'subscriber', 1)).toBe(-1);
    const own = contextFor(
      request('INVITE'),
      'request',
      undefined,
      { auth: host },
      { tenant: 'a', version: 1 },
    );
    expect(call(authDb, 'is-subscriber', own.ctx, 'sip:alice@example.org', 'subscriber', 1)).toBe(1);
    expect(call(authDb, 'is-subscriber', own.ctx, 'sip:alice@other.org', 'subscriber', 1)).toBe(-1);
    expect(call(authDb, 'is-subscriber', own.ctx, 'sip:alice@other.org', 'subscriber', 0)).toBe(1);
  });

  it('checks INVITE credentials in Proxy-Authorization with proxy-authenticate', () => {
    const host = authHost();
    const t = challenged(host, 'INVITE').make();
    expect(call(authDb, 'www-authenticate', t.ctx, 'example.org', 'subscriber')).toBe(-5);
    expect(call(authDb, 'proxy-authenticate', t.ctx, 'example.org', 'subscriber')).toBe(1);
  });

  it('lets ACK and CANCEL through without credentials', () => {
    const t = contextFor(
      request('ACK'),
      'request',
      undefined,
      { auth: authHost() },
      { tenant: 'a', version: 1 },
    );
    expect(call(authDb, 'auth-check', t.ctx, 'example.org', 'subscriber', 1)).toBe(1);
  });
});

describe('auth pv-* checks', () => {
  it('checks against a password or an HA1 the script gives', () => {
    const host = authHost();
    const t = challenged(host, 'REGISTER', { algorithm: 1 }).make();
    expect(call(auth, 'pv-www-authenticate', t.ctx, 'example.org', 'wrong', 32)).toBe(-2);
    // Flag 32 kept the nonce-count: the same response still verifies.
    expect(call(auth, 'pv-www-authenticate', t.ctx, 'example.org', 'secret', 0)).toBe(1);
    const ha1 = host.subscribers.find('a', 'subscriber', 'alice', 'example.org', 'example.org')!.ha1;
    const u = challenged(host, 'REGISTER', { algorithm: 1 }).make();
    expect(call(auth, 'pv-auth-check', u.ctx, 'example.org', ha1, 1, 1)).toBe(1);
  });

  it('has-credentials finds Digest credentials of the realm only', () => {
    const t = challenged(authHost(), 'REGISTER').make();
    expect(call(auth, 'has-credentials', t.ctx, 'example.org')).toBe(1);
    expect(call(auth, 'has-credentials', t.ctx, 'other.org')).toBe(-1);
  });
});
