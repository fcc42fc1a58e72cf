// The linker: the KSR tables bound as host functions, per path. For the fast path it hands out the
// generated canonical-ABI functions (one factory per KSR function, generated on first use); for jco's glue it
// wraps the same tables in functions taking and returning JS strings, converting at that boundary. It also
// refuses to link a module that imports a function the tables lack or an interface the tenant lacks. Its
// caches (the factories, jco's compiled glue) live as long as it does: one linker per server.
import type { KsrFunction, KsrModule } from '../kemi/define.ts';
import type { CompiledModule, FastModule, JcoModule } from './engine.ts';
import {
  type BindingMode,
  type Factory,
  type HostFunction,
  type HostImpl,
  helpers,
  hostFactory,
} from './fast-binding.ts';
import { GlueCache } from './glue.ts';
import { HostLimitError } from './limits.ts';
import { type LoadError, loadError } from './load-error.ts';
import {
  FUEL_GLOBAL,
  FUEL_INIT_GLOBAL,
  MEMORY_EXHAUSTED_GLOBAL,
  RUNTIME_IMPORT,
  TICK_IMPORT,
} from './runtime-names.ts';
import type { Store } from './store.ts';
import { ksrPackage, qualifiedName, type WitFunction, type WitPackage } from './wit.ts';

const WIDE = /[^\0-\xff]/;

export interface LinkerOptions {
  /** The KSR contract the tables implement (wit/ksr.wit when absent). */
  readonly pkg?: WitPackage;
  /**
   * The KSR functions whose table implementation may answer with a Promise (its store is remote), each as
   * `'<interface>#<function>'` with the WIT names: `'registrar#lookup'`, `'htable#sht-inc'`. A module that
   * imports one of them runs its routes through JSPI (SuspendingRunner); every other module is linked and
   * run as if the set were empty.
   */
  readonly suspending?: ReadonlySet<string>;
}

/** The name LinkerOptions.suspending knows a KSR function by. */
export function suspendingName(iface: string, fn: string): string {
  return `${iface}#${fn}`;
}

export class Linker {
  readonly pkg: WitPackage;
  readonly suspending: ReadonlySet<string>;
  /** jco's glue compiled once per glue text, for the instances of jco-path modules. */
  readonly glue = new GlueCache();
  private readonly tables = new Map<string, Map<string, KsrFunction>>();
  private readonly factories = new Map<string, Factory>();

  constructor(modules: readonly KsrModule[], options: LinkerOptions = {}) {
    this.pkg = options.pkg ?? ksrPackage;
    this.suspending = options.suspending ?? new Set();
    for (const m of modules) this.tables.set(m.name, new Map(m.functions.map((f) => [f.name, f])));
  }

  /** Why `module` cannot be linked for a tenant granted `capabilities` (all when absent). */
  check(module: CompiledModule, capabilities: ReadonlySet<string> | undefined): LoadError | undefined {
    for (const { iface, fn } of module.meta.functions) {
      if (capabilities && !capabilities.has(iface)) {
        return loadError(
          'capability',
          `interface '${iface}' is not granted to this tenant (the module imports ${iface}.${fn})`,
        );
      }
      if (!this.tables.get(iface)?.has(fn) || !this.wit(iface, fn)) {
        return loadError(
          'import',
          `the server has no implementation of ${qualifiedName(this.pkg, iface)} function '${fn}'`,
        );
      }
    }
    const waits = this.suspendingImports(module);
    if (waits.length > 0 && module.path === 'jco') {
      // jco's glue: its JSPI mode is chosen when the glue is transpiled (before the server's tables are
      // known) and makes each route an async function of the glue's own. A JavaScript engine on the fast path
      // (componentize-js) waits as any fast-path guest does (SuspendingRunner, with its own pool bound).
      return loadError(
        'unsupported',
        `the module imports ${waits.map((w) => w.replace('#', '.')).join(', ')}, which may wait for a remote store (cluster), and a module on the jco path cannot wait in a KSR call on this server: keep that store embedded for this tenant, or use a guest the fast path runs (AssemblyScript, Rust, JavaScript)`,
      );
    }
    return undefined;
  }

  /** The functions `module` imports that may answer with a Promise (LinkerOptions.suspending names). */
  suspendingImports(module: CompiledModule): string[] {
    if (this.suspending.size === 0) return [];
    const names: string[] = [];
    for (const { iface, fn } of module.meta.functions) {
      const name = suspendingName(iface, fn);
      if (this.suspending.has(name)) names.push(name);
    }
    return names;
  }

  /**
   * Imports object for the guest's core module on the fast path, bound to `store`. `mode` applies to the
   * suspending functions only (the others are always 'sync'): 'suspending' for an instance whose routes are
   * called through WebAssembly.promising, 'unwaited' for one called directly.
   */
  fastImports(module: FastModule, store: Store, mode: BindingMode = 'sync'): WebAssembly.Imports {
    const imports: Record<string, Record<string, HostFunction | RuntimeImport | SuspendingImport>> = {};
    for (const { iface, fn } of module.bindings) {
      const own = mode !== 'sync' && this.suspending.has(suspendingName(iface, fn)) ? mode : 'sync';
      const key = `${iface}.${fn}/${own}`;
      let factory = this.factories.get(key);
      if (!factory) {
        factory = hostFactory(iface, this.wit(iface, fn) as WitFunction, own);
        this.factories.set(key, factory);
      }
      const impl = this.tables.get(iface)?.get(fn)?.impl as HostImpl;
      const moduleName = qualifiedName(this.pkg, iface);
      imports[moduleName] ??= {};
      const bound = factory(store, impl, helpers);
      imports[moduleName][fn] = own === 'suspending' ? new WebAssembly.Suspending(bound) : bound;
    }
    imports[RUNTIME_IMPORT] = runtimeImports(store);
    return imports as WebAssembly.Imports;
  }

  /** Imports object for jco's glue (`kemi:ksr/pv` -> { get, gete ... } in camelCase), bound to `store`. */
  jcoImports(module: JcoModule, store: Store): Record<string, Record<string, unknown>> {
    const imports: Record<string, Record<string, unknown>> = {};
    for (const key of module.importKeys) {
      const iface = key.slice(key.indexOf('/') + 1);
      const table = this.tables.get(iface);
      const object: Record<string, unknown> = {};
      for (const fn of this.pkg.interfaces.find((i) => i.name === iface)?.functions ?? []) {
        const entry = table?.get(fn.name);
        if (entry)
          object[camel(fn.name)] = jcoHostFunction(`${iface}.${fn.name}`, fn, entry.impl as HostImpl, store);
      }
      imports[key] = object;
    }
    return imports;
  }

  private wit(iface: string, fn: string): WitFunction | undefined {
    return this.pkg.interfaces.find((i) => i.name === iface)?.functions.find((f) => f.name === fn);
  }
}

type RuntimeImport = WebAssembly.Global | ((left: number) => number);
type SuspendingImport = WebAssembly.Suspending;

/** What the rewrite makes a core module import from `kemi:runtime`: the fuel globals and the checkpoint. */
export function runtimeImports(store: Store): Record<string, RuntimeImport> {
  const imports: Record<string, RuntimeImport> = {};
  if (store.fuelMode === 'import' && store.fuel) imports[FUEL_GLOBAL] = store.fuel;
  if (store.fuelInit) imports[FUEL_INIT_GLOBAL] = store.fuelInit;
  if (store.fuelMode) imports[TICK_IMPORT] = store.tick;
  if (store.memoryExhausted) imports[MEMORY_EXHAUSTED_GLOBAL] = store.memoryExhausted;
  return imports;
}

/** jco's JS name for a WIT function name: lower camel case. */
export function camel(name: string): string {
  // Each later word title-cased, as jco's heck does: `is-INVITE` is `isInvite`.
  const [first, ...rest] = name.split('-');
  return first.toLowerCase() + rest.map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()).join('');
}

/** A KSR function for jco's glue: JS strings in and out, byte strings for the table, same limits. */
function jcoHostFunction(
  where: string,
  fn: WitFunction,
  impl: HostImpl,
  S: Store,
): (...args: unknown[]) => unknown {
  const strings = fn.params.map((p) => p.type === 'string');
  const result = fn.result;
  const toText = (value: unknown): string => {
    if (typeof value !== 'string') {
      S.hostFault = where;
      throw S.raise(new TypeError(`${where} returned ${typeof value}, expected a string`));
    }
    if (value.length > S.maxString) {
      throw S.raise(
        new HostLimitError(
          'string',
          `${where}: result is ${value.length} bytes, above the ${S.maxString}-byte string limit`,
        ),
      );
    }
    if (WIDE.test(value)) {
      S.hostFault = where;
      throw S.raise(
        new TypeError(`${where} returned a string with a char above 0xFF: host strings must be byte strings`),
      );
    }
    return Buffer.from(value, 'latin1').toString('utf8');
  };
  return (...args: unknown[]) => {
    const c = ++S.calls;
    if (c > S.maxCalls || (c & 15) === 0) helpers.tick(S, where);
    for (let i = 0; i < strings.length; i++) {
      if (!strings[i]) continue;
      const bytes = Buffer.from(args[i] as string, 'utf8');
      if (bytes.length > S.maxString) helpers.tooLong(S, where, fn.params[i].name, bytes.length);
      S.argumentBytes += bytes.length;
      if (S.argumentBytes > S.maxArguments) helpers.tooMuch(S, where);
      args[i] = bytes.toString('latin1');
    }
    let r: unknown;
    try {
      r = (impl as (...a: unknown[]) => unknown)(S.ctx, ...args);
    } catch (e) {
      helpers.hostError(S, where, e);
    }
    switch (result) {
      case 's32':
        return (r as number) | 0;
      case 'bool':
        return !!r;
      case 'string':
        return toText(r);
      case 'option<string>':
        return r === undefined || r === null ? undefined : toText(r);
      default:
        return undefined;
    }
  };
}
