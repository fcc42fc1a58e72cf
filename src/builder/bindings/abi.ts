// The canonical-ABI lowering of the WIT types the KSR contract uses, as seen from a guest core module
// (wasm32, utf8). Both SDK generators and the test host follow it; a type outside this table is a contract
// change that needs a new row here first.
import type { WitFunction } from '../../runtime/wit.ts';

/** WIT parameter types: a string is lowered to (ptr, len), the others to one i32. */
export type ParamKind = 'string' | 's32' | 'u32' | 'bool';
/** WIT result types: string and option<string> go through a return area (a trailing retptr param). */
export type ResultKind = 'none' | 's32' | 'u32' | 'bool' | 'string' | 'option<string>';

const PARAM_KINDS: readonly string[] = ['string', 's32', 'u32', 'bool'];
const RESULT_KINDS: readonly string[] = ['none', 's32', 'u32', 'bool', 'string', 'option<string>'];

/** Return-area layout (bytes): string = ptr@0 len@4; option<string> = tag(u8)@0 ptr@4 len@8. */
export const RETURN_AREA_SIZE = 12;
export const RETURN_AREA_ALIGN = 4;

export function paramKind(type: string, where: string): ParamKind {
  if (PARAM_KINDS.includes(type)) return type as ParamKind;
  throw new Error(
    `${where}: WIT parameter type '${type}' has no lowering yet; add it to src/builder/bindings/abi.ts`,
  );
}

export function resultKind(type: string, where: string): ResultKind {
  if (RESULT_KINDS.includes(type)) return type as ResultKind;
  throw new Error(
    `${where}: WIT result type '${type}' has no lowering yet; add it to src/builder/bindings/abi.ts`,
  );
}

export function usesReturnArea(kind: ResultKind): boolean {
  return kind === 'string' || kind === 'option<string>';
}

/** A function's parameters and result checked against the table, in declaration order. */
export interface LoweredFunction {
  readonly fn: WitFunction;
  readonly params: readonly { readonly name: string; readonly kind: ParamKind }[];
  readonly result: ResultKind;
}

export function lowerFunction(fn: WitFunction, where: string): LoweredFunction {
  return {
    fn,
    params: fn.params.map((p) => ({ name: p.name, kind: paramKind(p.type, `${where}.${fn.name}`) })),
    result: resultKind(fn.result, `${where}.${fn.name}`),
  };
}

/** Number of core i32 parameters of the lowered function, retptr included. */
export function flatParamCount(lowered: LoweredFunction): number {
  const params = lowered.params.reduce((n, p) => n + (p.kind === 'string' ? 2 : 1), 0);
  return params + (usesReturnArea(lowered.result) ? 1 : 0);
}
