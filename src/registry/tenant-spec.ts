// A tenant as the registry sees it, made from the configuration: what it matches, its initial module, how
// many versions it keeps, and the sandbox settings its modules are compiled and run with: limits,
// capabilities, failure policy, circuit breaker, relay allow-list and defines.
import { htableSpecs } from '../config/htable-schema.ts';
import { type Config, type RegistrarConfig, registrarDefaults, type TenantConfig } from '../config/schema.ts';
import { DestinationAllowList } from '../router/destination-allow-list.ts';
import {
  DEFAULT_FAILURE_POLICY,
  DEFAULT_FAILURE_REPLY,
  type FailurePolicy,
} from '../router/failure-policy.ts';
import type { InvocationLimits, ModuleLimits } from '../runtime/index.ts';
import { reasonPhrase } from '../sip/index.ts';
import { DEFAULT_REGISTRAR, type HtableSpec, type RegistrarSettings } from '../state/index.ts';

/** N failed invocations within a window trip the breaker. */
export interface BreakerSettings {
  readonly failures: number;
  readonly windowMs: number;
}

export const DEFAULT_BREAKER: BreakerSettings = { failures: 20, windowMs: 60_000 };

export interface TenantSpec {
  readonly name: string;
  /** Listen specs (as written in `listen`) whose messages are this tenant's; empty: any socket. */
  readonly sockets: readonly string[];
  /** Request-URI hosts (`example.com`, `*.example.com`); empty: any domain. */
  readonly domains: readonly string[];
  /** Component imported as the first version when the store has none; undefined: none. */
  readonly module: string | undefined;
  readonly retain: number;
  /** How long a replaced version stays selectable for in-dialog requests that name it (0: off). */
  readonly dialogGraceMs: number;
  /** The bound of that period after the version was replaced, however long its transactions last. */
  readonly dialogGraceMaxMs: number;
  readonly capabilities: readonly string[] | undefined;
  readonly moduleLimits: Partial<ModuleLimits>;
  readonly invocationLimits: Partial<InvocationLimits>;
  /** What a failed route's message gets. */
  readonly failurePolicy: FailurePolicy;
  /** Undefined: no circuit breaker. */
  readonly breaker: BreakerSettings | undefined;
  /** Where the tenant's script may relay; undefined: anywhere (the implicit `default` tenant only). */
  readonly relayAllow: DestinationAllowList | undefined;
  /** The tenant's own defines (kx.get-def), over the top-level ones. */
  readonly defines: Readonly<Record<string, string>>;
  /** The tenant's htables by name (KSR.htable); their items belong to the tenant, not to a version. */
  readonly htables: Readonly<Record<string, HtableSpec>>;
  /** Expiry bounds and binding caps of the tenant's registrar. */
  readonly registrar: RegistrarSettings;
}

export const DEFAULT_TENANT = 'default';
/** One hour: a replaced version takes no in-dialog requests later than this (unless configured longer). */
export const DEFAULT_DIALOG_GRACE_MAX_MS = 3_600_000;

/**
 * A catch-all tenant with every default: the implicit `default` tenant of `serve` without tenants (the
 * operator's own route, which may relay anywhere, as the examples do), and a base for tests.
 */
export function catchAllTenant(name: string, over: Partial<TenantSpec> = {}): TenantSpec {
  return {
    name,
    sockets: [],
    domains: [],
    module: undefined,
    retain: 10,
    dialogGraceMs: 0,
    dialogGraceMaxMs: DEFAULT_DIALOG_GRACE_MAX_MS,
    capabilities: undefined,
    moduleLimits: {},
    invocationLimits: {},
    failurePolicy: DEFAULT_FAILURE_POLICY,
    breaker: DEFAULT_BREAKER,
    relayAllow: undefined,
    defines: {},
    htables: {},
    registrar: DEFAULT_REGISTRAR,
    ...over,
  };
}

/** The tenants of a configuration; without any, one catch-all `default` tenant running `config.module`. */
export function tenantSpecs(config: Config): TenantSpec[] {
  if (config.tenants.length === 0)
    return [
      catchAllTenant(DEFAULT_TENANT, {
        module: config.module,
        htables: htableSpecs(config.htables),
        registrar: registrarOf(config.registrar, undefined),
      }),
    ];
  return config.tenants.map((t) => specOf(t, config.registrar));
}

/** The tenant's registrar settings: its own keys over the top-level ones over the defaults. */
export function registrarOf(
  global: RegistrarConfig | undefined,
  own: RegistrarConfig | undefined,
): RegistrarSettings {
  const r = { ...registrarDefaults, ...defined(global ?? {}), ...defined(own ?? {}) };
  return {
    defaultExpires: r.default_expires,
    minExpires: r.min_expires,
    maxExpires: r.max_expires,
    maxContacts: r.max_contacts,
    maxBindings: r.max_bindings,
    minExpiresMode: r.min_expires_mode,
    methodFiltering: r.method_filtering,
    usePath: r.use_path,
  };
}

function specOf(t: TenantConfig, registrar: RegistrarConfig | undefined): TenantSpec {
  const l = t.limits ?? {};
  return {
    name: t.name,
    sockets: t.match.sockets,
    domains: t.match.domains.map((d) => d.toLowerCase()),
    module: t.module,
    retain: t.retain,
    dialogGraceMs: t.dialog_grace_s * 1000,
    dialogGraceMaxMs:
      (t.dialog_grace_max_s ?? Math.max(t.dialog_grace_s, DEFAULT_DIALOG_GRACE_MAX_MS / 1000)) * 1000,
    capabilities: t.capabilities,
    moduleLimits: defined({
      maxComponentBytes: l.max_component_bytes,
      maxMemoryBytes: l.max_memory_bytes,
      maxTableElements: l.max_table_elements,
    }),
    invocationLimits: defined({
      fuel: l.fuel,
      maxStringBytes: l.max_string_bytes,
      maxArgumentBytes: l.max_argument_bytes,
      maxKsrCalls: l.max_ksr_calls,
      maxLogBytes: l.max_log_bytes,
      deadlineMs: l.deadline_ms,
      jsFuel: l.js_fuel,
      jsDeadlineMs: l.js_deadline_ms,
      maxSuspended: l.max_suspended,
      jsMaxSuspended: l.js_max_suspended,
      asyncTimeoutMs: l.async_timeout_ms,
    }),
    failurePolicy: policyOf(t.failure_policy),
    breaker: t.circuit_breaker.enabled
      ? { failures: t.circuit_breaker.failures, windowMs: t.circuit_breaker.window_s * 1000 }
      : undefined,
    relayAllow: allowListOf(t),
    defines: t.defines,
    htables: htableSpecs(t.htables),
    registrar: registrarOf(registrar, t.registrar),
  };
}

function policyOf(p: TenantConfig['failure_policy']): FailurePolicy {
  if (p.mode !== 'fail-closed' || p.reply === undefined)
    return { mode: p.mode, reply: DEFAULT_FAILURE_REPLY };
  const { status, reason } = p.reply;
  return { mode: 'fail-closed', reply: { status, reason: reason ?? reasonPhrase(status) } };
}

function allowListOf(t: TenantConfig): DestinationAllowList {
  if (t.relay_allow === undefined) return DestinationAllowList.nowhere();
  const parsed = DestinationAllowList.parse(t.relay_allow);
  // The schema parsed it already: a failure here is a bug.
  if (!parsed.ok) throw new Error(`tenants.${t.name}.relay_allow: ${parsed.error}`);
  return parsed.value;
}

/** Drops undefined values, so spreading the result over the runtime defaults keeps them. */
function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
