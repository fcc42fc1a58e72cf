// The dispatcher's configuration keys: Kamailio's defaults, a tenant's parameters over the top-level ones,
// destinations checked (a SIP URI each, within max_destinations_per_tenant), and the reply codes.
import { describe, expect, it } from 'vitest';
import { dispatcherSettings, parseReplyCodes } from '../../src/config/dispatcher-schema.ts';
import { validateConfig } from '../../src/config/load.ts';

const tenant = (dispatcher: object) => ({
  tenants: [{ name: 'acme', match: { domains: ['acme.example'] }, dispatcher }],
});

describe('dispatcher config', () => {
  it("defaults to Kamailio's parameters; a tenant overrides the top-level ones", () => {
    const r = validateConfig({
      dispatcher: { ds_probing_mode: 1 },
      ...tenant({ flags: 2, destinations: [] }),
    });
    if (!r.ok) throw new Error(r.error);
    const settings = dispatcherSettings(r.value.dispatcher, r.value.tenants[0].dispatcher);
    expect(settings).toMatchObject({
      flags: 2,
      forceDst: true,
      probingMode: 1,
      probingThreshold: 1,
      inactiveThreshold: 1,
      pingMethod: 'OPTIONS',
      pingFrom: 'sip:dispatcher@localhost',
      loadExpireMs: 7_200_000,
    });
    expect(r.value.dispatcher.ds_ping_interval).toBe(0);
  });

  it('refuses a destination that is not a SIP URI, and more destinations than the cap', () => {
    const bad = validateConfig(tenant({ destinations: [{ set: 1, uri: 'tel:+123' }] }));
    expect(!bad.ok && bad.error).toMatch(
      /tenants\[0\]\.dispatcher\.destinations\[0\]\.uri: expected a sip: or sips: URI/,
    );
    const many = validateConfig({
      dispatcher: { max_destinations_per_tenant: 1 },
      ...tenant({
        destinations: [
          { set: 1, uri: 'sip:10.0.0.1' },
          { set: 1, uri: 'sip:10.0.0.2' },
        ],
      }),
    });
    expect(!many.ok && many.error).toMatch(/max_destinations_per_tenant/);
  });

  it('reads ds_ping_reply_codes as Kamailio: codes 100-699 and classes 1-6, others dropped', () => {
    expect(parseReplyCodes('code=404;class=4;code=99;class=7; code = 488')).toEqual([404, 4, 488]);
    expect(validateConfig({ dispatcher: { ds_ping_reply_codes: 'codes=1' } }).ok).toBe(false);
  });
});
