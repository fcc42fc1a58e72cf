// KSR auth: digest challenges and checks against a password the script gives (Kamailio's auth module,
// src/kemi/digest-auth.ts has the shared flow). A challenge is sent statefully when the request has a
// transaction, else statelessly, with Kamailio's header layout; its nonce needs no server state to verify.
import type { DigestHash } from '../sip/digest.ts';
import { computeHa1 } from '../sip/digest.ts';
import type { RouteContext } from './context.ts';
import { defineModule } from './define.ts';
import {
  AUTH_ERROR,
  AUTH_USER_MISMATCH,
  CHALLENGE_NO_500,
  type CredentialHeader,
  challengeValues,
  counted,
  exempt,
  findCredentials,
  forgetCredentials,
  headerFor,
  setMessageAlgorithm,
  splitUsername,
  stripRealm,
  takenCredentials,
  verifyCredentials,
} from './digest-auth.ts';
import { hostLog } from './host-log.ts';
import { lineBytes, pushReplyHeaders, replyFits } from './message-budget.ts';

/** pv-* flag 1: the password argument is an HA1 already. */
const PASSWORD_IS_HA1 = 1;
/** pv-* flag 32: a failed check does not spend the nonce-count. */
const KEEP_NONCE_ON_FAILURE = 32;

type Kind = 'www' | 'proxy';

const CHALLENGE: Record<Kind, { status: number; reason: string; header: string }> = {
  www: { status: 401, reason: 'Unauthorized', header: 'WWW-Authenticate' },
  proxy: { status: 407, reason: 'Proxy Authentication Required', header: 'Proxy-Authenticate' },
};

/** Kamailio's auth_challenge_helper: 1 sent; -2 no challenge (500 unless flag 4); -3 not sent. */
function challenge(ctx: RouteContext, fnName: string, kind: Kind, realm: string, flags: number): number {
  const host = ctx.host.auth;
  const { status, reason, header } = CHALLENGE[kind];
  const refuse = (why: string) => {
    hostLog(ctx, 'error', fnName, { ksr: fnName }, why);
    if (!(flags & CHALLENGE_NO_500) && ctx.request && ctx.request.method !== 'ACK')
      ctx.host.sendReply(ctx, 500, 'Internal Server Error');
    return -2;
  };
  if (host === undefined) return refuse('this server has no auth service');
  if (!ctx.request || ctx.request.method === 'ACK')
    return refuse('only a request other than ACK can be challenged');
  const stripped = stripRealm(host, realm);
  if (stripped === '' || /[\r\n\0]/.test(stripped))
    return refuse('the realm is empty or holds CR, LF or NUL');
  const lines = challengeValues(ctx, host, stripped, flags).map((value) => [header, value] as const);
  const bytes = lines.reduce((n, [name, value]) => n + lineBytes(name, value), 0);
  // A realm as long as the reply may be is refused here, at the edit, as every reply header is.
  if (!replyFits(ctx, fnName, lines.length, bytes)) return -2;
  pushReplyHeaders(ctx, lines);
  return ctx.host.sendReply(ctx, status, reason) ? 1 : -3;
}

/** The HA1 of `passwd` for the credentials (or `passwd` itself with flag 1). */
function passwordLookup(passwd: string, flags: number) {
  return (credentials: { username: string; realm: string }, hash: DigestHash) =>
    flags & PASSWORD_IS_HA1
      ? passwd.toLowerCase()
      : computeHa1(hash, credentials.username, credentials.realm, passwd);
}

function pvAuthenticate(
  ctx: RouteContext,
  fnName: string,
  realm: string,
  passwd: string,
  flags: number,
  header: CredentialHeader,
): number {
  return verifyCredentials(ctx, fnName, realm, header, passwordLookup(passwd, flags), {
    keepNonceOnFailure: (flags & KEEP_NONCE_ON_FAILURE) !== 0,
  });
}

/** pv_auth_check's identity check: the auth user is the To user (REGISTER) or the From user. */
function userMatches(ctx: RouteContext): boolean {
  const taken = takenCredentials(ctx);
  if (taken?.credentials.username === undefined) return true;
  const { user } = splitUsername(taken.credentials.username);
  const uri = ctx.request?.method === 'REGISTER' ? ctx.msg.to?.uri : ctx.msg.from?.uri;
  const expected = uri === undefined ? undefined : /^sips?:([^@;?]*)@/i.exec(uri)?.[1];
  return expected === user;
}

export const auth = defineModule('auth', {
  'consume-credentials': (ctx) => {
    if (!ctx.request || exempt(ctx)) return -1;
    const taken = takenCredentials(ctx);
    if (taken === undefined) {
      hostLog(
        ctx,
        'error',
        'consume-credentials',
        { ksr: 'consume-credentials' },
        'no authorized credentials found (check them first)',
      );
      return -1;
    }
    if (!ctx.msg.removeHeaderAt(taken.header, taken.index)) return -1;
    forgetCredentials(ctx);
    return 1;
  },
  'has-credentials': (ctx, realm) => {
    if (!ctx.request) return -1;
    const wanted = stripRealm(ctx.host.auth, realm);
    for (const header of ['Authorization', 'Proxy-Authorization'] as const) {
      const found = findCredentials(ctx, header, wanted);
      if (typeof found !== 'string') return 1;
    }
    return -1;
  },
  'www-challenge': (ctx, realm, flags) => challenge(ctx, 'www-challenge', 'www', realm, flags),
  'proxy-challenge': (ctx, realm, flags) => challenge(ctx, 'proxy-challenge', 'proxy', realm, flags),
  'auth-challenge': (ctx, realm, flags) =>
    challenge(ctx, 'auth-challenge', ctx.request?.method === 'REGISTER' ? 'www' : 'proxy', realm, flags),
  'pv-www-authenticate': (ctx, realm, passwd, flags) =>
    counted(ctx, pvAuthenticate(ctx, 'pv-www-authenticate', realm, passwd, flags, 'Authorization')),
  'pv-proxy-authenticate': (ctx, realm, passwd, flags) =>
    counted(ctx, pvAuthenticate(ctx, 'pv-proxy-authenticate', realm, passwd, flags, 'Proxy-Authorization')),
  'pv-auth-check': (ctx, realm, passwd, flags, checks) => {
    const code = pvAuthenticate(ctx, 'pv-auth-check', realm, passwd, flags, headerFor(ctx));
    if (code === 1 && checks === 1 && !exempt(ctx) && !userMatches(ctx))
      return counted(ctx, AUTH_USER_MISMATCH);
    return counted(ctx, code);
  },
  'auth-algorithm': (ctx, algorithm) => {
    const name = algorithm.toUpperCase();
    if (name !== 'MD5' && name !== 'SHA-256') {
      hostLog(
        ctx,
        'error',
        'auth-algorithm',
        { ksr: 'auth-algorithm' },
        `unsupported algorithm '${algorithm.slice(0, 32)}' (MD5, SHA-256)`,
      );
      return AUTH_ERROR;
    }
    setMessageAlgorithm(ctx, name);
    return 1;
  },
});
