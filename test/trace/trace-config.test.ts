// The `trace` section and tenants[].log_level: defaults, and each mistake named by its key.
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';

const tenants = [{ name: 'acme', module: 'a.wasm', log_level: 'debug' }];

describe('trace config', () => {
  it('is off by default, and takes a HEP collector, a scope and a tenant level', () => {
    const plain = validateConfig({ module: 'x.wasm' });
    expect(plain.ok && plain.value.trace).toEqual({
      scope: 'none',
      tenants: [],
      ring_size: 200,
      redact_bodies: false,
    });
    const full = validateConfig({
      tenants,
      trace: {
        scope: 'tenants',
        tenants: ['acme'],
        hep: { address: '[::1]:9060', tenant_tags: { acme: 'a' } },
      },
    });
    expect(full.ok && full.value.trace.hep).toEqual({
      address: '[::1]:9060',
      proto: 'udp',
      capture_id: 0,
      tenant_tags: { acme: 'a' },
      queue: 1000,
    });
    expect(full.ok && full.value.tenants[0].log_level).toBe('debug');
  });

  it('names the key of an unknown tenant, a collector without a port, a bad level', () => {
    const refused = (raw: object) => {
      const r = validateConfig(raw);
      return r.ok ? 'accepted' : r.error;
    };
    expect(refused({ tenants, trace: { scope: 'tenants', tenants: ['beta'] } })).toContain(
      'trace.tenants[0]',
    );
    expect(
      refused({ tenants, trace: { hep: { address: '127.0.0.1:9', tenant_tags: { beta: 'b' } } } }),
    ).toContain("no tenant is named 'beta'");
    expect(refused({ tenants, trace: { hep: { address: 'collector' } } })).toContain('trace.hep.address');
    expect(refused({ tenants: [{ name: 'acme', module: 'a.wasm', log_level: 'loud' }] })).toContain(
      'tenants[0].log_level',
    );
  });
});
