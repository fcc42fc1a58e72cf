// Digest nonces: they verify without state, expire (stale), resist forgery, and with nonce-count or
// one-time nonces refuse a replay, in a table of fixed size.
import { describe, expect, it } from 'vitest';
import { DEFAULT_NONCE_SETTINGS, NonceIssuer, type NonceSettings } from '../../src/state/index.ts';

const SECRET = Buffer.alloc(32, 7);

function issuer(clock: { t: number }, over: Partial<NonceSettings> = {}, secret = SECRET) {
  return new NonceIssuer(secret, { ...DEFAULT_NONCE_SETTINGS, trackedNonces: 16, ...over }, () => clock.t);
}

describe('NonceIssuer', () => {
  it('accepts its own nonce until nonce_expire, then answers stale', () => {
    const clock = { t: 1_000_000 };
    const n = issuer(clock, { nonceCount: false });
    const nonce = n.issue(0, '');
    expect(n.verify(nonce, undefined, '')).toBe('ok');
    clock.t += 299_000;
    expect(n.verify(nonce, undefined, '')).toBe('ok');
    clock.t += 1_000;
    expect(n.verify(nonce, undefined, '')).toBe('stale');
  });

  it('refuses a nonce altered, made with another secret, or not a nonce at all', () => {
    const clock = { t: 1_000_000 };
    const n = issuer(clock);
    const nonce = n.issue(0, '');
    const bytes = Buffer.from(nonce, 'base64url');
    bytes[8] ^= 1; // the expiry pushed by a few seconds
    expect(n.verify(bytes.toString('base64url'), '00000001', '')).toBe('forged');
    const other = issuer(clock, {}, Buffer.alloc(32, 8)).issue(0, '');
    expect(n.verify(other, '00000001', '')).toBe('forged');
    expect(n.verify('dcd98b7102dd2f0e8b11d0f600bfb0c093', undefined, '')).toBe('forged');
    expect(n.verify(`${nonce}A`, undefined, '')).toBe('forged');
  });

  it('answers stale for a nonce whose expiry lies beyond nonce_expire plus the drift', () => {
    const clock = { t: 1_000_000 };
    const later = issuer({ t: clock.t + 10_000 }, { nonceCount: false });
    const n = issuer(clock, { nonceCount: false });
    // Same secret: a nonce "from the future" (a clock set back) is stale past max drift (3 s).
    expect(n.verify(later.issue(0, ''), undefined, '')).toBe('stale');
  });

  it('refuses an nc not above the last accepted one (a replay)', () => {
    const n = issuer({ t: 1_000_000 });
    const nonce = n.issue(0, '');
    expect(n.verify(nonce, '00000001', '')).toBe('ok');
    expect(n.verify(nonce, '00000001', '')).toBe('reused');
    expect(n.verify(nonce, '00000003', '')).toBe('ok');
    expect(n.verify(nonce, '00000002', '')).toBe('reused');
  });

  it('does not spend the nc when asked not to', () => {
    const n = issuer({ t: 1_000_000 });
    const nonce = n.issue(0, '');
    expect(n.verify(nonce, '00000001', '', false)).toBe('ok');
    expect(n.verify(nonce, '00000001', '')).toBe('ok');
    expect(n.verify(nonce, '00000001', '')).toBe('reused');
  });

  it('accepts a one-time nonce once', () => {
    const n = issuer({ t: 1_000_000 }, { nonceCount: false, oneTimeNonce: true });
    const nonce = n.issue(0, '');
    expect(n.verify(nonce, undefined, '')).toBe('ok');
    expect(n.verify(nonce, undefined, '')).toBe('reused');
  });

  it('answers stale for a nonce whose slot a newer one took (bounded table)', () => {
    const n = issuer({ t: 1_000_000 });
    const first = n.issue(0, '');
    for (let i = 0; i < 16; i++) n.issue(0, '');
    expect(n.verify(first, '00000001', '')).toBe('stale');
  });

  it('answers stale for a tracked nonce of an earlier run (same secret, table lost)', () => {
    const clock = { t: 1_000_000 };
    const nonce = issuer(clock).issue(0, '');
    expect(issuer(clock).verify(nonce, '00000001', '')).toBe('stale');
    // Untracked nonces outlive a restart with the same secret.
    const untracked = issuer(clock, { nonceCount: false }).issue(0, '');
    expect(issuer(clock, { nonceCount: false }).verify(untracked, undefined, '')).toBe('ok');
  });

  it('answers stale when the sealed request data differs', () => {
    const n = issuer({ t: 1_000_000 });
    const nonce = n.issue(8, '192.0.2.1');
    expect(n.checksOf(nonce)).toBe(8);
    expect(n.verify(nonce, '00000001', '192.0.2.2')).toBe('stale');
    expect(n.verify(nonce, '00000001', '192.0.2.1')).toBe('ok');
  });
});
