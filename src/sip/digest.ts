// HTTP Digest computations (RFC 2617 3.2.2, RFC 7616 3.4): HA1, HA2 and the request-digest for MD5 and
// SHA-256 and their -sess variants, qop none, auth and auth-int. Inputs are byte strings (one char per
// octet, as the message gives them); a password typed by an operator is UTF-8 (toByteString first).
import { createHash, timingSafeEqual } from 'node:crypto';

/** The hash functions the server verifies with. */
export type DigestHash = 'MD5' | 'SHA-256';

export interface DigestAlgorithm {
  readonly hash: DigestHash;
  /** `-sess`: HA1 is H(H(user:realm:password):nonce:cnonce) (RFC 7616 3.4.2). */
  readonly session: boolean;
}

const NODE_HASH: Record<DigestHash, string> = { MD5: 'md5', 'SHA-256': 'sha256' };

/** The algorithm named by a challenge or credential (case-insensitive); absent is MD5. */
export function digestAlgorithm(name: string | undefined): DigestAlgorithm | undefined {
  switch ((name ?? 'MD5').toUpperCase()) {
    case 'MD5':
      return { hash: 'MD5', session: false };
    case 'MD5-SESS':
      return { hash: 'MD5', session: true };
    case 'SHA-256':
      return { hash: 'SHA-256', session: false };
    case 'SHA-256-SESS':
      return { hash: 'SHA-256', session: true };
    default:
      return undefined;
  }
}

/** H(text) in lower-case hex; `text` is a byte string. */
export function digestHash(hash: DigestHash, text: string): string {
  return createHash(NODE_HASH[hash]).update(text, 'latin1').digest('hex');
}

/** HA1 = H(username:realm:password). */
export function computeHa1(hash: DigestHash, username: string, realm: string, password: string): string {
  return digestHash(hash, `${username}:${realm}:${password}`);
}

export interface DigestInput {
  readonly algorithm: DigestAlgorithm;
  /** H(username:realm:password), stored or computed. */
  readonly ha1: string;
  readonly nonce: string;
  readonly method: string;
  readonly uri: string;
  readonly qop?: string;
  readonly nc?: string;
  readonly cnonce?: string;
  /** The message body, for qop=auth-int. */
  readonly body?: string;
}

/** The request-digest (`response`) a client holding the password sends for `input`. */
export function digestResponse(input: DigestInput): string {
  const { hash, session } = input.algorithm;
  const ha1 = session ? digestHash(hash, `${input.ha1}:${input.nonce}:${input.cnonce ?? ''}`) : input.ha1;
  const qop = input.qop?.toLowerCase();
  const a2 =
    qop === 'auth-int'
      ? `${input.method}:${input.uri}:${digestHash(hash, input.body ?? '')}`
      : `${input.method}:${input.uri}`;
  const ha2 = digestHash(hash, a2);
  return qop === 'auth' || qop === 'auth-int'
    ? digestHash(hash, `${ha1}:${input.nonce}:${input.nc}:${input.cnonce}:${qop}:${ha2}`)
    : digestHash(hash, `${ha1}:${input.nonce}:${ha2}`);
}

/** True when `response` (as the client wrote it, any case) is the expected hex digest; constant time. */
export function digestMatches(expected: string, response: string): boolean {
  const a = Buffer.from(expected, 'latin1');
  const b = Buffer.from(response.toLowerCase(), 'latin1');
  return a.length === b.length && timingSafeEqual(a, b);
}
