// The canonical ABI's flattening rules for the WIT types the KSR contract can use: what core signature a
// lowered import or lifted export has, and the layout of a return area. Used to verify a guest's core
// imports/exports and by the binding generator; the rules follow the component model's CanonicalABI.md.
import type { CoreValType, FuncSig } from './core-module.ts';

export type Flat = 'i32' | 'i64' | 'f32' | 'f64';

const MAX_FLAT_PARAMS = 16;
const MAX_FLAT_RESULTS = 1;

/** A WIT type the ABI rules here do not cover (records, variants, resources ...). */
export class UnsupportedTypeError extends Error {}

type Parsed = { name: string; args: Parsed[] };

function parse(text: string): Parsed {
  let pos = 0;
  const src = text.replace(/\s+/g, '');
  const node = (): Parsed => {
    const m = /^[a-z][a-z0-9-]*/.exec(src.slice(pos));
    if (!m) throw new UnsupportedTypeError(`cannot read WIT type '${text}'`);
    pos += m[0].length;
    const args: Parsed[] = [];
    if (src[pos] === '<') {
      pos++;
      args.push(node());
      while (src[pos] === ',') {
        pos++;
        args.push(node());
      }
      if (src[pos++] !== '>') throw new UnsupportedTypeError(`cannot read WIT type '${text}'`);
    }
    return { name: m[0], args };
  };
  const out = node();
  if (pos !== src.length) throw new UnsupportedTypeError(`cannot read WIT type '${text}'`);
  return out;
}

const PRIM_FLAT: Record<string, Flat> = {
  bool: 'i32',
  s8: 'i32',
  u8: 'i32',
  s16: 'i32',
  u16: 'i32',
  s32: 'i32',
  u32: 'i32',
  char: 'i32',
  s64: 'i64',
  u64: 'i64',
  f32: 'f32',
  f64: 'f64',
};

const PRIM_SIZE: Record<string, number> = {
  bool: 1,
  s8: 1,
  u8: 1,
  s16: 2,
  u16: 2,
  s32: 4,
  u32: 4,
  char: 4,
  s64: 8,
  u64: 8,
  f32: 4,
  f64: 8,
};

function flat(t: Parsed): Flat[] {
  const prim = PRIM_FLAT[t.name];
  if (prim && t.args.length === 0) return [prim];
  if ((t.name === 'string' && t.args.length === 0) || (t.name === 'list' && t.args.length === 1))
    return ['i32', 'i32'];
  if (t.name === 'option' && t.args.length === 1) return ['i32', ...flat(t.args[0])];
  throw new UnsupportedTypeError(`WIT type '${t.name}' is not supported by the canonical-ABI binding`);
}

function sizeAlign(t: Parsed): { size: number; align: number } {
  const prim = PRIM_SIZE[t.name];
  if (prim && t.args.length === 0) return { size: prim, align: prim };
  if (t.name === 'string' || t.name === 'list') return { size: 8, align: 4 };
  if (t.name === 'option') {
    const inner = sizeAlign(t.args[0]);
    const align = Math.max(1, inner.align);
    return { size: alignTo(alignTo(1, inner.align) + inner.size, align), align };
  }
  throw new UnsupportedTypeError(`WIT type '${t.name}' is not supported by the canonical-ABI binding`);
}

function alignTo(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}

export function flatten(witType: string): Flat[] {
  return flat(parse(witType));
}

/** Where an option's payload starts in memory (after the u8 tag, aligned to the payload). */
export function optionPayloadOffset(witType: string): number {
  const t = parse(witType);
  if (t.name !== 'option') throw new UnsupportedTypeError(`'${witType}' is not an option`);
  return alignTo(1, sizeAlign(t.args[0]).align);
}

export function returnArea(witType: string): { size: number; align: number } {
  return sizeAlign(parse(witType));
}

/** Core signature of an import lowered with `canon lower` (results that do not fit go through a retptr). */
export function loweredSignature(params: readonly string[], result: string): FuncSig & { retptr: boolean } {
  let flatParams: CoreValType[] = params.flatMap(flatten);
  const flatResults: CoreValType[] = result === 'none' ? [] : flatten(result);
  if (flatParams.length > MAX_FLAT_PARAMS) flatParams = ['i32'];
  if (flatResults.length > MAX_FLAT_RESULTS)
    return { params: [...flatParams, 'i32'], results: [], retptr: true };
  return { params: flatParams, results: flatResults, retptr: false };
}

/** Core signature of a function lifted with `canon lift` (results that do not fit are returned by pointer). */
export function liftedSignature(params: readonly string[], result: string): FuncSig {
  let flatParams: CoreValType[] = params.flatMap(flatten);
  let flatResults: CoreValType[] = result === 'none' ? [] : flatten(result);
  if (flatParams.length > MAX_FLAT_PARAMS) flatParams = ['i32'];
  if (flatResults.length > MAX_FLAT_RESULTS) flatResults = ['i32'];
  return { params: flatParams, results: flatResults };
}
