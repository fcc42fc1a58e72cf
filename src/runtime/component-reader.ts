// Reads a component binary's structure before any other tool sees it: the imports and exports with their
// types (for the world check), the core modules and canonical functions (for choosing the fast path), and
// the guard against component bombs. Everything is decoded in one linear pass with bounded recursion; the
// number of instances the component would create once flattened is bounded as it is read, so a small file
// that instantiates nested components exponentially is refused before jco's inliner would expand it.
import { BinaryFormatError, ByteReader, wasmLayer } from './byte-reader.ts';
import type { ComponentType, Extern, FuncType, InstanceType, ValType } from './component-types.ts';
import { skipComponentCoreType } from './core-module.ts';

export interface StructureLimits {
  /** Nesting of components, component types and instance types. */
  readonly maxDepth: number;
  /** Core and component instances the component would create, counted through nested instantiations. */
  readonly maxInstances: number;
  /** Core modules, counted through nested components. */
  readonly maxCoreModules: number;
}

export const defaultStructureLimits: StructureLimits = {
  maxDepth: 8,
  maxInstances: 1000,
  maxCoreModules: 100,
};

/** The component is well-formed so far but exceeds a structure limit. */
export class StructureLimitError extends Error {}

export type StringEncoding = 'utf8' | 'utf16' | 'latin1+utf16';

export interface CanonFunction {
  readonly op: 'lift' | 'lower';
  readonly encoding: StringEncoding;
  readonly async: boolean;
}

export interface ComponentInfo {
  readonly imports: readonly { readonly name: string; readonly extern: Extern }[];
  readonly exports: readonly { readonly name: string; readonly extern: Extern }[];
  /** Byte ranges of the top-level core modules, in definition order. */
  readonly coreModules: readonly { readonly start: number; readonly end: number }[];
  readonly nestedComponents: number;
  readonly componentInstances: number;
  readonly coreInstances: number;
  readonly canon: readonly CanonFunction[];
  /** Canonical built-ins other than lift/lower (resources, tasks, streams ...). */
  readonly otherCanon: number;
  readonly hasStart: boolean;
  /** Instances created when instantiated, nested instantiations multiplied out. */
  readonly instanceCount: number;
}

interface Scope {
  readonly parent: Scope | undefined;
  readonly types: ComponentType[];
  readonly funcs: (FuncType | undefined)[];
  readonly instances: (InstanceType | undefined)[];
  /** Instances one instantiation of each component in the index space creates. */
  readonly componentWeights: number[];
}

const PRIMS: Record<number, string> = {
  127: 'bool',
  126: 's8',
  125: 'u8',
  124: 's16',
  123: 'u16',
  122: 's32',
  121: 'u32',
  120: 's64',
  119: 'u64',
  118: 'f32',
  117: 'f64',
  116: 'char',
  115: 'string',
  100: 'error-context',
};

export function isComponent(bytes: Uint8Array): boolean {
  return wasmLayer(bytes) === 'component';
}

/** Throws BinaryFormatError (malformed or unsupported) or StructureLimitError (too deep, too many instances). */
export function readComponent(
  bytes: Uint8Array,
  limits: StructureLimits = defaultStructureLimits,
): ComponentInfo {
  return new ComponentReader(bytes, limits).read();
}

class ComponentReader {
  private readonly r: ByteReader;
  private readonly limits: StructureLimits;
  private coreModuleTotal = 0;
  private heaviest = 1;

  constructor(bytes: Uint8Array, limits: StructureLimits) {
    this.r = new ByteReader(bytes);
    this.limits = limits;
  }

  read(): ComponentInfo {
    const r = this.r;
    this.preamble(r);
    const scope = newScope(undefined);
    const info = {
      imports: [] as { name: string; extern: Extern }[],
      exports: [] as { name: string; extern: Extern }[],
      coreModules: [] as { start: number; end: number }[],
      nestedComponents: 0,
      componentInstances: 0,
      coreInstances: 0,
      canon: [] as CanonFunction[],
      otherCanon: 0,
      hasStart: false,
      instanceCount: 0,
    };
    info.instanceCount = this.body(r, scope, 0, info);
    return info;
  }

  private preamble(r: ByteReader): void {
    const at = r.pos;
    const head = r.take(8);
    if (head[0] !== 0 || head[1] !== 0x61 || head[2] !== 0x73 || head[3] !== 0x6d)
      r.fail('bad magic number', at);
    if (head[6] !== 1 || head[7] !== 0) r.fail('not a component (layer field)', at + 6);
    if (head[4] !== 0x0d || head[5] !== 0) {
      r.fail(
        `unsupported component binary version 0x${head[5].toString(16)}${head[4].toString(16).padStart(2, '0')}`,
        at + 4,
      );
    }
  }

  /** Reads sections up to r.end; returns the number of instances one instantiation creates. */
  private body(r: ByteReader, scope: Scope, depth: number, top: MutableInfo | undefined): number {
    let weight = 0;
    const add = (n: number, at: number): void => {
      weight += n;
      if (weight > this.limits.maxInstances) {
        throw new StructureLimitError(
          `the component would create more than ${this.limits.maxInstances} instances when instantiated (at byte ${at})`,
        );
      }
    };
    while (!r.done) {
      const sectionAt = r.pos;
      const id = r.u8();
      const s = r.sub(r.u32());
      switch (id) {
        case 0:
          s.pos = s.end;
          break;
        case 1:
          if (++this.coreModuleTotal > this.limits.maxCoreModules) {
            throw new StructureLimitError(
              `more than ${this.limits.maxCoreModules} core modules (at byte ${sectionAt})`,
            );
          }
          top?.coreModules.push({ start: s.pos, end: s.end });
          s.pos = s.end;
          break;
        case 2:
          for (let n = s.count(2); n > 0; n--) {
            const at = s.pos;
            coreInstance(s);
            add(1, at);
            if (top) top.coreInstances++;
          }
          break;
        case 3:
          for (let n = s.count(); n > 0; n--) skipComponentCoreType(s, depth + 1, this.limits.maxDepth);
          break;
        case 4: {
          if (depth + 1 > this.limits.maxDepth) {
            throw new StructureLimitError(
              `components nested deeper than ${this.limits.maxDepth} levels (at byte ${sectionAt})`,
            );
          }
          this.preamble(s);
          const w = this.body(s, newScope(scope), depth + 1, undefined);
          this.heaviest = Math.max(this.heaviest, w);
          scope.componentWeights.push(w);
          if (top) top.nestedComponents++;
          break;
        }
        case 5:
          for (let n = s.count(2); n > 0; n--) {
            const at = s.pos;
            this.instance(s, scope, (w) => add(w, at));
            if (top) top.componentInstances++;
          }
          break;
        case 6:
          for (let n = s.count(2); n > 0; n--) this.alias(s, scope);
          break;
        case 7:
          for (let n = s.count(); n > 0; n--) scope.types.push(this.defType(s, scope, depth));
          break;
        case 8:
          for (let n = s.count(); n > 0; n--) this.canon(s, scope, top);
          break;
        case 9:
          s.u32();
          for (let n = s.count(); n > 0; n--) s.u32();
          s.u32();
          if (top) top.hasStart = true;
          break;
        case 10:
          for (let n = s.count(2); n > 0; n--) {
            const name = nameAttributes(s);
            const extern = this.externType(s, scope);
            push(scope, extern, this.heaviest);
            top?.imports.push({ name, extern });
          }
          break;
        case 11:
          for (let n = s.count(3); n > 0; n--) {
            const name = nameAttributes(s);
            let extern = sortItem(s, scope);
            if (s.u8() === 1) extern = this.externType(s, scope);
            push(scope, extern, this.heaviest);
            top?.exports.push({ name, extern });
          }
          break;
        default:
          r.fail(`unsupported component section ${id}`, sectionAt);
      }
      if (!s.done) s.fail('section has trailing bytes');
    }
    return weight;
  }

  private instance(s: ByteReader, scope: Scope, add: (weight: number) => void): void {
    const at = s.pos;
    const tag = s.u8();
    if (tag === 0x00) {
      const c = s.u32();
      for (let n = s.count(2); n > 0; n--) {
        s.name();
        sortIndex(s);
      }
      add(1 + (scope.componentWeights[c] ?? this.heaviest));
      scope.instances.push(undefined);
    } else if (tag === 0x01) {
      const exports = new Map<string, Extern>();
      for (let n = s.count(2); n > 0; n--) {
        const name = nameAttributes(s);
        exports.set(name, sortItem(s, scope));
      }
      add(1);
      scope.instances.push({ kind: 'instance', exports });
    } else s.fail(`unsupported instance expression 0x${tag.toString(16)}`, at);
  }

  private alias(s: ByteReader, scope: Scope): void {
    const sort = readSort(s);
    const at = s.pos;
    const target = s.u8();
    if (target === 0x00) {
      const inst = scope.instances[s.u32()];
      const ext = inst?.exports.get(s.name());
      if (sort === 'func') scope.funcs.push(ext?.sort === 'func' ? ext.type : undefined);
      else if (sort === 'instance') scope.instances.push(ext?.sort === 'instance' ? ext.type : undefined);
      else if (sort === 'type') scope.types.push(ext?.sort === 'type' ? ext.def : UNKNOWN);
      else if (sort === 'component') scope.componentWeights.push(this.heaviest);
    } else if (target === 0x01) {
      s.u32();
      s.name();
    } else if (target === 0x02) {
      let outer: Scope | undefined = scope;
      for (let ct = s.u32(); ct > 0 && outer; ct--) outer = outer.parent;
      const idx = s.u32();
      if (!outer) s.fail('outer alias reaches past the outermost component', at);
      if (sort === 'type') scope.types.push(outer.types[idx] ?? UNKNOWN);
      else if (sort === 'component')
        scope.componentWeights.push(outer.componentWeights[idx] ?? this.heaviest);
    } else s.fail(`unsupported alias target 0x${target.toString(16)}`, at);
  }

  private canon(s: ByteReader, scope: Scope, top: MutableInfo | undefined): void {
    const at = s.pos;
    const op = s.u8();
    switch (op) {
      case 0x00: {
        if (s.u8() !== 0x00) s.fail('canon lift of a non-function', at);
        s.u32();
        const opts = canonOpts(s);
        const t = scope.types[s.u32()];
        scope.funcs.push(t?.kind === 'func' ? t : undefined);
        top?.canon.push({ op: 'lift', ...opts });
        return;
      }
      case 0x01: {
        if (s.u8() !== 0x00) s.fail('canon lower of a non-function', at);
        s.u32();
        top?.canon.push({ op: 'lower', ...canonOpts(s) });
        return;
      }
    }
    // Built-ins the KSR world never needs: decoded only to be skipped and counted.
    if (top) top.otherCanon++;
    switch (op) {
      case 0x02:
      case 0x03:
      case 0x04:
      case 0x0e:
      case 0x13:
      case 0x14:
      case 0x15:
      case 0x1a:
      case 0x1b:
        s.u32();
        return;
      case 0x05:
      case 0x0d:
      case 0x1e:
      case 0x1f:
      case 0x22:
      case 0x23:
      case 0x24:
      case 0x25:
      case 0x26:
      case 0x28:
        return;
      case 0x06:
      case 0x0c:
      case 0x29:
      case 0x2a:
      case 0x2b:
      case 0x2c:
      case 0x2d:
      case 0x42:
        s.u8();
        return;
      case 0x09:
        resultList(s, () => this.valType(s, scope));
        canonOpts(s);
        return;
      case 0x0a:
      case 0x0b:
        s.u8();
        s.u32();
        return;
      case 0x0f:
      case 0x10:
      case 0x16:
      case 0x17:
        s.u32();
        canonOpts(s);
        return;
      case 0x11:
      case 0x12:
      case 0x18:
      case 0x19:
        s.u32();
        s.u8();
        return;
      case 0x1c:
      case 0x1d:
        canonOpts(s);
        return;
      case 0x20:
      case 0x21:
        s.u8();
        s.u32();
        return;
      case 0x27:
        s.u32();
        s.u32();
        return;
      case 0x40:
        s.u8();
        s.u32();
        return;
      case 0x41:
        s.u8();
        s.u32();
        s.u32();
        return;
    }
    s.fail(`unsupported canonical function 0x${op.toString(16)}`, at);
  }

  private defType(s: ByteReader, scope: Scope, depth: number): ComponentType {
    if (depth + 1 > this.limits.maxDepth)
      throw new StructureLimitError(`types nested deeper than ${this.limits.maxDepth} levels`);
    const b = s.peek();
    if (b === 0x40 || b === 0x43) {
      s.u8();
      const params: { name: string; type: ValType }[] = [];
      for (let n = s.count(2); n > 0; n--) params.push({ name: s.name(), type: this.valType(s, scope) });
      const result = resultList(s, () => this.valType(s, scope));
      return { kind: 'func', params, result, async: b === 0x43 };
    }
    if (b === 0x41 || b === 0x42) {
      s.u8();
      const inner = newScope(scope);
      const exports = new Map<string, Extern>();
      for (let n = s.count(); n > 0; n--) {
        const at = s.pos;
        const tag = s.u8();
        if (tag === 0x00) skipComponentCoreType(s, depth + 2, this.limits.maxDepth);
        else if (tag === 0x01) inner.types.push(this.defType(s, inner, depth + 1));
        else if (tag === 0x02) this.alias(s, inner);
        else if (tag === 0x04 || (tag === 0x03 && b === 0x41)) {
          const name = nameAttributes(s);
          const extern = this.externType(s, inner);
          push(inner, extern, this.heaviest);
          if (tag === 0x04) exports.set(name, extern);
        } else
          s.fail(
            `unsupported ${b === 0x41 ? 'component' : 'instance'} type declaration 0x${tag.toString(16)}`,
            at,
          );
      }
      return b === 0x42 ? { kind: 'instance', exports } : { kind: 'component' };
    }
    if (b === 0x3f) {
      s.u8();
      s.u8();
      if (s.u8() === 0x01) s.u32();
      return { kind: 'resource' };
    }
    return { kind: 'val', type: this.defValType(s, scope) };
  }

  private defValType(s: ByteReader, scope: Scope): ValType {
    const at = s.pos;
    const code = s.u8();
    const prim = PRIMS[code];
    if (prim) return { kind: 'prim', name: prim };
    const opt = (): ValType | undefined => (s.u8() === 0x01 ? this.valType(s, scope) : undefined);
    switch (code) {
      case 0x72: {
        const fields: [string, ValType][] = [];
        for (let n = s.count(2); n > 0; n--) fields.push([s.name(), this.valType(s, scope)]);
        return { kind: 'record', fields };
      }
      case 0x71: {
        const cases: [string, ValType | undefined][] = [];
        for (let n = s.count(3); n > 0; n--) {
          const name = s.name();
          cases.push([name, opt()]);
          if (s.u8() !== 0) s.u32();
        }
        return { kind: 'variant', cases };
      }
      case 0x70:
        return { kind: 'list', of: this.valType(s, scope) };
      case 0x67: {
        const of = this.valType(s, scope);
        return { kind: 'other', what: `list<_, ${s.u32()}> of ${of.kind}` };
      }
      case 0x6f: {
        const of: ValType[] = [];
        for (let n = s.count(); n > 0; n--) of.push(this.valType(s, scope));
        return { kind: 'tuple', of };
      }
      case 0x6e:
      case 0x6d: {
        const names: string[] = [];
        for (let n = s.count(); n > 0; n--) names.push(s.name());
        return { kind: code === 0x6e ? 'flags' : 'enum', names };
      }
      case 0x6b:
        return { kind: 'option', of: this.valType(s, scope) };
      case 0x6a: {
        const ok = opt();
        return { kind: 'result', ok, err: opt() };
      }
      case 0x69:
      case 0x68:
        s.u32();
        return { kind: 'other', what: code === 0x69 ? 'own<resource>' : 'borrow<resource>' };
      case 0x66:
      case 0x65:
        opt();
        return { kind: 'other', what: code === 0x66 ? 'stream' : 'future' };
      case 0x63:
        this.valType(s, scope);
        this.valType(s, scope);
        return { kind: 'other', what: 'map' };
    }
    return s.fail(`unsupported value type 0x${code.toString(16)}`, at);
  }

  private valType(s: ByteReader, scope: Scope): ValType {
    const at = s.pos;
    const b = s.peek();
    if ((b & 0xc0) === 0x40) {
      s.u8();
      const prim = PRIMS[b];
      if (!prim) s.fail(`unsupported primitive type 0x${b.toString(16)}`, at);
      return { kind: 'prim', name: prim };
    }
    const idx = s.u32();
    const t = scope.types[idx];
    if (t?.kind === 'val') return t.type;
    if (t?.kind === 'resource' || t?.kind === 'unknown') return { kind: 'other', what: 'resource' };
    return s.fail(`type index ${idx} is not a value type`, at);
  }

  private externType(s: ByteReader, scope: Scope): Extern {
    const at = s.pos;
    const tag = s.u8();
    switch (tag) {
      case 0x00:
        s.u8();
        s.u32();
        return { sort: 'module' };
      case 0x01:
        return { sort: 'func', type: this.typeOfSort(s, scope, 'func', at) };
      case 0x02:
        if (s.u8() === 0x00) s.u32();
        else this.valType(s, scope);
        return { sort: 'value' };
      case 0x03: {
        const def: ComponentType = s.u8() === 0x00 ? (scope.types[s.u32()] ?? UNKNOWN) : { kind: 'resource' };
        return { sort: 'type', def };
      }
      case 0x04:
        s.u32();
        return { sort: 'component' };
      case 0x05:
        return { sort: 'instance', type: this.typeOfSort(s, scope, 'instance', at) };
    }
    return s.fail(`unsupported extern type 0x${tag.toString(16)}`, at);
  }

  /** The type an import or export of a function or instance refers to, which must be of that kind. */
  private typeOfSort<K extends 'func' | 'instance'>(
    s: ByteReader,
    scope: Scope,
    kind: K,
    at: number,
  ): Extract<ComponentType, { kind: K }> {
    const t = scope.types[s.u32()];
    if (t?.kind !== kind) {
      const what = kind === 'func' ? 'function' : 'instance';
      s.fail(`${what} import or export of a non-${what} type`, at);
    }
    return t as Extract<ComponentType, { kind: K }>;
  }
}

type MutableInfo = {
  imports: { name: string; extern: Extern }[];
  exports: { name: string; extern: Extern }[];
  coreModules: { start: number; end: number }[];
  nestedComponents: number;
  componentInstances: number;
  coreInstances: number;
  canon: CanonFunction[];
  otherCanon: number;
  hasStart: boolean;
};

const UNKNOWN: ComponentType = { kind: 'unknown' };

function newScope(parent: Scope | undefined): Scope {
  return { parent, types: [], funcs: [], instances: [], componentWeights: [] };
}

/** Adds an imported/exported item to its sort's index space. */
function push(scope: Scope, extern: Extern, heaviest: number): void {
  if (extern.sort === 'func') scope.funcs.push(extern.type);
  else if (extern.sort === 'instance') scope.instances.push(extern.type);
  else if (extern.sort === 'type') scope.types.push(extern.def);
  else if (extern.sort === 'component') scope.componentWeights.push(heaviest);
}

type Sort = 'func' | 'value' | 'type' | 'component' | 'instance' | 'core';

function readSort(s: ByteReader): Sort {
  const at = s.pos;
  const b = s.u8();
  switch (b) {
    case 0x00:
      s.u8();
      return 'core';
    case 0x01:
      return 'func';
    case 0x02:
      return 'value';
    case 0x03:
      return 'type';
    case 0x04:
      return 'component';
    case 0x05:
      return 'instance';
  }
  return s.fail(`unsupported sort 0x${b.toString(16)}`, at);
}

function sortIndex(s: ByteReader): { sort: Sort; index: number } {
  const sort = readSort(s);
  return { sort, index: s.u32() };
}

/** Reads a sortidx and resolves it to the item's extern description. */
function sortItem(s: ByteReader, scope: Scope): Extern {
  const { sort, index } = sortIndex(s);
  switch (sort) {
    case 'func':
      return { sort, type: scope.funcs[index] };
    case 'instance':
      return { sort, type: scope.instances[index] };
    case 'type':
      return { sort, def: scope.types[index] ?? UNKNOWN };
    case 'component':
      return { sort };
    case 'value':
      return { sort };
    case 'core':
      return { sort: 'module' };
  }
}

function nameAttributes(s: ByteReader): string {
  const at = s.pos;
  const tag = s.u8();
  if (tag === 0x00 || tag === 0x01) return s.name();
  if (tag === 0x02) {
    const name = s.name();
    for (let n = s.count(2); n > 0; n--) {
      s.u8();
      s.name();
    }
    return name;
  }
  return s.fail(`unsupported name encoding 0x${tag.toString(16)}`, at);
}

function coreInstance(s: ByteReader): void {
  const at = s.pos;
  const tag = s.u8();
  if (tag === 0x00) {
    s.u32();
    for (let n = s.count(3); n > 0; n--) {
      s.name();
      if (s.u8() !== 0x12) s.fail('core instantiation argument is not an instance');
      s.u32();
    }
  } else if (tag === 0x01) {
    for (let n = s.count(3); n > 0; n--) {
      s.name();
      s.u8();
      s.u32();
    }
  } else s.fail(`unsupported core instance expression 0x${tag.toString(16)}`, at);
}

function resultList(s: ByteReader, valType: () => ValType): ValType | undefined {
  const at = s.pos;
  const tag = s.u8();
  if (tag === 0x00) return valType();
  if (tag === 0x01 && s.u8() === 0x00) return undefined;
  return s.fail('unsupported function result encoding (named results)', at);
}

function canonOpts(s: ByteReader): { encoding: StringEncoding; async: boolean } {
  let encoding: StringEncoding = 'utf8';
  let async = false;
  for (let n = s.count(); n > 0; n--) {
    const at = s.pos;
    const opt = s.u8();
    switch (opt) {
      case 0x00:
        encoding = 'utf8';
        break;
      case 0x01:
        encoding = 'utf16';
        break;
      case 0x02:
        encoding = 'latin1+utf16';
        break;
      case 0x03:
      case 0x04:
      case 0x05:
      case 0x07:
        s.u32();
        break;
      case 0x06:
        async = true;
        break;
      default:
        s.fail(`unsupported canonical option 0x${opt.toString(16)}`, at);
    }
  }
  return { encoding, async };
}

export { BinaryFormatError };
