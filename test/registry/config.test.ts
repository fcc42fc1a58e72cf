// The registry's configuration keys: tenants, admin, data_dir, unmatched; each mistake names its key.
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import { tenantSpecs } from '../../src/registry/index.ts';

const ok = (raw: unknown) => {
  const r = validateConfig(raw);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};
const error = (raw: unknown) => {
  const r = validateConfig(raw);
  if (r.ok) throw new Error('expected a refusal');
  return r.error;
};

describe('config', () => {
  it('without tenants, one catch-all default tenant runs the configured module', () => {
    const config = ok({ module: 'x.wasm' });
    expect(config.warnings).toEqual([]);
    expect(config.admin).toBeUndefined();
    expect(config.data_dir).toBeUndefined();
    expect(config.unmatched).toEqual({ reply: 404 });
    expect(tenantSpecs(config)).toEqual([
      expect.objectContaining({ name: 'default', sockets: [], domains: [], module: 'x.wasm', retain: 10 }),
    ]);
  });

  it("takes 'route', the old name of 'module', with a warning naming the new key; both at once is an error", () => {
    const config = ok({ route: 'x.wasm' });
    expect(config.warnings).toEqual(["config: 'route' is deprecated: rename it 'module'"]);
    expect(tenantSpecs(config)[0].module).toBe('x.wasm');
    const tenants = ok({
      tenants: [
        { name: 'a', match: { domains: ['a.example'] } },
        { name: 'b', route: 'b.wasm' },
      ],
    });
    expect(tenants.warnings).toEqual([
      "config: 'tenants[1].route' is deprecated: rename it 'tenants[1].module'",
    ]);
    expect(tenantSpecs(tenants).map((t) => t.module)).toEqual([undefined, 'b.wasm']);
    expect(error({ route: 'x.wasm', module: 'y.wasm' })).toBe(
      "config: route: give 'module' only ('route' is its old name)",
    );
    expect(error({ tenants: [{ name: 'a', route: 'x.wasm', module: 'y.wasm' }] })).toBe(
      "config: tenants[0].route: give 'module' only ('route' is its old name)",
    );
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
          module: 'acme.wasm',
          retain: 3,
          dialog_grace_s: 30,
          capabilities: ['sl', 'pv'],
          limits: {
            fuel: 1000,
            max_memory_bytes: 1 << 20,
            deadline_ms: 5,
            max_argument_bytes: 4096,
            js_max_suspended: 2,
          },
          failure_policy: { mode: 'fail-closed', reply: { status: 503, reason: 'Script Failed' } },
          circuit_breaker: { failures: 5, window_s: 10 },
          relay_allow: { hosts: ['*.carrier.example'], cidrs: ['192.0.2.0/24'], ports: [5060, '5080-5090'] },
          defines: { PRIMARY: 'sip:192.0.2.20' },
          htables: { ipban: { autoexpire: 300 }, calls: { max_items: 100, initval: 5 } },
          registrar: { max_contacts: 3, max_bindings: 500 },
        },
        { name: 'rest' },
      ],
      unmatched: { tenant: 'rest' },
      registrar: { default_expires: 600, max_bindings: 2000, sweep_interval_s: 5 },
    });
    expect(config.admin).toEqual({
      listen: '127.0.0.1:8060',
      operator_token: 'operator-token-0123456789',
      operator_token_env: 'KEMI_WASM_ADMIN_TOKEN',
      max_upload_bytes: 32 * 1024 * 1024,
      max_json_bytes: 16 * 1024,
      max_uploads_in_flight_per_tenant: 2,
      max_uploads_in_flight: 8,
    });
    const [acme, rest] = tenantSpecs(config);
    expect(acme).toEqual({
      name: 'acme',
      sockets: ['udp:127.0.0.1:5070'],
      domains: ['acme.example', '*.acme.example'],
      module: 'acme.wasm',
      retain: 3,
      dialogGraceMs: 30_000,
      dialogGraceMaxMs: 3_600_000,
      capabilities: ['sl', 'pv'],
      moduleLimits: { maxMemoryBytes: 1 << 20 },
      invocationLimits: { fuel: 1000, deadlineMs: 5, maxArgumentBytes: 4096, jsMaxSuspended: 2 },
      failurePolicy: { mode: 'fail-closed', reply: { status: 503, reason: 'Script Failed' } },
      breaker: { failures: 5, windowMs: 10_000 },
      relayAllow: expect.anything(),
      defines: { PRIMARY: 'sip:192.0.2.20' },
      htables: {
        ipban: {
          maxItems: 10_000,
          maxKeyBytes: 256,
          maxValueBytes: 1024,
          autoexpire: 300,
          initval: 0,
          nodeLocal: false,
        },
        calls: {
          maxItems: 100,
          maxKeyBytes: 256,
          maxValueBytes: 1024,
          autoexpire: 0,
          initval: 5,
          nodeLocal: false,
        },
      },
      registrar: {
        defaultExpires: 600,
        minExpires: 60,
        maxExpires: 86_400,
        maxContacts: 3,
        maxBindings: 500,
        minExpiresMode: 0,
        methodFiltering: 0,
        usePath: 0,
      },
    });
    expect(rest.registrar).toEqual({ ...acme.registrar, maxContacts: 10, maxBindings: 2000 });
    const hop = (host: string, port = 5060) => ({ proto: 'udp' as const, host, port });
    expect(acme.relayAllow?.check(hop('sbc.carrier.example', 5085))).toEqual({ ok: true });
    expect(acme.relayAllow?.check(hop('192.0.2.9'))).toEqual({ ok: true });
    expect(acme.relayAllow?.check(hop('192.0.2.9', 22))).toMatchObject({ ok: false });
    expect(rest).toMatchObject({ name: 'rest', sockets: [], domains: [], retain: 10, dialogGraceMs: 0 });
  });

  it('defaults: fail-closed 500, a breaker of 20 failures in 60 s, no relaying for a configured tenant', () => {
    const [rest] = tenantSpecs(ok({ tenants: [{ name: 'rest' }] }));
    expect(rest.failurePolicy).toEqual({
      mode: 'fail-closed',
      reply: { status: 500, reason: 'Server Internal Error' },
    });
    expect(rest.breaker).toEqual({ failures: 20, windowMs: 60_000 });
    expect(rest.relayAllow?.check({ proto: 'udp', host: '192.0.2.1', port: 5060 })).toEqual({
      ok: false,
      error: '192.0.2.1 is not in relay_allow: none: the tenant has no relay_allow',
    });
    expect(rest.defines).toEqual({});
    expect(rest.htables).toEqual({});
    // The implicit default tenant's htables are the top-level ones.
    expect(tenantSpecs(ok({ htables: { a: { autoexpire: 60 } } }))[0].htables).toEqual({
      a: {
        maxItems: 10_000,
        maxKeyBytes: 256,
        maxValueBytes: 1024,
        autoexpire: 60,
        initval: 0,
        nodeLocal: false,
      },
    });
    // The implicit tenant of `serve` without tenants relays anywhere.
    expect(tenantSpecs(ok({}))[0].relayAllow).toBeUndefined();
    const [open] = tenantSpecs(
      ok({
        tenants: [{ name: 'o', failure_policy: { mode: 'fail-open' }, circuit_breaker: { enabled: false } }],
      }),
    );
    expect(open.failurePolicy.mode).toBe('fail-open');
    expect(open.breaker).toBeUndefined();
    const [phrase] = tenantSpecs(
      ok({ tenants: [{ name: 'p', failure_policy: { mode: 'fail-closed', reply: { status: 480 } } }] }),
    );
    expect(phrase.failurePolicy.reply).toEqual({ status: 480, reason: 'Temporarily Unavailable' });
  });

  it('registrar: defaults, and expiry bounds that contradict each other name their key', () => {
    expect(tenantSpecs(ok({}))[0].registrar).toEqual({
      defaultExpires: 3600,
      minExpires: 60,
      maxExpires: 86_400,
      maxContacts: 10,
      maxBindings: 10_000,
      minExpiresMode: 0,
      methodFiltering: 0,
      usePath: 0,
    });
    // Kamailio's registrar parameters min_expires_mode, method_filtering and use_path: 0 or 1.
    const strict = tenantSpecs(ok({ registrar: { min_expires_mode: 1, method_filtering: 1, use_path: 1 } }));
    expect(strict[0].registrar).toMatchObject({ minExpiresMode: 1, methodFiltering: 1, usePath: 1 });
    expect(error({ registrar: { min_expires_mode: 2 } })).toMatch(/registrar\.min_expires_mode/);
    expect(ok({}).maxfwd).toEqual({ max_limit: 70 });
    expect(error({ maxfwd: { max_limit: 256 } })).toMatch(/maxfwd\.max_limit/);
    expect(error({ registrar: { min_expires: 100, max_expires: 50 } })).toMatch(
      /registrar\.min_expires: min_expires 100 is above max_expires 50/,
    );
    expect(error({ tenants: [{ name: 'a', registrar: { default_expires: 30 } }] })).toMatch(
      /tenants\[0\]\.registrar\.default_expires: default_expires 30 is not within min_expires 60/,
    );
    expect(error({ registrar: { max_contacts: 13 } })).toMatch(/registrar\.max_contacts/);
    expect(error({ tenants: [{ name: 'a', registrar: { sweep_interval_s: 1 } }] })).toMatch(
      /tenants\[0\]\.registrar/,
    );
  });

  it('the parsed config validates again unchanged (the serve command re-checks it with overrides)', () => {
    const config = ok({ tenants: [{ name: 'acme', module: 'a.wasm' }], admin: {} });
    const { warnings, ...raw } = config; // what serve re-checks: the file's keys, not what was said of them
    expect(warnings).toEqual([]);
    expect(ok(raw)).toEqual(config);
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
    expect(error({ module: 'x.wasm', tenants: [{ name: 'a' }] })).toMatch(/module: with tenants configured/);
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
    expect(error({ tenants: [{ name: 'a', failure_policy: { mode: 'retry' } }] })).toMatch(
      /tenants\[0\]\.failure_policy/,
    );
    expect(
      error({ tenants: [{ name: 'a', failure_policy: { mode: 'fail-closed', reply: { status: 200 } } }] }),
    ).toMatch(/tenants\[0\]\.failure_policy\.reply\.status/);
    expect(
      error({ tenants: [{ name: 'a', failure_policy: { mode: 'drop', reply: { status: 500 } } }] }),
    ).toMatch(/unknown key 'reply' in tenants\[0\]\.failure_policy/);
    expect(error({ tenants: [{ name: 'a', circuit_breaker: { failures: 0 } }] })).toMatch(
      /tenants\[0\]\.circuit_breaker\.failures/,
    );
    expect(
      error({ tenants: [{ name: 'a', relay_allow: { cidrs: ['10.0.0.0/8', '10.0.0.0/33'] } }] }),
    ).toMatch(/tenants\[0\]\.relay_allow: cidrs\[1\]: '10\.0\.0\.0\/33': the prefix length must be 0 to 32/);
    expect(error({ tenants: [{ name: 'a', relay_allow: { ports: ['5060-5000'] } }] })).toMatch(
      /tenants\[0\]\.relay_allow: ports\[0\]: '5060-5000' is not a range of ports/,
    );
    expect(error({ tenants: [{ name: 'a', relay_allow: { hosts: ['evil host'] } }] })).toMatch(
      /tenants\[0\]\.relay_allow: hosts\[0\]: 'evil host' is not a host name/,
    );
    expect(error({ tenants: [{ name: 'a', defines: { 'not-an-identifier': 'x' } }] })).toMatch(
      /tenants\[0\]\.defines/,
    );
    expect(error({ tenants: [{ name: 'a', htables: { 'bad name': {} } }] })).toMatch(
      /tenants\[0\]\.htables.*an htable name is letters, digits and "_"/,
    );
    expect(error({ tenants: [{ name: 'a', htables: { t: { size: 8 } } }] })).toMatch(
      /unknown key 'size' in tenants\[0\]\.htables\.t/,
    );
    expect(error({ tenants: [{ name: 'a', htables: { t: { max_items: 0 } } }] })).toMatch(
      /tenants\[0\]\.htables\.t\.max_items/,
    );
    expect(error({ tenants: [{ name: 'a', htables: { t: { initval: 2 ** 31 } } }] })).toMatch(
      /tenants\[0\]\.htables\.t\.initval/,
    );
    expect(error({ htables: { t: {} }, tenants: [{ name: 'a' }] })).toMatch(
      /htables: with tenants configured, declare each tenant its htables/,
    );
  });
});
