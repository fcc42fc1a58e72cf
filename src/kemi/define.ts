// The shape of a KSR module: one table per WIT interface, as Kamailio declares one KEMI export table per
// module. A table only maps function names to implementations: names, parameters, results and docs come
// from wit/ksr.wit through the generated KSR_INTERFACES, so tsc refuses a table that lacks, misnames or
// mistypes a function. The same tables drive the canonical-ABI binding (runtime/) and the startup check
// against wit/ksr.wit.
import type { RouteContext } from './context.ts';
import { KSR_INTERFACES } from './generated/ksr.ts';

/** WIT types a KSR parameter can have. */
export type ParamType = 'string' | 's32';
/** WIT types a KSR function can return; 'none' is a function without result. */
export type ResultType = 'none' | 'string' | 's32' | 'bool' | 'option<string>';

/** The TypeScript value of a WIT type. Strings are byte strings: one char per octet of UTF-8. */
export type ValueOf<T> = T extends 'string'
  ? string
  : T extends 's32'
    ? number
    : T extends 'bool'
      ? boolean
      : T extends 'option<string>'
        ? string | undefined
        : // biome-ignore lint/suspicious/noConfusingVoidType: a function without result returns nothing.
          void;

export type Param = readonly [name: string, type: ParamType];
type ArgsOf<P extends readonly Param[]> = {
  -readonly [K in keyof P]: P[K] extends readonly [string, infer T] ? ValueOf<T> : never;
};

/** A function's WIT signature, as the generated KSR_INTERFACES states it. */
export interface KsrSignature {
  readonly params: readonly Param[];
  readonly result: ResultType;
}

/** The interfaces of the script world, by WIT name. */
export type InterfaceName = keyof typeof KSR_INTERFACES;
type Signatures<N extends InterfaceName> = (typeof KSR_INTERFACES)[N];

/**
 * The table of interface `N`: every WIT function, by its WIT name, with the arguments and result of its WIT
 * type. A function whose answer comes from a remote store (Redis) may answer a Promise of its result: the
 * server links it as a suspending import (docs/cluster.md); every other one answers at once.
 */
export type KsrTable<N extends InterfaceName> = {
  readonly [F in keyof Signatures<N>]: Signatures<N>[F] extends KsrSignature
    ? (
        ctx: RouteContext,
        ...args: ArgsOf<Signatures<N>[F]['params']>
      ) => ValueOf<Signatures<N>[F]['result']> | Promise<ValueOf<Signatures<N>[F]['result']>>
    : never;
};

export interface KsrFunction extends KsrSignature {
  /** WIT name, kebab-case (`sl-send-reply`). */
  readonly name: string;
  // biome-ignore lint/suspicious/noExplicitAny: the table is heterogeneous; KsrTable checks each entry.
  readonly impl: (ctx: RouteContext, ...args: any[]) => unknown;
}

export interface KsrModule {
  /** WIT interface name (`sl`); imported by guests as `kemi:ksr/<name>@<version>`. */
  readonly name: string;
  readonly functions: readonly KsrFunction[];
}

/** The KSR module of interface `name`, its signatures taken from the contract. */
export function defineModule<N extends InterfaceName>(name: N, table: KsrTable<N>): KsrModule {
  // tsc already refuses what is checked here; this names the mistake in a table built around the types.
  const signatures: Record<string, KsrSignature> | undefined = KSR_INTERFACES[name];
  if (!signatures) throw new Error(`wit/ksr.wit's world imports no interface '${name}'`);
  const functions = Object.entries(table).map(([fn, impl]): KsrFunction => {
    if (!Object.hasOwn(signatures, fn))
      throw new Error(`wit/ksr.wit's interface ${name} has no function '${fn}'`);
    const { params, result } = signatures[fn];
    // After x.exit / x.drop the route is over: later calls are ignored and answer their type's "no".
    const ignored = IGNORED[result];
    const run = impl as KsrFunction['impl'];
    const guarded = (ctx: RouteContext, ...args: unknown[]) =>
      ctx.answer.finished ? ignored : run(ctx, ...args);
    // `$rc`: the code the last function returning one gave (a bool as 1 / -1), as a native Kamailio
    // script's $rc holds the last action's.
    if (result === 's32')
      return {
        name: fn,
        params,
        result,
        impl: (ctx, ...args) => {
          // A function of a remote store answers a Promise (the guest suspends): $rc is set when it settles.
          const value = guarded(ctx, ...args);
          if (value instanceof Promise)
            return value.then((n: number) => {
              ctx.lastCode = n;
              return n;
            });
          ctx.lastCode = value as number;
          return value;
        },
      };
    if (result === 'bool')
      return {
        name: fn,
        params,
        result,
        impl: (ctx, ...args) => {
          const value = guarded(ctx, ...args);
          if (value instanceof Promise)
            return value.then((b: boolean) => {
              ctx.lastCode = b ? 1 : -1;
              return b;
            });
          ctx.lastCode = value ? 1 : -1;
          return value;
        },
      };
    return { name: fn, params, result, impl: guarded };
  });
  return { name, functions };
}

const IGNORED: Record<ResultType, unknown> = {
  none: undefined,
  string: '',
  s32: -1,
  bool: false,
  'option<string>': undefined,
};
