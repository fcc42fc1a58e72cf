// The admin page's log-in: the token the user typed lives in a cookie that only the page's paths get
// (Path=/ui, HttpOnly, SameSite=Strict); the JSON API never reads cookies, so a cookie can never stand in for
// its bearer token. Every form that changes something carries a CSRF token bound to the logged-in token
// (an HMAC under a secret of this process) and must come from the page's own origin.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Principal, TokenTable } from '../tokens.ts';

export const PAGE_PATH = '/ui';
const COOKIE = 'kemi_admin';
/** A log-in lasts a working day; the user logs in again after it (or after a restart: new CSRF secret). */
const MAX_AGE_S = 12 * 3600;

export interface Session {
  readonly principal: Principal;
  /** The form field every state-changing form sends back. */
  readonly csrf: string;
}

export class PageSessions {
  readonly #tokens: TokenTable;
  readonly #secret = randomBytes(32);

  constructor(tokens: TokenTable) {
    this.#tokens = tokens;
  }

  /** The session of the request's cookie, when it holds a valid token. */
  read(c: Context): Session | undefined {
    const token = getCookie(c, COOKIE);
    if (!token) return undefined;
    const principal = this.#tokens.lookup(token);
    return principal && { principal, csrf: this.#csrf(token) };
  }

  /** Logs in with `token`: the principal, or undefined (and no cookie) when the token is not valid. */
  logIn(c: Context, token: string): Principal | undefined {
    const principal = this.#tokens.lookup(token);
    if (!principal) return undefined;
    setCookie(c, COOKIE, token, {
      path: PAGE_PATH,
      httpOnly: true,
      sameSite: 'Strict',
      secure: new URL(c.req.url).protocol === 'https:',
      maxAge: MAX_AGE_S,
    });
    return principal;
  }

  logOut(c: Context): void {
    deleteCookie(c, COOKIE, { path: PAGE_PATH });
  }

  /** The form's CSRF field matches the session's (compared in constant time). */
  csrfMatches(session: Session, field: unknown): boolean {
    if (typeof field !== 'string') return false;
    const a = Buffer.from(field);
    const b = Buffer.from(session.csrf);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  #csrf(token: string): string {
    return createHmac('sha256', this.#secret).update(token).digest('base64url');
  }
}

/**
 * A state-changing request comes from the page itself: a browser names the origin of a cross-site form
 * (Origin, Sec-Fetch-Site); a request without them (curl) still needs the cookie and the CSRF field.
 */
export function sameOrigin(c: Context): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = c.req.header('origin');
  if (origin === undefined) return true;
  return origin === new URL(c.req.url).origin;
}
