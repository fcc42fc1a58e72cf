// Reads what the runtime needs from a core wasm module without compiling it: function types, imports,
// exports, memories and tables (with the byte ranges of their limits, for the cap rewrite). Sections it does
// not need are skipped by length, so the cost is linear in the number of imports/exports, not in code size.
import { ByteReader, wasmLayer } from './byte-reader.ts';

export type CoreValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'ref';

export interface FuncSig {
  readonly params: readonly CoreValType[];
  readonly results: readonly CoreValType[];
}

export type CoreExternKind = 'func' | 'table' | 'memory' | 'global' | 'tag';

export interface CoreImport {
  readonly module: string;
  readonly name: string;
  readonly kind: CoreExternKind;
  /** For a function import. */
  readonly sig?: FuncSig;
}

export interface CoreExport {
  readonly name: string;
  readonly kind: CoreExternKind;
  readonly index: number;
}

export interface Limits {
  readonly min: number;
  readonly max: number | undefined;
  readonly is64: boolean;
  readonly shared: boolean;
  /** Byte range of the whole limits encoding (flags, min, max) in the module. */
  readonly start: number;
  readonly end: number;
  /** Flags byte without the has-max bit; custom page size and the like follow max and are kept. */
  readonly flags: number;
  /** Bytes after max that belong to the limits (custom page size exponent). */
  readonly tail: Uint8Array;
}

export interface Section {
  readonly id: number;
  /** Offset of the section id byte. */
  readonly start: number;
  readonly payloadStart: number;
  readonly end: number;
}

export interface CoreModuleInfo {
  readonly types: readonly (FuncSig | undefined)[];
  readonly imports: readonly CoreImport[];
  /** Type index of each defined function (after the imported ones in the function index space). */
  readonly functions: readonly number[];
  readonly exports: readonly CoreExport[];
  /** Memories defined by the module (imported memories are in `imports`). */
  readonly memories: readonly Limits[];
  readonly tables: readonly Limits[];
  readonly sections: readonly Section[];
  readonly hasStart: boolean;
  readonly hasData: boolean;
}

const KINDS: readonly CoreExternKind[] = ['func', 'table', 'memory', 'global', 'tag'];

export function isCoreModule(bytes: Uint8Array): boolean {
  return wasmLayer(bytes) === 'core';
}

/** Throws BinaryFormatError for malformed bytes or constructs outside the decoded subset. */
export function readCoreModule(bytes: Uint8Array): CoreModuleInfo {
  const r = new ByteReader(bytes);
  if (!isCoreModule(bytes)) r.fail('not a core wasm module (bad magic or version)', 0);
  r.pos = 8;
  const types: (FuncSig | undefined)[] = [];
  const imports: CoreImport[] = [];
  const functions: number[] = [];
  const exports: CoreExport[] = [];
  const memories: Limits[] = [];
  const tables: Limits[] = [];
  const sections: Section[] = [];
  let hasStart = false;
  let hasData = false;

  while (!r.done) {
    const start = r.pos;
    const id = r.u8();
    const size = r.u32();
    const s = r.sub(size);
    sections.push({ id, start, payloadStart: s.pos, end: s.end });
    switch (id) {
      case 1:
        for (let n = s.count(); n > 0; n--) readRecType(s, types);
        break;
      case 2:
        for (let n = s.count(3); n > 0; n--) {
          const module = s.name();
          const name = s.name();
          const desc = readImportDesc(s);
          imports.push({
            module,
            name,
            kind: desc.kind,
            sig: desc.kind === 'func' ? types[desc.index] : undefined,
          });
        }
        break;
      case 3:
        for (let n = s.count(); n > 0; n--) functions.push(s.u32());
        break;
      case 4:
        for (let n = s.count(2); n > 0; n--) {
          if (s.peek() === 0x40) {
            // Table with an initializer expression: limits come before the expression; the rest is kept as is.
            s.u8();
            s.u8();
            readRefType(s);
            tables.push(readLimits(s));
            skipConstExpr(s);
          } else {
            readRefType(s);
            tables.push(readLimits(s));
          }
        }
        break;
      case 5:
        for (let n = s.count(); n > 0; n--) memories.push(readLimits(s));
        break;
      case 7:
        for (let n = s.count(3); n > 0; n--) {
          const name = s.name();
          const kindAt = s.pos;
          const kind = KINDS[s.u8()];
          if (!kind) s.fail('unsupported export kind', kindAt);
          exports.push({ name, kind, index: s.u32() });
        }
        break;
      case 8:
        hasStart = true;
        break;
      case 11:
        hasData = s.count() > 0;
        break;
    }
  }
  return { types, imports, functions, exports, memories, tables, sections, hasStart, hasData };
}

/** The signature of function `index` in the module's function index space (imports first). */
export function funcSig(info: CoreModuleInfo, index: number): FuncSig | undefined {
  let imported = 0;
  for (const imp of info.imports) {
    if (imp.kind !== 'func') continue;
    if (imported === index) return imp.sig;
    imported++;
  }
  const typeIndex = info.functions[index - imported];
  return typeIndex === undefined ? undefined : info.types[typeIndex];
}

export function sigText(sig: FuncSig | undefined): string {
  return sig ? `(${sig.params.join(' ')}) -> (${sig.results.join(' ')})` : '(not a function type)';
}

export function sameSig(a: FuncSig | undefined, b: FuncSig): boolean {
  return (
    a !== undefined &&
    a.params.length === b.params.length &&
    a.results.length === b.results.length &&
    a.params.every((t, i) => t === b.params[i]) &&
    a.results.every((t, i) => t === b.results[i])
  );
}

function readImportDesc(s: ByteReader): { kind: CoreExternKind; index: number } {
  const at = s.pos;
  const kind = s.u8();
  switch (kind) {
    case 0:
      return { kind: 'func', index: s.u32() };
    case 1:
      readRefType(s);
      readLimits(s);
      return { kind: 'table', index: -1 };
    case 2:
      readLimits(s);
      return { kind: 'memory', index: -1 };
    case 3:
      readValType(s);
      s.u8();
      return { kind: 'global', index: -1 };
    case 4:
      s.u8();
      return { kind: 'tag', index: s.u32() };
  }
  return s.fail(`unsupported import kind 0x${kind.toString(16)}`, at);
}

/** Skips a `core:type` inside a component: a core module type or a (GC) recursive type group. */
export function skipComponentCoreType(s: ByteReader, depth: number, maxDepth: number): void {
  if (depth > maxDepth) s.fail(`types nested deeper than ${maxDepth} levels`);
  const b = s.peek();
  if (b === 0x50) {
    s.u8();
    for (let n = s.count(); n > 0; n--) {
      const at = s.pos;
      const tag = s.u8();
      if (tag === 0x00) {
        s.name();
        s.name();
        readImportDesc(s);
      } else if (tag === 0x01) skipComponentCoreType(s, depth + 1, maxDepth);
      else if (tag === 0x02) {
        s.u8();
        s.u8();
        s.u32();
        s.u32();
      } else if (tag === 0x03) {
        s.name();
        readImportDesc(s);
      } else s.fail(`unsupported core module type declaration 0x${tag.toString(16)}`, at);
    }
    return;
  }
  if (b === 0x00) {
    s.u8();
    if (s.u8() !== 0x50) s.fail('expected a core sub type', s.pos - 1);
    for (let n = s.count(); n > 0; n--) s.u32();
    readCompType(s);
    return;
  }
  readRecType(s, []);
}

function readRecType(s: ByteReader, types: (FuncSig | undefined)[]): void {
  if (s.peek() === 0x4e) {
    s.u8();
    for (let n = s.count(); n > 0; n--) types.push(readSubType(s));
  } else types.push(readSubType(s));
}

function readSubType(s: ByteReader): FuncSig | undefined {
  const b = s.peek();
  if (b === 0x50 || b === 0x4f) {
    s.u8();
    for (let n = s.count(); n > 0; n--) s.u32();
  }
  return readCompType(s);
}

function readCompType(s: ByteReader): FuncSig | undefined {
  const at = s.pos;
  const form = s.u8();
  if (form === 0x60) {
    const params: CoreValType[] = [];
    for (let n = s.count(); n > 0; n--) params.push(readValType(s));
    const results: CoreValType[] = [];
    for (let n = s.count(); n > 0; n--) results.push(readValType(s));
    return { params, results };
  }
  if (form === 0x5f) {
    for (let n = s.count(2); n > 0; n--) readFieldType(s);
    return undefined;
  }
  if (form === 0x5e) {
    readFieldType(s);
    return undefined;
  }
  if (form === 0x5d) {
    s.u32();
    return undefined;
  }
  return s.fail(`unsupported type form 0x${form.toString(16)}`, at);
}

function readFieldType(s: ByteReader): void {
  const b = s.peek();
  if (b === 0x78 || b === 0x77) s.u8();
  else readValType(s);
  s.u8();
}

function readValType(s: ByteReader): CoreValType {
  const at = s.pos;
  const b = s.u8();
  switch (b) {
    case 0x7f:
      return 'i32';
    case 0x7e:
      return 'i64';
    case 0x7d:
      return 'f32';
    case 0x7c:
      return 'f64';
    case 0x7b:
      return 'v128';
    case 0x63:
    case 0x64:
      s.skipLeb();
      return 'ref';
  }
  if (b >= 0x68 && b <= 0x75) return 'ref';
  return s.fail(`unsupported value type 0x${b.toString(16)}`, at);
}

function readRefType(s: ByteReader): void {
  if (readValType(s) !== 'ref') s.fail('expected a reference type', s.pos - 1);
}

function readLimits(s: ByteReader): Limits {
  const start = s.pos;
  const flags = s.u8();
  if (flags > 0x0f) s.fail(`unsupported limits flags 0x${flags.toString(16)}`, start);
  const is64 = (flags & 0x04) !== 0;
  const min = is64 ? s.u64() : s.u32();
  const max = flags & 0x01 ? (is64 ? s.u64() : s.u32()) : undefined;
  const tailStart = s.pos;
  if (flags & 0x08) s.u32();
  return {
    min,
    max,
    is64,
    shared: (flags & 0x02) !== 0,
    start,
    end: s.pos,
    flags: flags & ~0x01,
    tail: s.bytes.slice(tailStart, s.pos),
  };
}

/** Skips a constant expression (table initializer): the opcodes allowed there, up to `end`. */
function skipConstExpr(s: ByteReader): void {
  for (;;) {
    const at = s.pos;
    const op = s.u8();
    switch (op) {
      case 0x0b:
        return;
      case 0x41:
      case 0x42:
      case 0x23:
      case 0xd2:
        s.skipLeb();
        break;
      case 0x43:
        s.take(4);
        break;
      case 0x44:
        s.take(8);
        break;
      case 0xd0:
        s.skipLeb();
        break;
      case 0x6a:
      case 0x6b:
      case 0x6c:
      case 0x7c:
      case 0x7d:
      case 0x7e:
        break;
      default:
        s.fail(`unsupported opcode 0x${op.toString(16)} in a table initializer`, at);
    }
  }
}
