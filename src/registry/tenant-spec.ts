// A tenant as the registry sees it, made from the configuration: what it matches, its initial route, how
// many versions it keeps, and the sandbox settings its modules are compiled and run with.
import type { Config, TenantConfig } from '../config/schema.ts';
import type { InvocationLimits, ModuleLimits } from '../runtime/index.ts';

export interface TenantSpec {
  readonly name: string;
  /** Listen specs (as written in `listen`) whose messages are this tenant's; empty: any socket. */
  readonly sockets: readonly string[];
  /** Request-URI hosts (`example.com`, `*.example.com`); empty: any domain. */
  readonly domains: readonly string[];
  /** Component imported as the first version when the store has none; undefined: none. */
  readonly route: string | undefined;
  readonly retain: number;
  /** How long a replaced version stays selectable for in-dialog requests that name it (0: off). */
  readonly dialogGraceMs: number;
  readonly capabilities: readonly string[] | undefined;
  readonly moduleLimits: Partial<ModuleLimits>;
  readonly invocationLimits: Partial<InvocationLimits>;
}

export const DEFAULT_TENANT = 'default';

/** The tenants of a configuration; without any, one catch-all `default` tenant running `config.route`. */
export function tenantSpecs(config: Config): TenantSpec[] {
  if (config.tenants.length === 0) {
    return [
      {
        name: DEFAULT_TENANT,
        sockets: [],
        domains: [],
        route: config.route,
        retain: 10,
        dialogGraceMs: 0,
        capabilities: undefined,
        moduleLimits: {},
        invocationLimits: {},
      },
    ];
  }
  return config.tenants.map(specOf);
}

function specOf(t: TenantConfig): TenantSpec {
  const l = t.limits ?? {};
  return {
    name: t.name,
    sockets: t.match.sockets,
    domains: t.match.domains.map((d) => d.toLowerCase()),
    route: t.route,
    retain: t.retain,
    dialogGraceMs: t.dialog_grace_s * 1000,
    capabilities: t.capabilities,
    moduleLimits: defined({
      maxComponentBytes: l.max_component_bytes,
      maxMemoryBytes: l.max_memory_bytes,
      maxTableElements: l.max_table_elements,
    }),
    invocationLimits: defined({
      fuel: l.fuel,
      maxStringBytes: l.max_string_bytes,
      maxKsrCalls: l.max_ksr_calls,
      maxLogBytes: l.max_log_bytes,
      deadlineMs: l.deadline_ms,
    }),
  };
}

/** Drops undefined values, so spreading the result over the runtime defaults keeps them. */
function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
