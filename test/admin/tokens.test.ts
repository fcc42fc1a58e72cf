// Tokens from the configuration and the environment; every missing or weak one names what to set.
import { describe, expect, it } from 'vitest';
import { resolveTokens } from '../../src/admin/index.ts';
import type { TenantTokenConfig } from '../../src/admin/tokens.ts';
import type { AdminConfig } from '../../src/config/schema.ts';

const admin: AdminConfig = {
  listen: '127.0.0.1:0',
  operator_token_env: 'KEMI_WASM_ADMIN_TOKEN',
  max_upload_bytes: 1024,
  max_json_bytes: 1024,
  max_uploads_in_flight_per_tenant: 2,
  max_uploads_in_flight: 8,
};
const tenant = (over: Partial<TenantTokenConfig>): TenantTokenConfig => ({ name: 'acme', ...over });

describe('resolveTokens', () => {
  it('reads the operator token from the environment when the file has none', () => {
    const r = resolveTokens(admin, [], { KEMI_WASM_ADMIN_TOKEN: 'from-the-environment-123' });
    if (!r.ok) throw new Error(r.error);
    expect(r.value.lookup('from-the-environment-123')).toEqual({ kind: 'operator' });
    expect(r.value.lookup('something-else-entirely')).toBeUndefined();
  });

  it('names the key and the variable when no operator token is given', () => {
    expect(resolveTokens(admin, [], {})).toEqual({
      ok: false,
      error: 'admin.operator_token: set it, or the environment variable KEMI_WASM_ADMIN_TOKEN',
    });
  });

  it('refuses a short token from the environment', () => {
    const r = resolveTokens(admin, [], { KEMI_WASM_ADMIN_TOKEN: 'short' });
    expect(r).toEqual({ ok: false, error: 'KEMI_WASM_ADMIN_TOKEN: a token needs at least 16 characters' });
  });

  it('reads tenant tokens from the file or the environment', () => {
    const r = resolveTokens(
      { ...admin, operator_token: 'operator-token-0123456789' },
      [
        tenant({ name: 'acme', token: 'acme-token-0123456789' }),
        tenant({ name: 'beta', token_env: 'BETA_TOKEN' }),
      ],
      { BETA_TOKEN: 'beta-token-0123456789' },
    );
    if (!r.ok) throw new Error(r.error);
    expect(r.value.lookup('acme-token-0123456789')).toEqual({ kind: 'tenant', tenant: 'acme' });
    expect(r.value.lookup('beta-token-0123456789')).toEqual({ kind: 'tenant', tenant: 'beta' });
  });

  it('names an unset token variable', () => {
    const r = resolveTokens(
      { ...admin, operator_token: 'operator-token-0123456789' },
      [tenant({ token_env: 'ACME_TOKEN' })],
      {},
    );
    expect(r).toEqual({
      ok: false,
      error: 'tenants[0].token_env: the environment variable ACME_TOKEN is not set',
    });
  });

  it('refuses a token shared by two principals', () => {
    const r = resolveTokens({ ...admin, operator_token: 'operator-token-0123456789' }, [
      tenant({ token: 'operator-token-0123456789' }),
    ]);
    expect(r.ok).toBe(false);
  });
});
