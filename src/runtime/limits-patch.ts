// The memory and table caps: rewrites the declared maximum of every memory and table a core module defines,
// byte for byte, so `memory.grow`/`table.grow` past the cap return -1 inside the engine. A module whose
// initial size is already above the cap is refused. Done on bytes (not through binaryen) because it is
// exact, costs microseconds and also applies when no other rewrite is wanted.
import { err, ok, type Result } from '../result.ts';
import { ByteReader, encodeU } from './byte-reader.ts';
import { type CoreModuleInfo, type Limits, readCoreModule } from './core-module.ts';

export interface Caps {
  /** Largest size of each memory, in bytes. */
  readonly memoryBytes?: number;
  /** Largest number of elements of each table. */
  readonly tableElements?: number;
}

/** The capped module's bytes, or which memory or table starts above its cap. */
export type CapResult = Result<Uint8Array, string>;

const WASM_PAGE = 65536;

export function capLimits(
  bytes: Uint8Array,
  caps: Caps,
  info: CoreModuleInfo = readCoreModule(bytes),
): CapResult {
  const edits: { start: number; end: number; bytes: number[] }[] = [];
  for (const [i, mem] of info.memories.entries()) {
    if (caps.memoryBytes === undefined) break;
    const pageBytes = mem.flags & 0x08 ? 2 ** new ByteReader(mem.tail).u32() : WASM_PAGE;
    const capPages = Math.floor(caps.memoryBytes / pageBytes);
    if (mem.min > capPages) {
      return err(
        `memory ${i} starts at ${mem.min} pages (${mem.min * pageBytes} bytes), above the memory cap of ${caps.memoryBytes} bytes`,
      );
    }
    const edit = capEdit(mem, capPages);
    if (edit) edits.push(edit);
  }
  for (const [i, table] of info.tables.entries()) {
    if (caps.tableElements === undefined) break;
    if (table.min > caps.tableElements) {
      return err(
        `table ${i} starts with ${table.min} elements, above the table cap of ${caps.tableElements}`,
      );
    }
    const edit = capEdit(table, caps.tableElements);
    if (edit) edits.push(edit);
  }
  return ok(edits.length === 0 ? bytes : splice(bytes, info, edits));
}

function capEdit(limits: Limits, cap: number): { start: number; end: number; bytes: number[] } | undefined {
  if (limits.max !== undefined && limits.max <= cap) return undefined;
  return {
    start: limits.start,
    end: limits.end,
    bytes: [limits.flags | 0x01, ...encodeU(limits.min), ...encodeU(cap), ...limits.tail],
  };
}

/** Applies byte-range edits and re-encodes the size of every section that contains one. */
function splice(
  bytes: Uint8Array,
  info: CoreModuleInfo,
  edits: { start: number; end: number; bytes: number[] }[],
): Uint8Array {
  edits.sort((a, b) => a.start - b.start);
  const parts: Uint8Array[] = [bytes.subarray(0, 8)];
  let e = 0;
  for (const section of info.sections) {
    if (e >= edits.length || edits[e].start >= section.end) {
      parts.push(bytes.subarray(section.start, section.end));
      continue;
    }
    const payload: Uint8Array[] = [];
    let pos = section.payloadStart;
    while (e < edits.length && edits[e].start < section.end) {
      payload.push(bytes.subarray(pos, edits[e].start), Uint8Array.from(edits[e].bytes));
      pos = edits[e].end;
      e++;
    }
    payload.push(bytes.subarray(pos, section.end));
    const size = payload.reduce((n, p) => n + p.length, 0);
    parts.push(Uint8Array.from([section.id, ...encodeU(size)]), ...payload);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
