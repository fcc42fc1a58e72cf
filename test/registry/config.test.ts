// The registry's configuration keys: tenants, admin, data_dir, unmatched; each mistake names its key.
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import { tenantSpecs } from '../../src/registry/index.ts';

const ok = (raw: unknown) => {
  const r = validateConfig(raw);
  if (!r.ok) throw new Error(r.error);
  return r.config;
};
const error = (raw: unknown) => {
  const r = validateConfig(raw);
  if (r.ok) throw new Error('expected a refusal');
  return r.error;
};

describe('config', () => {
  it('without tenants, one catch-all default tenant runs the configured route', () => {
    const config = ok({ route: 'x.wasm' });
    expect(config.admin).toBeUndefined();
    expect(config.data_dir).toBeUndefined();
    expect(config.unmatched).toEqual({ reply: 404 });
    expect(tenantSpecs(config)).toEqual([
      expect.objectContaining({ name: 'default', sockets: [], domains: [], route: 'x.wasm', retain: 10 }),
    ]);
  });

  it('reads tenants with matches, retention, grace, limits and capabilities', () => {
    const config = ok({
      listen: ['udp:127.0.0.1:5060', 'udp:127.0.0.1:5070'],
      data_dir: '/var/lib/kemi',
      admin: { operator_token: 'operator-token-0123456789' },
      tenants: [
        {
          name: 'acme',
          match: { sockets: ['udp:127.0.0.1:5070'], domains: ['Acme.example', '*.acme.example'] },
          route: 'acme.wasm',
          retain: 3,
          dialog_grace_s: 30,
          capabilities: ['sl', 'pv'],
          limits: { fuel: 1000, max_memory_bytes: 1 << 20, deadline_ms: 5 },
        },
        { name: 'rest' },
      ],
      unmatched: { tenant: 'rest' },
    });
    expect(config.admin).toEqual({
      listen: '127.0.0.1:8060',
      operator_token: 'operator-token-0123456789',
      operator_token_env: 'KEMI_WASM_ADMIN_TOKEN',
      max_upload_bytes: 32 * 1024 * 1024,
    });
    const [acme, rest] = tenantSpecs(config);
    expect(acme).toEqual({
      name: 'acme',
      sockets: ['udp:127.0.0.1:5070'],
      domains: ['acme.example', '*.acme.example'],
      route: 'acme.wasm',
      retain: 3,
      dialogGraceMs: 30_000,
      capabilities: ['sl', 'pv'],
      moduleLimits: { maxMemoryBytes: 1 << 20 },
      invocationLimits: { fuel: 1000, deadlineMs: 5 },
    });
    expect(rest).toMatchObject({ name: 'rest', sockets: [], domains: [], retain: 10, dialogGraceMs: 0 });
  });

  it('the parsed config validates again unchanged (the serve command re-checks it with overrides)', () => {
    const config = ok({ tenants: [{ name: 'acme', route: 'a.wasm' }], admin: {} });
    expect(ok(config)).toEqual(config);
  });

  it('names each mistake by key', () => {
    expect(error({ tenants: [{ name: 'Acme!' }] })).toMatch(
      /^config: tenants\[0\]\.name: expected lower-case/,
    );
    expect(error({ tenants: [{ name: 'a' }, { name: 'a', match: { domains: ['x'] } }] })).toMatch(
      /tenants\[1\]\.name: 'a' is taken/,
    );
    expect(error({ tenants: [{ name: 'a', match: { sockets: ['udp:127.0.0.1:9'] } }] })).toMatch(
      /tenants\[0\]\.match\.sockets\[0\]: udp:127\.0\.0\.1:9 is not one of the listen specs/,
    );
    expect(error({ tenants: [{ name: 'a' }, { name: 'b' }] })).toMatch(
      /tenants\[1\]\.match: tenant 'a' already matches every message/,
    );
    expect(error({ route: 'x.wasm', tenants: [{ name: 'a' }] })).toMatch(/route: with tenants configured/);
    expect(error({ tenants: [{ name: 'a' }], unmatched: { tenant: 'b' } })).toMatch(
      /unmatched\.tenant: no tenant is named 'b'/,
    );
    expect(error({ unmatched: { reply: 500 } })).toMatch(/unmatched/);
    expect(error({ admin: { operator_token: 'short' } })).toMatch(
      /admin\.operator_token: a token needs at least 16/,
    );
    expect(error({ admin: { listen: 'udp:1.2.3.4:5' } })).toMatch(/admin\.listen: expected HOST:PORT/);
    expect(error({ tenants: [{ name: 'a', retain: 0 }] })).toMatch(/tenants\[0\]\.retain/);
    expect(error({ tenants: [{ name: 'a', limits: { fule: 1 } }] })).toMatch(
      /unknown key 'fule' in tenants\[0\]\.limits/,
    );
    expect(error({ tenants: [{ name: 'a', token: 'acme-token-0123456789', token_env: 'X' }] })).toMatch(
      /tenants\[0\]\.token: give token or token_env, not both/,
    );
  });
});
