// Digest credentials (RFC 2617 3.2.2, RFC 7616 3.4): `Digest username="bob", realm="x", nonce="...", ...`
// as found in an Authorization or Proxy-Authorization header field. Parsed into the fields the server
// checks; a value is kept as written (quoted-string decoded). Bounded: a field list longer than
// MAX_FIELDS, or a value longer than MAX_VALUE_BYTES, does not parse.
import { TOKEN } from './char-classes.ts';
import { quotedStringEnd, unquote } from './quoted-string.ts';
import { lowerCase, skipClass, skipWsp } from './scan.ts';

export interface DigestCredentials {
  readonly username: string;
  readonly realm: string;
  readonly nonce: string;
  readonly uri: string;
  readonly response: string;
  /** As written ("MD5", "SHA-256", "MD5-sess" ...); undefined means MD5 (RFC 2617 3.2.1). */
  readonly algorithm: string | undefined;
  readonly cnonce: string | undefined;
  /** "auth" or "auth-int" when the client chose a qop. */
  readonly qop: string | undefined;
  /** nonce-count: 8 hex digits. */
  readonly nc: string | undefined;
  readonly opaque: string | undefined;
}

const MAX_FIELDS = 32;
const MAX_VALUE_BYTES = 1024;
const COMMA = 44;
const EQUAL = 61;
const DQUOTE = 34;

/** The auth-params of `value` by lower-case name, or undefined when it is not a Digest credential. */
function authParams(value: string): Map<string, string> | undefined {
  const end = value.length;
  let p = skipWsp(value, 0, end);
  const schemeEnd = skipClass(value, p, end, TOKEN);
  if (lowerCase(value, p, schemeEnd) !== 'digest') return undefined;
  p = schemeEnd;
  const params = new Map<string, string>();
  for (;;) {
    p = skipWsp(value, p, end);
    if (p >= end) return params;
    const nameEnd = skipClass(value, p, end, TOKEN);
    if (nameEnd === p || params.size >= MAX_FIELDS) return undefined;
    const name = lowerCase(value, p, nameEnd);
    p = skipWsp(value, nameEnd, end);
    if (value.charCodeAt(p) !== EQUAL) return undefined;
    p = skipWsp(value, p + 1, end);
    let text: string;
    if (value.charCodeAt(p) === DQUOTE) {
      const close = quotedStringEnd(value, p, end);
      if (close < 0) return undefined;
      text = unquote(value, p, close);
      p = close;
    } else {
      const tokenEnd = skipClass(value, p, end, TOKEN);
      if (tokenEnd === p) return undefined;
      text = value.slice(p, tokenEnd);
      p = tokenEnd;
    }
    if (text.length > MAX_VALUE_BYTES || params.has(name)) return undefined;
    params.set(name, text);
    p = skipWsp(value, p, end);
    if (p >= end) return params;
    if (value.charCodeAt(p) !== COMMA) return undefined;
    p++;
  }
}

/** Parses one Authorization / Proxy-Authorization value; undefined when it is not Digest or is malformed. */
export function parseDigestCredentials(value: string): Partial<DigestCredentials> | undefined {
  const params = authParams(value);
  if (params === undefined) return undefined;
  return {
    username: params.get('username'),
    realm: params.get('realm'),
    nonce: params.get('nonce'),
    uri: params.get('uri'),
    response: params.get('response'),
    algorithm: params.get('algorithm'),
    cnonce: params.get('cnonce'),
    qop: params.get('qop'),
    nc: params.get('nc'),
    opaque: params.get('opaque'),
  };
}

/**
 * The credentials when every field the digest needs is there (Kamailio's check_dig_cred): username, realm,
 * nonce, uri and response, plus cnonce and nc with a qop (auth or auth-int); undefined otherwise.
 */
export function completeCredentials(c: Partial<DigestCredentials>): DigestCredentials | undefined {
  if (!c.username || c.realm === undefined || !c.nonce || !c.uri || !c.response) return undefined;
  if (c.qop === undefined) return c as DigestCredentials;
  const qop = c.qop.toLowerCase();
  if (qop !== 'auth' && qop !== 'auth-int') return undefined;
  if (!c.cnonce || !c.nc || !/^[0-9a-fA-F]{8}$/.test(c.nc)) return undefined;
  return c as DigestCredentials;
}
