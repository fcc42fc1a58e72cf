// What the auth and auth_db functions share (Kamailio's auth api.c): finding the request's credentials for
// a realm, checking their nonce, verifying the response against an HA1, and building challenges. The
// per-message part (which credentials a check used, the algorithm auth-algorithm chose) lives beside the
// route context, for this invocation only.

import { type DigestHash, digestAlgorithm, digestMatches, digestResponse } from '../sip/digest.ts';
import {
  completeCredentials,
  type DigestCredentials,
  parseDigestCredentials,
} from '../sip/digest-credentials.ts';
import { quote } from '../sip/index.ts';
import {
  NONCE_CHECK_CALL_ID,
  NONCE_CHECK_FROM_TAG,
  NONCE_CHECK_RURI,
  NONCE_CHECK_SOURCE_IP,
  type NonceIssuer,
  type NonceVerdict,
  type SubscriberStore,
} from '../state/index.ts';
import type { RouteContext } from './context.ts';
import { hostLog } from './host-log.ts';

/** The auth settings of the server (config `auth`). */
export interface AuthSettings {
  /** Algorithms every challenge offers, one header each, in this order ... */
  readonly algorithms: readonly DigestHash[];
  /** ... unless the tenant has its own list. */
  readonly tenantAlgorithms: ReadonlyMap<string, readonly DigestHash[]>;
  /** Extra nonce checks (NONCE_CHECK_* bits) for REGISTER, out-of-dialog and in-dialog requests. */
  readonly checksRegister: number;
  readonly checksNoDialog: number;
  readonly checksInDialog: number;
  /** Stripped from the front of a realm before it is used (Kamailio's realm_prefix). */
  readonly realmPrefix: string;
  /** Subscribers are looked up by username and domain (Kamailio's auth_db use_domain). */
  readonly useDomain: boolean;
}

/** What the auth functions need from the server. */
export interface AuthHost {
  readonly nonces: NonceIssuer;
  readonly subscribers: SubscriberStore;
  readonly settings: AuthSettings;
  /** Failed checks by tenant, then cause (metrics). */
  readonly failures: Record<string, Record<string, number>>;
}

/** Kamailio's auth return codes. */
export const AUTH_OK = 1;
export const AUTH_ERROR = -1;
export const AUTH_INVALID_PASSWORD = -2;
export const AUTH_USER_UNKNOWN = -3;
export const AUTH_STALE_NONCE = -4;
export const AUTH_NO_CREDENTIALS = -5;
export const AUTH_NONCE_REUSED = -6;
export const AUTH_USER_MISMATCH = -8;

/** The metrics label of each failure code. */
export const FAILURE_CAUSE: Record<number, string> = {
  [AUTH_ERROR]: 'error',
  [AUTH_INVALID_PASSWORD]: 'wrong-password',
  [AUTH_USER_UNKNOWN]: 'unknown-user',
  [AUTH_STALE_NONCE]: 'stale-nonce',
  [AUTH_NO_CREDENTIALS]: 'no-credentials',
  [AUTH_NONCE_REUSED]: 'nonce-reused',
  [AUTH_USER_MISMATCH]: 'user-mismatch',
};

export type CredentialHeader = 'Authorization' | 'Proxy-Authorization';

/** Credentials a check took from the request, for consume-credentials and the -8 check. */
interface Taken {
  readonly header: CredentialHeader;
  readonly index: number;
  readonly credentials: Partial<DigestCredentials>;
}

interface MessageAuth {
  taken?: Taken;
  /** Set by auth-algorithm: the algorithm this message's challenges offer. */
  algorithm?: DigestHash;
}

const perMessage = new WeakMap<RouteContext, MessageAuth>();

function stateOf(ctx: RouteContext): MessageAuth {
  let state = perMessage.get(ctx);
  if (state === undefined) {
    state = {};
    perMessage.set(ctx, state);
  }
  return state;
}

/** The credentials the last check of this message took, if any. */
export function takenCredentials(ctx: RouteContext): Taken | undefined {
  return perMessage.get(ctx)?.taken;
}

/** Forgets the taken credentials (after consume-credentials removed them). */
export function forgetCredentials(ctx: RouteContext): void {
  const state = perMessage.get(ctx);
  if (state) state.taken = undefined;
}

export function setMessageAlgorithm(ctx: RouteContext, algorithm: DigestHash): void {
  stateOf(ctx).algorithm = algorithm;
}

/** Methods that are never challenged (an ACK has no reply; a CANCEL must keep its INVITE's CSeq). */
export function exempt(ctx: RouteContext): boolean {
  const method = ctx.request?.method;
  return method === 'ACK' || method === 'CANCEL' || method === 'PRACK';
}

export function stripRealm(host: AuthHost | undefined, realm: string): string {
  const prefix = host?.settings.realmPrefix ?? '';
  return prefix !== '' && realm.startsWith(prefix) ? realm.slice(prefix.length) : realm;
}

/** Credential headers looked at per request at most: a flood of them costs bounded work. */
const MAX_CREDENTIAL_FIELDS = 8;

/**
 * The first Digest credentials of `header` for `realm` (case-insensitive): their index among the header's
 * fields; 'none' when there are none, 'malformed' when a Digest value does not parse.
 */
export function findCredentials(
  ctx: RouteContext,
  header: CredentialHeader,
  realm: string | undefined,
): Taken | 'none' | 'malformed' {
  const values = ctx.msg.getFieldValues(header);
  const lowerRealm = realm?.toLowerCase();
  for (const [index, value] of values.slice(0, MAX_CREDENTIAL_FIELDS).entries()) {
    if (!/^\s*digest\b/i.test(value)) continue;
    const credentials = parseDigestCredentials(value);
    if (credentials === undefined) return 'malformed';
    if (lowerRealm === undefined || credentials.realm?.toLowerCase() === lowerRealm)
      return { header, index, credentials };
  }
  return 'none';
}

/** The credential header a method is checked with: REGISTER's Authorization, every other Proxy-Authorization. */
export function headerFor(ctx: RouteContext): CredentialHeader {
  return ctx.request?.method === 'REGISTER' ? 'Authorization' : 'Proxy-Authorization';
}

/** The username of credentials split as Kamailio does: user, and the domain after '@' if any. */
export function splitUsername(username: string): { user: string; domain: string | undefined } {
  const at = username.indexOf('@');
  return at < 0
    ? { user: username, domain: undefined }
    : { user: username.slice(0, at), domain: username.slice(at + 1) };
}

/** The extra-check bits for this request (REGISTER, in-dialog, or out-of-dialog). */
function checksFor(ctx: RouteContext, settings: AuthSettings): number {
  const request = ctx.request;
  if (request?.method === 'REGISTER') return settings.checksRegister;
  return request?.to?.tag ? settings.checksInDialog : settings.checksNoDialog;
}

/** The request's values of the extra checks `checks`, as the nonce seals them. */
function checkData(ctx: RouteContext, checks: number): string {
  const parts: string[] = [];
  if (checks & NONCE_CHECK_RURI) parts.push(ctx.originalUri ?? '');
  if (checks & NONCE_CHECK_CALL_ID) parts.push(ctx.msg.callId);
  if (checks & NONCE_CHECK_FROM_TAG) parts.push(ctx.msg.from?.tag ?? '');
  if (checks & NONCE_CHECK_SOURCE_IP) parts.push(ctx.source.remote.address);
  return parts.join('\n');
}

/** What a verification needs of the password: the HA1 for the credentials' hash, or why there is none. */
export type Ha1Lookup = (
  credentials: DigestCredentials,
  hash: DigestHash,
) => string | typeof AUTH_USER_UNKNOWN | typeof AUTH_ERROR;

export interface VerifyOptions {
  /** Method the response was computed with (the request's by default). */
  readonly method?: string;
  /** A failure does not spend the nonce-count (pv-* flag 32). */
  readonly keepNonceOnFailure?: boolean;
}

const NONCE_CODE: Record<Exclude<NonceVerdict, 'ok'>, number> = {
  forged: AUTH_ERROR,
  stale: AUTH_STALE_NONCE,
  reused: AUTH_NONCE_REUSED,
};

/**
 * Kamailio's pre_auth + check_response + post_auth: finds the request's credentials in `header` for
 * `realm`, checks them and their nonce, and compares the response with what the HA1 gives. A KEMI code.
 */
export function verifyCredentials(
  ctx: RouteContext,
  fnName: string,
  realm: string,
  header: CredentialHeader,
  lookup: Ha1Lookup,
  options: VerifyOptions = {},
): number {
  const host = ctx.host.auth;
  const request = ctx.request;
  if (host === undefined || request === undefined) {
    hostLog(
      ctx,
      'error',
      fnName,
      { ksr: fnName },
      host ? 'only a request has credentials' : 'this server has no auth service',
    );
    return AUTH_ERROR;
  }
  if (exempt(ctx)) return AUTH_OK;
  const found = findCredentials(ctx, header, stripRealm(host, realm));
  if (found === 'none') return AUTH_NO_CREDENTIALS;
  if (found === 'malformed') return AUTH_ERROR;
  stateOf(ctx).taken = found;
  const credentials = completeCredentials(found.credentials);
  const algorithm = digestAlgorithm(found.credentials.algorithm);
  if (credentials === undefined || algorithm === undefined) return AUTH_ERROR;
  const data = checkData(ctx, host.nonces.checksOf(credentials.nonce));
  const nc = credentials.qop === undefined ? undefined : credentials.nc;
  const spend = !options.keepNonceOnFailure;
  const verdict = host.nonces.verify(credentials.nonce, nc, data, spend);
  if (verdict !== 'ok') return NONCE_CODE[verdict];
  const ha1 = lookup(credentials, algorithm.hash);
  if (typeof ha1 === 'number') return ha1;
  const expected = digestResponse({
    algorithm,
    ha1,
    nonce: credentials.nonce,
    method: options.method ?? request.method,
    uri: credentials.uri,
    qop: credentials.qop,
    nc: credentials.nc,
    cnonce: credentials.cnonce,
    body: request.body,
  });
  if (!digestMatches(expected, credentials.response)) return AUTH_INVALID_PASSWORD;
  // The nonce-count is spent only now when a failure was not to spend it.
  if (!spend && host.nonces.verify(credentials.nonce, nc, data, true) !== 'ok') return AUTH_NONCE_REUSED;
  return AUTH_OK;
}

/** Counts a failed check for the tenant's metrics; returns the code. */
export function counted(ctx: RouteContext, code: number): number {
  const host = ctx.host.auth;
  if (code >= 0 || host === undefined) return code;
  const tenant = ctx.tenant ?? '(none)';
  const cause = FAILURE_CAUSE[code] ?? 'error';
  host.failures[tenant] ??= {};
  const counts = host.failures[tenant];
  counts[cause] = (counts[cause] ?? 0) + 1;
  return code;
}

/** Challenge flags (Kamailio's www_challenge / proxy_challenge). */
export const CHALLENGE_QOP_AUTH = 1;
export const CHALLENGE_QOP_AUTH_INT = 2;
export const CHALLENGE_NO_500 = 4;
export const CHALLENGE_STALE = 16;

/**
 * The challenge header values for `realm` (one per algorithm, sharing one nonce): Kamailio's layout,
 * `Digest realm="r", nonce="n"[, qop="auth"][, stale=true], algorithm=A`.
 */
export function challengeValues(ctx: RouteContext, host: AuthHost, realm: string, flags: number): string[] {
  const checks = checksFor(ctx, host.settings);
  const nonce = host.nonces.issue(checks, checkData(ctx, checks));
  const qop =
    flags & CHALLENGE_QOP_AUTH_INT ? ', qop="auth-int"' : flags & CHALLENGE_QOP_AUTH ? ', qop="auth"' : '';
  const stale = flags & CHALLENGE_STALE ? ', stale=true' : '';
  const chosen = perMessage.get(ctx)?.algorithm;
  const { settings } = host;
  const algorithms = chosen
    ? [chosen]
    : ((ctx.tenant === undefined ? undefined : settings.tenantAlgorithms.get(ctx.tenant)) ??
      settings.algorithms);
  return algorithms.map(
    (algorithm) => `Digest realm=${quote(realm)}, nonce="${nonce}"${qop}${stale}, algorithm=${algorithm}`,
  );
}
