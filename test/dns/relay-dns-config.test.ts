// The [relay_dns] keys: their defaults, DNS servers as address or address:port, each mistake naming its key.
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import { dnsServersOf } from '../../src/dns/resolv-conf.ts';

describe('relay_dns', () => {
  it('defaults: the system resolvers, TTLs honoured up to an hour, failover on', () => {
    const r = validateConfig({ module: 'x.wasm' });
    if (!r.ok) throw new Error(r.error);
    expect(r.value.relay_dns).toEqual({
      servers: [],
      cache_ttl_ms: 3_600_000,
      negative_ttl_ms: 30_000,
      cache_entries: 1024,
      query_timeout_ms: 1000,
      timeout_ms: 4000,
      max_targets: 16,
      failover: true,
    });
    expect(dnsServersOf(r.value.relay_dns.servers)).toBeUndefined();
  });

  it('takes servers as address or address:port', () => {
    const r = validateConfig({
      module: 'x.wasm',
      relay_dns: { servers: ['192.0.2.53', '[2001:db8::53]:5353'] },
    });
    if (!r.ok) throw new Error(r.error);
    expect(dnsServersOf(r.value.relay_dns.servers)).toEqual([
      { address: '192.0.2.53', port: 53 },
      { address: '2001:db8::53', port: 5353 },
    ]);
  });

  it('refuses a server given by name, and an unknown key', () => {
    const named = validateConfig({ module: 'x.wasm', relay_dns: { servers: ['ns.example'] } });
    expect(named.ok ? 'accepted' : named.error).toMatch(
      /relay_dns\.servers\[0\]: 'ns\.example' is not an address/,
    );
    const unknown = validateConfig({ module: 'x.wasm', relay_dns: { try_naptr: true } });
    expect(unknown.ok ? 'accepted' : unknown.error).toMatch(/relay_dns/);
  });
});
