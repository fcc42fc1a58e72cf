// Bearer tokens of the admin API: one operator token (every tenant, metrics) and optional tenant tokens
// (their own tenant only), from the configuration or the environment. Tokens are kept as SHA-256 digests
// and looked up by digest, so comparing never walks a secret character by character.
import { createHash } from 'node:crypto';
import type { AdminConfig, TenantConfig } from '../config/schema.ts';
import { err, ok, type Result } from '../result.ts';

/** What the tokens need of a tenant's configuration. */
export type TenantTokenConfig = Pick<TenantConfig, 'name' | 'token' | 'token_env'>;

export type Principal = { readonly kind: 'operator' } | { readonly kind: 'tenant'; readonly tenant: string };

/** The tokens, or which key or variable to set (a start-up message for the operator). */
export type TokenResult = Result<TokenTable, string>;

const MIN_LENGTH = 16;

export class TokenTable {
  readonly #byDigest = new Map<string, Principal>();

  add(token: string, principal: Principal): boolean {
    const key = digest(token);
    if (this.#byDigest.has(key)) return false;
    this.#byDigest.set(key, principal);
    return true;
  }

  lookup(token: string): Principal | undefined {
    return this.#byDigest.get(digest(token));
  }
}

/** Reads the tokens; a missing or short one is an error naming the key or variable to set. */
export function resolveTokens(
  admin: AdminConfig,
  tenants: readonly TenantTokenConfig[],
  env: NodeJS.ProcessEnv = process.env,
): TokenResult {
  const table = new TokenTable();
  const operator = admin.operator_token ?? env[admin.operator_token_env];
  if (!operator) {
    return err(`admin.operator_token: set it, or the environment variable ${admin.operator_token_env}`);
  }
  if (operator.length < MIN_LENGTH) {
    return err(`${admin.operator_token_env}: a token needs at least ${MIN_LENGTH} characters`);
  }
  table.add(operator, { kind: 'operator' });
  for (const [i, t] of tenants.entries()) {
    let token = t.token;
    if (token === undefined && t.token_env !== undefined) {
      token = env[t.token_env];
      if (!token) return err(`tenants[${i}].token_env: the environment variable ${t.token_env} is not set`);
      if (token.length < MIN_LENGTH) {
        return err(`${t.token_env}: a token needs at least ${MIN_LENGTH} characters`);
      }
    }
    if (token === undefined) continue;
    if (!table.add(token, { kind: 'tenant', tenant: t.name })) {
      return err(`tenants[${i}].token: the same token is already given to the operator or another tenant`);
    }
  }
  return ok(table);
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The principal's name as recorded in the store (`created by`, `activated by`). */
export function principalName(p: Principal): string {
  return p.kind === 'operator' ? 'operator' : `tenant:${p.tenant}`;
}

/** A name the client may add to "created by" (X-Kemi-User), e.g. the operator's login. */
const USER = /^[\w.@-]{1,64}$/;

/** Who an upload or activation is recorded as: the principal, with the client's user name when valid. */
export function recordedBy(principal: Principal, user: string | undefined): string {
  const name = principalName(principal);
  return user && USER.test(user) ? `${name}:${user}` : name;
}

export function canSee(p: Principal, tenant: string): boolean {
  return p.kind === 'operator' || p.tenant === tenant;
}
