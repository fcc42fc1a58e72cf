// The configuration file's schema: every key, its type and default, in one place. Errors name the key.
import { z } from 'zod';
import { parseDnsServer } from '../dns/resolv-conf.ts';
import { DEFAULT_MAXFWD_LIMIT } from '../kemi/maxfwd.ts';
import { DestinationAllowList } from '../router/destination-allow-list.ts';
import { DEFAULT_REGISTRAR } from '../state/registrar-settings.ts';
import { accSchema, tenantAccSchema } from './acc-schema.ts';
import { AUTH_DEFAULTS, authAlgorithms, authSchema } from './auth-schema.ts';
import { clusterSchema } from './cluster-schema.ts';
import { dialogSchema, tenantDialogSchema } from './dialog-schema.ts';
import { dispatcherSchema, tenantDispatcherSchema } from './dispatcher-schema.ts';
import { htablesSchema } from './htable-schema.ts';
import { logLimitSchema } from './log-limit-schema.ts';
import { memoryReleaseSchema } from './memory-release-schema.ts';
import { nathelperSchema } from './nathelper-schema.ts';
import { permissionsSchema } from './permissions-schema.ts';
import { pikeSchema } from './pike-schema.ts';
import { rtpengineSchema } from './rtpengine-schema.ts';
import { tlsSchema } from './tls-schema.ts';
import { definesSchema, tmSchema } from './tm-schema.ts';
import { traceSchema } from './trace-schema.ts';
import { transportSchema } from './transport-schema.ts';
import { workersRefusal, workersSchema } from './workers-schema.ts';

const listenSpec = z
  .string()
  .regex(
    /^(udp|tcp|tls|ws|wss):(\[[0-9A-Fa-f:.]+\]|[^:\s]+):\d{1,5}$/,
    'expected PROTO:HOST:PORT (udp, tcp, tls, ws, wss), e.g. udp:127.0.0.1:5060',
  );

/** Tenant names appear in URLs, metrics labels and log lines: keep them plain. */
export const tenantName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'expected lower-case letters, digits, "-" and "_" (1-63 characters)');

/** A request domain: an exact host name, or `*.example.com` for every subdomain of example.com. */
const domainPattern = z
  .string()
  .regex(/^(\*\.)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/, 'expected a host name or *.domain');

/** Bearer tokens are compared as secrets: refuse ones short enough to guess. */
const token = z.string().min(16, 'a token needs at least 16 characters');
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name');

/**
 * Per-tenant sandbox limits (runtime/limits.ts); absent keys keep the runtime's defaults (in brackets):
 * compile time max_component_bytes (32 MiB), max_memory_bytes (64 MiB), max_table_elements (100 000);
 * per invocation fuel (10 000 000), max_string_bytes (1 MiB), max_argument_bytes (4 MiB), max_ksr_calls
 * (10 000), max_log_bytes (64 KiB), deadline_ms (20: the thread's CPU time, checked inside guest code and at KSR
 * calls), js_fuel (2 000 000 000: fuel per invocation of a JavaScript guest, docs/guests.md), js_deadline_ms
 * (100: the deadline of a JavaScript guest's invocation), max_suspended (32: invocations of one version
 * under way at once when its KSR calls wait for a remote store; past it a request is answered 503),
 * js_max_suspended (4: the same for a JavaScript guest, whose instances hold ~10 MiB each),
 * async_timeout_ms (1000: the longest wait for one such call's answer; past it the call gets its failure
 * value). src/runtime/README.md "Async KSR calls".
 */
const tenantLimits = z
  .object({
    max_component_bytes: z.number().int().positive().optional(),
    max_memory_bytes: z.number().int().positive().optional(),
    max_table_elements: z.number().int().positive().optional(),
    fuel: z.number().int().positive().optional(),
    max_string_bytes: z.number().int().positive().optional(),
    max_argument_bytes: z.number().int().positive().optional(),
    max_ksr_calls: z.number().int().positive().optional(),
    max_log_bytes: z.number().int().nonnegative().optional(),
    deadline_ms: z.number().positive().optional(),
    js_fuel: z.number().int().positive().max(0x7fffffff).optional(),
    js_deadline_ms: z.number().positive().optional(),
    max_suspended: z.number().int().positive().optional(),
    js_max_suspended: z.number().int().positive().optional(),
    async_timeout_ms: z.number().positive().optional(),
  })
  .strict();

/** The reply of a fail-closed tenant whose route failed: a final, non-2xx status. */
const failureReply = z
  .object({
    status: z.number().int().min(300).max(699),
    /** Absent: the standard phrase of the status. */
    reason: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[^\r\n\0]*$/, 'a reason phrase holds no CR, LF or NUL')
      .optional(),
  })
  .strict();

/**
 * What happens to a message whose route failed (docs/sandbox.md has what each mode means per route):
 * fail-closed answers with `reply` (500 by default), fail-open runs the route again on the tenant's
 * previous good version (fail-closed with 500 when there is none), drop sends nothing.
 */
const failurePolicy = z
  .discriminatedUnion('mode', [
    z.object({ mode: z.literal('fail-closed'), reply: failureReply.optional() }).strict(),
    z.object({ mode: z.literal('fail-open') }).strict(),
    z.object({ mode: z.literal('drop') }).strict(),
  ])
  .default({ mode: 'fail-closed' });

/**
 * `failures` failed invocations of the active version within `window_s` seconds roll the tenant back to
 * its last good version (or make it fail-closed when there is none) until an operator activates one.
 */
const circuitBreaker = z
  .object({
    enabled: z.boolean().default(true),
    failures: z.number().int().min(1).max(10_000).default(20),
    window_s: z.number().positive().max(86_400).default(60),
  })
  .strict()
  .default({ enabled: true, failures: 20, window_s: 60 });

/** Where the tenant's script may relay: host names, CIDRs, ports (src/router/destination-allow-list.ts). */
const relayAllow = z
  .object({
    hosts: z.array(z.string().min(1)).optional(),
    cidrs: z.array(z.string().min(1)).optional(),
    ports: z.array(z.union([z.number(), z.string()])).optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    const parsed = DestinationAllowList.parse(spec);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
  });

/**
 * The registrar (KSR registrar, src/kemi/registrar.ts) of a tenant; absent keys take the top-level
 * `[registrar]` values, then the defaults (in brackets): default_expires (3600 s), min_expires (60 s; a
 * shorter non-zero expiry is raised to it), min_expires_mode (0; 1: a shorter one gets 423 instead),
 * max_expires (86 400 s; longer is cut), max_contacts (10 bindings per AoR; more gets 503), max_bindings
 * (10 000 bindings per tenant over all its tables; more gets 503), method_filtering (0; 1: lookup skips
 * bindings whose Allow lacks the method and answers -2 when only such are left), use_path (0; 1: the
 * REGISTER's Path is stored and lookup routes through it). The 0/1 keys are Kamailio's registrar parameters.
 */
const registrarSettings = z
  .object({
    default_expires: z.number().int().min(1).max(31_536_000).optional(),
    min_expires: z.number().int().min(0).max(31_536_000).optional(),
    max_expires: z.number().int().min(1).max(31_536_000).optional(),
    // A lookup forks to at most 12 branches (tm's MAX_BRANCHES).
    max_contacts: z.number().int().min(1).max(12).optional(),
    max_bindings: z.number().int().min(1).max(10_000_000).optional(),
    min_expires_mode: z.union([z.literal(0), z.literal(1)]).optional(),
    method_filtering: z.union([z.literal(0), z.literal(1)]).optional(),
    use_path: z.union([z.literal(0), z.literal(1)]).optional(),
  })
  .strict();

export type RegistrarConfig = z.infer<typeof registrarSettings>;

const logLevel = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);

const tenantSchema = z
  .object({
    name: tenantName,
    /**
     * Which messages are the tenant's: received on one of `sockets` (listen specs, as written in `listen`)
     * and/or addressed to one of `domains` (request-URI host). Both lists empty: every message (catch-all).
     */
    match: z
      .object({
        sockets: z.array(listenSpec).default([]),
        domains: z.array(domainPattern).default([]),
      })
      .strict()
      .default({ sockets: [], domains: [] }),
    /** Module (a component .wasm) imported as version 1 when the store holds no active version for the tenant. */
    module: z.string().min(1).optional(),
    /** How many versions the store keeps (the newest ones, plus the active one). */
    retain: z.number().int().min(1).max(1000).default(10),
    /** Seconds an old version stays loaded for in-dialog requests that name it; 0 turns dialog pinning off. */
    dialog_grace_s: z.number().nonnegative().default(0),
    /**
     * The grace period runs from the replaced version's last transaction; this bounds it after the
     * replacement (default: one hour, or dialog_grace_s when longer).
     */
    dialog_grace_max_s: z.number().positive().optional(),
    /** Admin API token that sees and changes only this tenant (or `token_env`: read from the environment). */
    token: token.optional(),
    token_env: envName.optional(),
    /** KSR interfaces (`pv`, `sl` ...) the tenant's modules may import; all of the world when absent. */
    capabilities: z.array(z.string().min(1)).optional(),
    limits: tenantLimits.optional(),
    failure_policy: failurePolicy,
    circuit_breaker: circuitBreaker,
    /** Relay destinations the tenant's script may use; absent: none (a configured tenant relays nowhere). */
    relay_allow: relayAllow.optional(),
    /** Defines only this tenant's scripts read (over the top-level `defines`). */
    defines: definesSchema,
    /** The tenant's htables (KSR.htable, $sht): its own, kept across versions (htable-schema.ts). */
    htables: htablesSchema,
    /** Registrar settings of this tenant (over the top-level `registrar`). */
    registrar: registrarSettings.optional(),
    /** Algorithms this tenant's challenges offer, in order (over `auth.algorithms`). */
    auth_algorithms: authAlgorithms.optional(),
    /** Accounting settings of this tenant (over the top-level `acc`; acc-schema.ts). */
    acc: tenantAccSchema.optional(),
    /** Dialog settings and profiles of this tenant (over the top-level `dialog`; dialog-schema.ts). */
    dialog: tenantDialogSchema.optional(),
    /** Dispatcher parameters and destination sets of this tenant (dispatcher-schema.ts). */
    dispatcher: tenantDispatcherSchema.optional(),
    /** Log level of this tenant's lines (its scripts' and the message trace's), over `log_level`. */
    log_level: logLevel.optional(),
  })
  .strict();

export type TenantConfig = z.infer<typeof tenantSchema>;

const adminSchema = z
  .object({
    /** HOST:PORT of the admin HTTP listener; loopback by default. */
    listen: z
      .string()
      .regex(/^(\[[0-9A-Fa-f:.]+\]|[^:\s[\]]+):\d{1,5}$/, 'expected HOST:PORT, e.g. 127.0.0.1:8060')
      .default('127.0.0.1:8060'),
    /** The operator token (everything, every tenant); else read from the variable `operator_token_env`. */
    operator_token: token.optional(),
    operator_token_env: envName.default('KEMI_WASM_ADMIN_TOKEN'),
    /** Uploads larger than this are refused before they are read to the end. */
    max_upload_bytes: z
      .number()
      .int()
      .positive()
      .default(32 * 1024 * 1024),
    /**
     * Bodies of every other route (activate's `{"version": N}`, ...) larger than this get 413 at once: a
     * token holder cannot make the server buffer megabytes for a few bytes of JSON.
     */
    max_json_bytes: z
      .number()
      .int()
      .positive()
      .default(16 * 1024),
    /** Uploads answered 429 beyond this many in flight (received, compiling or storing) per tenant ... */
    max_uploads_in_flight_per_tenant: z.number().int().positive().default(2),
    /** ... and in all: each one is a body in memory and a compile waiting. */
    max_uploads_in_flight: z.number().int().positive().default(8),
  })
  .strict();

export type AdminConfig = z.infer<typeof adminSchema>;

/** What happens to a message no tenant matches: another tenant takes it, or a stateless 403/404. */
const unmatchedSchema = z.union([
  z.object({ tenant: tenantName }).strict(),
  z.object({ reply: z.union([z.literal(403), z.literal(404)]) }).strict(),
]);

export type UnmatchedConfig = z.infer<typeof unmatchedSchema>;

/** The registrar defaults (src/state/registrar-settings.ts) in the configuration's words. */
export const registrarDefaults = {
  default_expires: DEFAULT_REGISTRAR.defaultExpires,
  min_expires: DEFAULT_REGISTRAR.minExpires,
  max_expires: DEFAULT_REGISTRAR.maxExpires,
  max_contacts: DEFAULT_REGISTRAR.maxContacts,
  max_bindings: DEFAULT_REGISTRAR.maxBindings,
  min_expires_mode: DEFAULT_REGISTRAR.minExpiresMode,
  method_filtering: DEFAULT_REGISTRAR.methodFiltering,
  use_path: DEFAULT_REGISTRAR.usePath,
};

export const configSchema = z
  .object({
    /** SIP listeners. */
    listen: z.array(listenSpec).min(1).default(['udp:127.0.0.1:5060', 'tcp:127.0.0.1:5060']),
    /**
     * Scripts may relay to the server's own listen addresses (a request injected that way looks to every
     * route as if the proxy sent it, and may loop). Off: such a relay is refused (-510, 403).
     */
    relay_to_self: z.boolean().default(false),
    /**
     * Resolution of relay destinations' host names, once per branch (RFC 3263: NAPTR, SRV, A/AAAA;
     * docs/dns.md): the DNS servers asked [/etc/resolv.conf's], the longest an answer is reused whatever
     * its TTL [3 600 000 ms], how long "no such name/record" is kept at most [30 000 ms], how many answers
     * are kept [1024], one query's timeout per server [1000 ms], one whole lookup's bound before the branch
     * fails [4000 ms], how many targets a name gives a branch [16], and failover to the next target on a
     * 503, a timeout or a transport error [on] (Kamailio's use_dns_failover).
     */
    relay_dns: z
      .object({
        servers: z
          .array(
            z.string().superRefine((spec, ctx) => {
              const parsed = parseDnsServer(spec);
              if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
            }),
          )
          .max(8)
          .default([]),
        cache_ttl_ms: z.number().int().nonnegative().max(86_400_000).default(3_600_000),
        negative_ttl_ms: z.number().int().nonnegative().max(86_400_000).default(30_000),
        cache_entries: z.number().int().nonnegative().max(1_000_000).default(1024),
        query_timeout_ms: z.number().int().positive().max(60_000).default(1000),
        timeout_ms: z.number().int().positive().max(60_000).default(4000),
        max_targets: z.number().int().min(1).max(64).default(16),
        failover: z.boolean().default(true),
      })
      .strict()
      .default({
        servers: [],
        cache_ttl_ms: 3_600_000,
        negative_ttl_ms: 30_000,
        cache_entries: 1024,
        query_timeout_ms: 1000,
        timeout_ms: 4000,
        max_targets: 16,
        failover: true,
      }),
    /** Domains that `is-myself` accepts besides the listen addresses. */
    domains: z.array(z.string().min(1)).default([]),
    /**
     * The module (a component .wasm) of the implicit `default` tenant when `tenants` is empty; the bundled
     * AssemblyScript example when absent.
     */
    module: z.string().min(1).optional(),
    log_level: logLevel.default('info'),
    /** Log lines as JSON (`json`), human-readable (`pretty`), or `auto`: pretty when stdout is a terminal. */
    log_format: z.enum(['auto', 'json', 'pretty']).default('auto'),
    /**
     * Longest a stop on SIGTERM/SIGINT may take, ms [10 000]: past it the server logs the stop step it was
     * still waiting for (and what held the process open) and exits with status 75 (src/shutdown.ts).
     */
    shutdown_timeout_ms: z.number().int().min(100).max(600_000).default(10_000),
    /**
     * Bounds on one SIP message, Kamailio's BUF_SIZE (src/sip/parse-limits.ts): `max_message_bytes` [65 535,
     * the most the transport receives] bounds a received message (larger: 513) and every script edit of the
     * request it routes or the reply it builds; `max_header_fields` [256] bounds the header fields of those
     * edits (the parser takes at most 128). An edit past either is refused where it is made (-1).
     */
    message_limits: z
      .object({
        max_message_bytes: z.number().int().min(1024).max(65_535).default(65_535),
        max_header_fields: z.number().int().min(32).max(4096).default(256),
      })
      .strict()
      .default({ max_message_bytes: 65_535, max_header_fields: 256 }),
    /** Rate limit of the log lines a peer can cause once per message (log-limit-schema.ts). */
    log_limit: logLimitSchema,
    /** The message trace: scope, recent-trace store, HEP export (trace-schema.ts). */
    trace: traceSchema,
    /** Transaction timers (Kamailio's tm parameters, in ms). */
    tm: tmSchema,
    /** TCP connection budgets and the message-completion timeout (transport-schema.ts). */
    transport: transportSchema,
    /** Certificates and CAs of TLS and WSS (docs/transports.md). */
    tls: tlsSchema,
    /** Values scripts read with kx.get-def / get-defn (Kamailio's `#!define`). */
    defines: definesSchema,
    /** Where module versions are stored (files + SQLite). Absent: versions live in memory until exit. */
    data_dir: z.string().min(1).optional(),
    /** SIP threads: 1 (one thread, the debugging mode), N, or "auto" (one per CPU); docs/workers.md [1]. */
    workers: workersSchema,
    /** When the serve process returns a load peak's memory to the system (memory-release-schema.ts). */
    memory_release: memoryReleaseSchema,
    /** The htables of the implicit `default` tenant when `tenants` is empty (htable-schema.ts). */
    htables: htablesSchema,
    /** The admin HTTP API; off when absent. */
    admin: adminSchema.optional(),
    /** Several nodes sharing deploys through Redis (cluster-schema.ts, docs/cluster.md); absent: one node. */
    cluster: clusterSchema.optional(),
    /**
     * The compile processes (uploads, and loading stored versions): `max_memory_mb` bounds each one's
     * resident memory, JS heap, WebAssembly and native memory together [1024]; past it the compile fails.
     * `idle_exit_s`: a compile process ends after this long without a job [30] (the next starts it again).
     */
    compile: z
      .object({
        max_memory_mb: z.number().int().min(256).max(65_536).optional(),
        idle_exit_s: z.number().min(0.1).max(86_400).optional(),
        /** Longest one compile (validation, fuel rewrite, compile) may take [60 000] ... */
        timeout_ms: z.number().int().min(1000).max(3_600_000).optional(),
        /** ... plus this per MiB of the component [10 000]: a 12 MiB JavaScript route gets ~3 min. */
        timeout_ms_per_mib: z.number().int().min(0).max(600_000).optional(),
      })
      .strict()
      .optional(),
    /** Tenants in match order (the first that matches takes the message). Empty: one catch-all `default`. */
    tenants: z.array(tenantSchema).default([]),
    unmatched: unmatchedSchema.default({ reply: 404 }),
    /**
     * Replies follow a Via `maddr` that names a multicast group (RFC 3261 18.2.2). Off: every reply goes to
     * the request's source, so a Via cannot steer replies to a third party (docs/sandbox.md).
     */
    multicast_replies: z.boolean().default(false),
    /**
     * Kamailio's maxfwd module parameter `max_limit` [70]: `process_maxfwd` caps a received Max-Forwards at
     * it before decrementing.
     */
    maxfwd: z
      .object({ max_limit: z.number().int().min(0).max(255).default(DEFAULT_MAXFWD_LIMIT) })
      .strict()
      .default({ max_limit: DEFAULT_MAXFWD_LIMIT }),
    /**
     * Kamailio's sanity module parameter `noreply` [0]: 1 keeps a failed check's reply for the script's
     * `sanity_reply` (or its own reply) instead of sending it.
     */
    sanity: z
      .object({ noreply: z.union([z.literal(0), z.literal(1)]).default(0) })
      .strict()
      .default({ noreply: 0 }),
    /**
     * Registrar settings of every tenant (each may override them), and how often expired bindings are swept
     * from the location store (`location.db` in data_dir; in memory without one) [60 s, 1000 at a time].
     */
    registrar: registrarSettings
      .extend({ sweep_interval_s: z.number().positive().max(86_400).optional() })
      .strict()
      .optional(),
    /** The permissions address tables (`addresses.db` in data_dir; in memory without one). */
    permissions: permissionsSchema,
    /** Flood detection (KSR.pike): Kamailio's parameters and the per-tenant cap. */
    pike: pikeSchema,
    /** Digest authentication and the subscriber store of every tenant (auth-schema.ts). */
    auth: authSchema.default(AUTH_DEFAULTS),
    /** NAT keepalive of registered contacts (KSR.nathelper; nathelper-schema.ts). */
    nathelper: nathelperSchema,
    /** The media relays of KSR rtpengine (rtpengine-schema.ts). */
    rtpengine: rtpengineSchema,
    /** Accounting (KSR acc): Kamailio's acc parameters and the per-tenant cap (acc-schema.ts, `acc.db`). */
    acc: accSchema,
    /** Dialog tracking (KSR dialog): Kamailio's dialog parameters, profiles and per-tenant caps. */
    dialog: dialogSchema,
    /** Load balancing (KSR dispatcher): Kamailio's parameters, probing, caps (dispatcher-schema.ts). */
    dispatcher: dispatcherSchema,
  })
  .strict()
  .superRefine((config, ctx) => {
    const threads = workersRefusal({
      workers: config.workers,
      listen: config.listen,
      dataDir: config.data_dir,
      htableTenants:
        config.tenants.length === 0
          ? Object.keys(config.htables).length > 0
            ? ['default']
            : []
          : config.tenants.filter((t) => Object.keys(t.htables).length > 0).map((t) => t.name),
      cluster: config.cluster !== undefined,
    });
    if (threads !== undefined) ctx.addIssue({ code: 'custom', path: ['workers'], message: threads });
    const names = new Set<string>();
    let catchAll: string | undefined;
    for (const [i, tenant] of config.tenants.entries()) {
      if (names.has(tenant.name)) {
        ctx.addIssue({ code: 'custom', path: ['tenants', i, 'name'], message: `'${tenant.name}' is taken` });
      }
      names.add(tenant.name);
      for (const [j, socket] of tenant.match.sockets.entries()) {
        if (!config.listen.includes(socket)) {
          ctx.addIssue({
            code: 'custom',
            path: ['tenants', i, 'match', 'sockets', j],
            message: `${socket} is not one of the listen specs (${config.listen.join(', ')})`,
          });
        }
      }
      if (tenant.dialog_grace_max_s !== undefined && tenant.dialog_grace_max_s < tenant.dialog_grace_s) {
        ctx.addIssue({
          code: 'custom',
          path: ['tenants', i, 'dialog_grace_max_s'],
          message: `dialog_grace_max_s ${tenant.dialog_grace_max_s} is below dialog_grace_s ${tenant.dialog_grace_s}`,
        });
      }
      const destinations = tenant.dispatcher?.destinations.length ?? 0;
      if (destinations > config.dispatcher.max_destinations_per_tenant) {
        ctx.addIssue({
          code: 'custom',
          path: ['tenants', i, 'dispatcher', 'destinations'],
          message: `${destinations} destinations pass dispatcher.max_destinations_per_tenant (${config.dispatcher.max_destinations_per_tenant})`,
        });
      }
      if (tenant.token && tenant.token_env) {
        ctx.addIssue({
          code: 'custom',
          path: ['tenants', i, 'token'],
          message: 'give token or token_env, not both',
        });
      }
      if (tenant.match.sockets.length + tenant.match.domains.length > 0) continue;
      if (catchAll !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['tenants', i, 'match'],
          message: `tenant '${catchAll}' already matches every message: give this one sockets or domains`,
        });
      }
      catchAll = tenant.name;
    }
    const expiryBounds = (r: RegistrarConfig | undefined, path: (string | number)[]) => {
      const merged = { ...registrarDefaults, ...config.registrar, ...r };
      if (merged.min_expires > merged.max_expires)
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'min_expires'],
          message: `min_expires ${merged.min_expires} is above max_expires ${merged.max_expires}`,
        });
      else if (merged.default_expires < merged.min_expires || merged.default_expires > merged.max_expires)
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'default_expires'],
          message: `default_expires ${merged.default_expires} is not within min_expires ${merged.min_expires} and max_expires ${merged.max_expires}`,
        });
    };
    expiryBounds(undefined, ['registrar']);
    for (const [i, tenant] of config.tenants.entries())
      if (tenant.registrar) expiryBounds(tenant.registrar, ['tenants', i, 'registrar']);
    if (config.tenants.length > 0 && config.module !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['module'],
        message: 'with tenants configured, give each tenant its module (tenants[].module)',
      });
    }
    if (config.tenants.length > 0 && Object.keys(config.htables).length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['htables'],
        message: 'with tenants configured, declare each tenant its htables (tenants[].htables)',
      });
    }
    // The implicit `default` tenant when none is configured.
    const known = config.tenants.length > 0 ? names : new Set(['default']);
    for (const [i, name] of config.trace.tenants.entries())
      if (!known.has(name))
        ctx.addIssue({
          code: 'custom',
          path: ['trace', 'tenants', i],
          message: `no tenant is named '${name}'`,
        });
    for (const name of Object.keys(config.trace.hep?.tenant_tags ?? {}))
      if (!known.has(name))
        ctx.addIssue({
          code: 'custom',
          path: ['trace', 'hep', 'tenant_tags', name],
          message: `no tenant is named '${name}'`,
        });
    if ('tenant' in config.unmatched && config.tenants.length > 0 && !names.has(config.unmatched.tenant)) {
      ctx.addIssue({
        code: 'custom',
        path: ['unmatched', 'tenant'],
        message: `no tenant is named '${config.unmatched.tenant}'`,
      });
    }
  });

/** A validated configuration, with what the operator should change in it (renamed keys). */
export type Config = z.infer<typeof configSchema> & { readonly warnings: readonly string[] };
