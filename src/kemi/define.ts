// The shape of a KSR module: one table of functions per WIT interface, as Kamailio declares one KEMI
// export table per module. The same table drives the canonical-ABI binding (runtime/), the check against
// wit/ksr.wit, and the generated API docs.
import type { RouteContext } from './context.ts';

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

export interface KsrFunction {
  /** WIT name, kebab-case (`sl-send-reply`). */
  readonly name: string;
  readonly doc: string;
  readonly params: readonly Param[];
  readonly result: ResultType;
  // biome-ignore lint/suspicious/noExplicitAny: the table is heterogeneous; `fn` checks each entry.
  readonly impl: (ctx: RouteContext, ...args: any[]) => unknown;
}

export interface KsrModule {
  /** WIT interface name (`sl`); imported by guests as `kemi:ksr/<name>@<version>`. */
  readonly name: string;
  readonly doc: string;
  readonly functions: readonly KsrFunction[];
}

/** One KSR function; `impl`'s argument and result types follow from `params` and `result`. */
export function fn<const P extends readonly Param[], R extends ResultType>(
  name: string,
  doc: string,
  params: P,
  result: R,
  impl: (ctx: RouteContext, ...args: ArgsOf<P>) => ValueOf<R>,
): KsrFunction {
  // After x.exit / x.drop the route is over: later calls are ignored and answer their type's "no".
  const ignored = IGNORED[result];
  const guarded = (ctx: RouteContext, ...args: ArgsOf<P>) =>
    ctx.answer.finished ? ignored : impl(ctx, ...args);
  return { name, doc, params, result, impl: guarded };
}

const IGNORED: Record<ResultType, unknown> = {
  none: undefined,
  string: '',
  s32: -1,
  bool: false,
  'option<string>': undefined,
};

export function defineModule(name: string, doc: string, functions: KsrFunction[]): KsrModule {
  return { name, doc, functions };
}
