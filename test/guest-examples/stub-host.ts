// A stand-in for the runtime in tests: instantiates a guest's core module with host functions that
// implement every lowered KSR import of wit/ksr.wit (canonical ABI, utf8), record each call as text, and
// answer through a responder. It checks what the guest does, not how the real runtime binds it.
import { lowerFunction, type ResultKind, usesReturnArea } from '../../src/builder/bindings/abi.ts';
import { findWorld, importedInterfaces, SCRIPT_WORLD } from '../../src/builder/bindings/world.ts';
import { ksrPackage, qualifiedName } from '../../src/runtime/wit.ts';

/** A string result may be given as raw bytes, to send the guest something that is not UTF-8. */
export type KsrResult = string | Uint8Array | number | boolean | undefined;
/** `fn` is `iface.name` (`sl.sl-send-reply`); `undefined` means the default for the result type. */
export type Responder = (fn: string, args: readonly (string | number)[]) => KsrResult;

export interface Guest {
  /** Every KSR call, as `sl.sl-send-reply(404, "Not Found")`. */
  readonly calls: string[];
  requestRoute(): void;
  replyRoute(): void;
  namedRoute(name: string | Uint8Array): void;
  memoryBytes(): number;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const DEFAULTS: Record<ResultKind, KsrResult> = {
  none: undefined,
  s32: 1,
  u32: 1,
  bool: true,
  string: '',
  'option<string>': undefined,
};

export function instantiateGuest(core: Uint8Array, respond: Responder): Guest {
  const calls: string[] = [];
  let memory: { buffer: ArrayBuffer } | undefined;
  let realloc: ((oldPtr: number, oldSize: number, align: number, newSize: number) => number) | undefined;
  const bytes = () => new Uint8Array(memory!.buffer);
  const view = () => new DataView(memory!.buffer);
  const decoder = new TextDecoder();
  const readString = (ptr: number, len: number) => decoder.decode(bytes().subarray(ptr, ptr + len));
  // Host strings belong to the guest once written: allocated with its cabi_realloc.
  const writeString = (value: string | Uint8Array): [number, number] => {
    const data = typeof value === 'string' ? new TextEncoder().encode(value) : value;
    const ptr = realloc!(0, 0, 1, data.length);
    bytes().set(data, ptr);
    return [ptr, data.length];
  };

  const imports: Record<string, Record<string, (...flat: number[]) => number | undefined>> = {};
  for (const iface of importedInterfaces(ksrPackage, SCRIPT_WORLD)) {
    const fns: Record<string, (...flat: number[]) => number | undefined> = {};
    for (const fn of iface.functions) {
      const lowered = lowerFunction(fn, iface.name);
      const name = `${iface.name}.${fn.name}`;
      fns[fn.name] = (...flat: number[]) => {
        const args: (string | number)[] = [];
        let i = 0;
        for (const p of lowered.params) {
          if (p.kind === 'string') {
            args.push(readString(flat[i], flat[i + 1]));
            i += 2;
          } else {
            args.push(p.kind === 'bool' ? flat[i] : flat[i] | 0);
            i += 1;
          }
        }
        calls.push(
          `${name}(${args.map((a) => (typeof a === 'string' ? JSON.stringify(a) : String(a))).join(', ')})`,
        );
        const answer = respond(name, args);
        const result = answer === undefined ? DEFAULTS[lowered.result] : answer;
        if (!usesReturnArea(lowered.result)) {
          if (lowered.result === 'none') return undefined;
          return typeof result === 'boolean' ? (result ? 1 : 0) : Number(result);
        }
        const retptr = flat[i];
        if (lowered.result === 'option<string>') {
          if (result === undefined) {
            view().setUint8(retptr, 0);
            return undefined;
          }
          const [ptr, len] = writeString(result as string | Uint8Array);
          view().setUint8(retptr, 1);
          view().setUint32(retptr + 4, ptr, true);
          view().setUint32(retptr + 8, len, true);
          return undefined;
        }
        const [ptr, len] = writeString(result as string | Uint8Array);
        view().setUint32(retptr, ptr, true);
        view().setUint32(retptr + 4, len, true);
        return undefined;
      };
    }
    imports[qualifiedName(ksrPackage, iface.name)] = fns;
  }

  const instance = new Wasm.Instance(new Wasm.Module(core), imports);
  const exports = instance.exports as Record<string, (...args: number[]) => unknown> & {
    memory: { buffer: ArrayBuffer };
  };
  memory = exports.memory;
  realloc = exports.cabi_realloc as typeof realloc;
  const world = findWorld(ksrPackage, SCRIPT_WORLD);
  for (const fn of world.exports) {
    if (typeof exports[fn.name] !== 'function') throw new Error(`guest does not export ${fn.name}`);
  }
  // After each export the canonical ABI calls its `cabi_post_` function when the guest has one
  // (componentize-js guests do: StarlingMonkey frees the call's state there).
  const call = (route: string, ...args: number[]) => {
    const result = exports[route](...args);
    exports[`cabi_post_${route}`]?.(result as number);
  };
  return {
    calls,
    requestRoute: () => call('request-route'),
    replyRoute: () => call('reply-route'),
    namedRoute: (name) => call('named-route', ...writeString(name)),
    memoryBytes: () => memory!.buffer.byteLength,
  };
}
