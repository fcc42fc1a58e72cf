// KSR auth_db: digest checks against the tenant's subscriber table (Kamailio's auth_db module over the
// subscriber store, src/state/subscriber-store.ts). The tenant is the route context's: a script names a
// table, never a tenant, so no check can reach another tenant's subscribers.

import { computeHa1 } from '../sip/digest.ts';
import { parseUri, utf8ToByteString } from '../sip/index.ts';
import { TABLE_NAME } from '../state/index.ts';
import type { RouteContext } from './context.ts';
import { defineModule } from './define.ts';
import {
  AUTH_ERROR,
  AUTH_OK,
  AUTH_USER_MISMATCH,
  AUTH_USER_UNKNOWN,
  type CredentialHeader,
  counted,
  type Ha1Lookup,
  headerFor,
  splitUsername,
  takenCredentials,
  verifyCredentials,
} from './digest-auth.ts';
import { hostLog } from './host-log.ts';

/** auth_check flag 1: the auth user must be the From (and To) user. */
const CHECK_ID = 1;
/** auth_check flag 2 (with 1): skip that check for requests that may carry an anonymous caller. */
const CHECK_SKIP_FORWARDED = 2;
const ANONYMOUS_METHODS = new Set(['INVITE', 'BYE', 'PRACK', 'UPDATE', 'MESSAGE']);

/** The subscriber lookup of the context's tenant and `table`, or undefined (logged) when it cannot run. */
function subscriberLookup(
  ctx: RouteContext,
  fnName: string,
  realm: string,
  table: string,
): Ha1Lookup | undefined {
  const host = ctx.host.auth;
  const tenant = ctx.tenant;
  if (host === undefined || tenant === undefined || !TABLE_NAME.test(table)) {
    const why =
      host === undefined
        ? 'this server has no auth service'
        : tenant === undefined
          ? 'the route has no tenant'
          : `table '${table.slice(0, 80)}' is not 1-64 letters, digits or "_"`;
    hostLog(ctx, 'error', fnName, { ksr: fnName }, why);
    return undefined;
  }
  return (credentials, hash) => {
    const { user, domain } = splitUsername(credentials.username);
    const lookupDomain = host.settings.useDomain ? (domain ?? realm) : undefined;
    const subscriber = host.subscribers.find(tenant, table, user, lookupDomain, realm);
    if (subscriber === undefined) return AUTH_USER_UNKNOWN;
    // A stored password works for any realm; a stored HA1 holds the subscriber's domain as realm.
    if (subscriber.password !== undefined)
      return computeHa1(hash, credentials.username, credentials.realm, utf8ToByteString(subscriber.password));
    if (hash === 'MD5') return domain === undefined ? subscriber.ha1 : subscriber.ha1b;
    return domain === undefined ? subscriber.ha1Sha256 : subscriber.ha1bSha256;
  };
}

function authenticate(
  ctx: RouteContext,
  fnName: string,
  realm: string,
  table: string,
  header: CredentialHeader,
): number {
  if (realm === '') {
    hostLog(ctx, 'error', fnName, { ksr: fnName }, 'the realm is empty');
    return AUTH_ERROR;
  }
  const lookup = subscriberLookup(ctx, fnName, realm, table);
  if (lookup === undefined) return AUTH_ERROR;
  return verifyCredentials(ctx, fnName, realm, header, lookup);
}

const userOf = (uri: string | undefined) => (uri === undefined ? undefined : parseUri(uri));

/** auth_check's identity checks (Kamailio's AUTH_CHECK_ID_F): 1, or -8, or -1 when a URI does not parse. */
function identityCheck(ctx: RouteContext, flags: number): number {
  const request = ctx.request;
  const taken = takenCredentials(ctx);
  if (!request || taken?.credentials.username === undefined) return AUTH_OK;
  const { user } = splitUsername(taken.credentials.username);
  const from = userOf(ctx.msg.from?.uri);
  if (from === undefined) return AUTH_ERROR;
  const method = request.method;
  const withTo = method === 'REGISTER' || method === 'PUBLISH';
  const to = withTo ? userOf(ctx.msg.to?.uri) : undefined;
  if (withTo && to === undefined) return AUTH_ERROR;
  const skip = (flags & CHECK_SKIP_FORWARDED) !== 0 && ANONYMOUS_METHODS.has(method);
  if (!skip && (withTo ? to : from)?.user !== user) return AUTH_USER_MISMATCH;
  if (!withTo || to === undefined) return AUTH_OK;
  const useDomain = ctx.host.auth?.settings.useDomain ?? false;
  if (from.user !== to.user || (useDomain && from.host !== to.host)) return AUTH_USER_MISMATCH;
  if (method === 'PUBLISH') {
    const ruri = request.parsedUri;
    if (ruri === undefined) return AUTH_ERROR;
    if (from.user !== ruri.user || (useDomain && from.host !== ruri.host)) return AUTH_USER_MISMATCH;
  }
  return AUTH_OK;
}

export const authDb = defineModule('auth-db', {
  'auth-check': (ctx, realm, table, flags) => {
    const method = ctx.request?.method;
    if (method === 'ACK' || method === 'CANCEL') return AUTH_OK;
    const code = authenticate(ctx, 'auth-check', realm, table, headerFor(ctx));
    if (code !== AUTH_OK || !(flags & CHECK_ID) || method === 'PRACK') return counted(ctx, code);
    return counted(ctx, identityCheck(ctx, flags));
  },
  'is-subscriber': (ctx, uri, table, flags) => {
    const parsed = parseUri(uri);
    const host = ctx.host.auth;
    if (
      parsed?.user === undefined ||
      host === undefined ||
      ctx.tenant === undefined ||
      !TABLE_NAME.test(table)
    )
      return -1;
    const domain = flags & 1 ? parsed.host : undefined;
    return host.subscribers.find(ctx.tenant, table, parsed.user, domain, parsed.host) ? 1 : -1;
  },
  'www-authenticate': (ctx, realm, table) =>
    counted(ctx, authenticate(ctx, 'www-authenticate', realm, table, 'Authorization')),
  // An empty realm is the From domain (Kamailio's proxy_authenticate).
  'proxy-authenticate': (ctx, realm, table) =>
    counted(
      ctx,
      authenticate(
        ctx,
        'proxy-authenticate',
        realm || (userOf(ctx.msg.from?.uri)?.host ?? ''),
        table,
        'Proxy-Authorization',
      ),
    ),
});
