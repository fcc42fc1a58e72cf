// The `auth` key: Kamailio's auth and auth_db module parameters for every tenant (digest nonces, the
// algorithms challenges offer, the subscriber store), with the defaults in brackets.
import { z } from 'zod';
import type { AuthSettings } from '../kemi/digest-auth.ts';
import { DEFAULT_NONCE_SETTINGS, type NonceSettings } from '../state/nonces.ts';

const checks = z.number().int().min(0).max(15).default(0);

/** Digest algorithms a challenge offers, one header each, in this order (SHA-256 first is RFC 8760's advice). */
export const authAlgorithms = z
  .array(z.enum(['MD5', 'SHA-256']))
  .min(1)
  .refine((list) => new Set(list).size === list.length, 'an algorithm is listed twice');

export const authSchema = z
  .object({
    /**
     * Seals the nonces; every server given the same secret accepts the others' nonces. Absent (and no
     * `secret_env`): made once and kept in `<data_dir>/auth-secret`, random per process without a data dir.
     */
    secret: z.string().min(16, 'a secret needs at least 16 characters').optional(),
    secret_env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name')
      .optional(),
    /** Seconds a nonce is valid [300]; an older one is stale (-4, challenge again with flag 16). */
    nonce_expire: z.number().int().min(1).max(86_400).default(DEFAULT_NONCE_SETTINGS.expireS),
    /** Seconds a nonce's time may lie in the future (a clock set back) [3]. */
    nonce_auth_max_drift: z.number().int().min(0).max(3600).default(DEFAULT_NONCE_SETTINGS.maxDriftS),
    /** Replay protection by nonce-count: a response must carry a higher nc than the last (-6) [true]. */
    nonce_count: z.boolean().default(DEFAULT_NONCE_SETTINGS.nonceCount),
    /** A response without nc is accepted once per nonce (-6 after) [false]. */
    one_time_nonce: z.boolean().default(DEFAULT_NONCE_SETTINGS.oneTimeNonce),
    /** Nonces tracked for replay protection [65 536]: 8 bytes each; an older one in flight turns stale. */
    nc_array_size: z.number().int().min(1).max(16_777_216).default(DEFAULT_NONCE_SETTINGS.trackedNonces),
    /** Algorithms every challenge offers, one header each, in this order [MD5]. */
    algorithms: authAlgorithms.default(['MD5']),
    /** Request parts sealed into the nonce (1 R-URI, 2 Call-ID, 4 From tag, 8 source IP) [0]. */
    checks_register: checks,
    checks_no_dlg: checks,
    checks_in_dlg: checks,
    /** Stripped from the front of realms (Kamailio's realm_prefix) ['']. */
    realm_prefix: z.string().max(64).default(''),
    /** Subscribers are looked up by username and domain (auth_db use_domain) [false: by username]. */
    use_domain: z.boolean().default(false),
    /** Subscribers per tenant [10 000]. */
    max_subscribers: z.number().int().min(0).max(10_000_000).default(10_000),
    /** Keep plaintext passwords beside the HA1s (any realm then works; anyone reading the db sees them) [false]. */
    store_passwords: z.boolean().default(false),
  })
  .strict()
  .refine((a) => a.secret === undefined || a.secret_env === undefined, {
    message: 'give secret or secret_env, not both',
    path: ['secret'],
  });

export type AuthConfig = z.infer<typeof authSchema>;

/** The defaults, as `auth` absent from the file. */
export const AUTH_DEFAULTS: AuthConfig = authSchema.parse({});

export function nonceSettings(a: AuthConfig): NonceSettings {
  return {
    expireS: a.nonce_expire,
    maxDriftS: a.nonce_auth_max_drift,
    nonceCount: a.nonce_count,
    oneTimeNonce: a.one_time_nonce,
    trackedNonces: a.nc_array_size,
  };
}

/** The settings, with the tenants' own algorithm lists (`tenants[].auth_algorithms`). */
export function authSettings(
  a: AuthConfig,
  tenants: readonly { name: string; auth_algorithms?: AuthConfig['algorithms'] }[],
): AuthSettings {
  return {
    algorithms: a.algorithms,
    tenantAlgorithms: new Map(
      tenants.flatMap((t) => (t.auth_algorithms ? [[t.name, t.auth_algorithms]] : [])),
    ),
    checksRegister: a.checks_register,
    checksNoDialog: a.checks_no_dlg,
    checksInDialog: a.checks_in_dlg,
    realmPrefix: a.realm_prefix,
    useDomain: a.use_domain,
  };
}
