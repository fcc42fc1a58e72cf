// The component-model types the runtime reads out of a component's binary, and their WIT spelling, which is
// what the world check compares against wit/ksr.wit.

export type ValType =
  | { readonly kind: 'prim'; readonly name: string }
  | { readonly kind: 'option' | 'list'; readonly of: ValType }
  | { readonly kind: 'result'; readonly ok: ValType | undefined; readonly err: ValType | undefined }
  | { readonly kind: 'tuple'; readonly of: readonly ValType[] }
  | { readonly kind: 'record'; readonly fields: readonly (readonly [string, ValType])[] }
  | { readonly kind: 'variant'; readonly cases: readonly (readonly [string, ValType | undefined])[] }
  | { readonly kind: 'flags' | 'enum'; readonly names: readonly string[] }
  /** own/borrow handles, streams, futures, maps, fixed lists: never part of the KSR contract. */
  | { readonly kind: 'other'; readonly what: string };

export interface FuncType {
  readonly kind: 'func';
  readonly params: readonly { readonly name: string; readonly type: ValType }[];
  readonly result: ValType | undefined;
  readonly async: boolean;
}

export type Extern =
  | { readonly sort: 'func'; readonly type: FuncType | undefined }
  | { readonly sort: 'instance'; readonly type: InstanceType | undefined }
  | { readonly sort: 'type'; readonly def: ComponentType }
  | { readonly sort: 'component' | 'module' | 'value' };

export interface InstanceType {
  readonly kind: 'instance';
  readonly exports: ReadonlyMap<string, Extern>;
}

export type ComponentType =
  | { readonly kind: 'val'; readonly type: ValType }
  | FuncType
  | InstanceType
  | { readonly kind: 'component' | 'resource' | 'unknown' };

/** WIT text of a value type (`option<string>`), cut off past `budget` characters (types can be DAGs). */
export function witType(t: ValType, budget = 512): string {
  const out: string[] = [];
  let length = 0;
  const put = (s: string): boolean => {
    out.push(s);
    length += s.length;
    return length < budget;
  };
  const walk = (v: ValType | undefined): boolean => {
    if (v === undefined) return put('_');
    switch (v.kind) {
      case 'prim':
        return put(v.name);
      case 'option':
      case 'list':
        return put(`${v.kind}<`) && walk(v.of) && put('>');
      case 'result':
        if (!v.ok && !v.err) return put('result');
        return put('result<') && walk(v.ok) && (v.err ? put(', ') && walk(v.err) : true) && put('>');
      case 'tuple':
        return put('tuple<') && v.of.every((x, i) => (i ? put(', ') : true) && walk(x)) && put('>');
      case 'record':
        return (
          put('record { ') &&
          v.fields.every(([n, x], i) => (i ? put(', ') : true) && put(`${n}: `) && walk(x)) &&
          put(' }')
        );
      case 'variant':
        return (
          put('variant { ') &&
          v.cases.every(
            ([n, x], i) => (i ? put(', ') : true) && put(n) && (x ? put('(') && walk(x) && put(')') : true),
          ) &&
          put(' }')
        );
      case 'flags':
      case 'enum':
        return put(`${v.kind} { ${v.names.join(', ')} }`);
      case 'other':
        return put(v.what);
    }
  };
  if (!walk(t)) out.push('...');
  return out.join('');
}

/** `func(name: string) -> option<string>` */
export function witFunc(f: FuncType): string {
  const params = f.params.map((p) => `${p.name}: ${witType(p.type)}`).join(', ');
  return `${f.async ? 'async ' : ''}func(${params})${f.result ? ` -> ${witType(f.result)}` : ''}`;
}
