// Builds test guests: a core module written in WAT (imports declared from wit/ksr.wit, strings placed in
// data segments, a bump allocator reset at each route), wrapped as a component by wit-component exactly as a
// real toolchain would. wit-component checks every core signature against the WIT, so the guests are an
// independent check of the runtime's lowering rules.
import { readFileSync } from 'node:fs';
import { loweredSignature } from '../../../src/runtime/canonical-abi.ts';
import { ksrPackage, qualifiedName } from '../../../src/runtime/wit.ts';
import { toolError, wasmTools } from './wasm-tools.ts';

export const ksrWit = readFileSync(new URL('../../../wit/ksr.wit', import.meta.url), 'utf8');

/** Scratch return area the guests pass as retptr. */
export const RET = 64;
const DATA = 128;

export type Arg = string | number | { readonly wat: string };

export class Guest {
  memoryPages = 1;
  maxPages: number | undefined;
  private readonly imports = new Map<string, string>();
  private readonly segments: string[] = [];
  private readonly strings = new Map<string, { ptr: number; len: number }>();
  private dataEnd = DATA;
  private readonly routes = new Map<string, string>();
  private readonly fields: string[] = [];

  /** A constant string (UTF-8) in guest memory. */
  str(text: string): { ptr: number; len: number } {
    let s = this.strings.get(text);
    if (!s) {
      const bytes = Buffer.from(text, 'utf8');
      s = { ptr: this.dataEnd, len: bytes.length };
      this.segments.push(
        `(data (i32.const ${s.ptr}) "${[...bytes].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('')}")`,
      );
      this.dataEnd += bytes.length + (8 - (bytes.length % 8));
      this.strings.set(text, s);
    }
    return s;
  }

  /** The WAT id of a KSR import, declared on first use with its lowered signature. */
  ref(iface: string, fn: string): string {
    const id = `$${iface}.${fn}`;
    if (!this.imports.has(id)) {
      const wit = ksrPackage.interfaces.find((i) => i.name === iface)?.functions.find((f) => f.name === fn);
      if (!wit) throw new Error(`no WIT function ${iface}.${fn}`);
      const sig = loweredSignature(
        wit.params.map((p) => p.type),
        wit.result,
      );
      const params = sig.params.length ? ` (param ${sig.params.join(' ')})` : '';
      const results = sig.results.length ? ` (result ${sig.results.join(' ')})` : '';
      this.imports.set(
        id,
        `(import "${qualifiedName(ksrPackage, iface)}" "${fn}" (func ${id}${params}${results}))`,
      );
    }
    return id;
  }

  /** Calls a KSR function; a flat result is left on the stack, a string/option result is in RET. */
  call(iface: string, fn: string, args: readonly Arg[]): string {
    const id = this.ref(iface, fn);
    const wit = ksrPackage.interfaces.find((i) => i.name === iface)?.functions.find((f) => f.name === fn);
    const lines = args.map((a) => {
      if (typeof a === 'number') return `(i32.const ${a})`;
      if (typeof a === 'string') {
        const s = this.str(a);
        return `(i32.const ${s.ptr}) (i32.const ${s.len})`;
      }
      return a.wat;
    });
    if (wit?.result === 'string' || wit?.result === 'option<string>') lines.push(`(i32.const ${RET})`);
    return `${lines.join(' ')} (call ${id})`;
  }

  /** Sends an i32 back to the host: pv.seti(name, value). */
  echoI32(value: string, name = '$var(echo)'): string {
    return this.call('pv', 'seti', [name, { wat: value }]);
  }

  /** Runs a string-returning call and sends the string back: pv.sets(name, result). */
  echoString(call: string, name = '$var(echo)'): string {
    return `${call} ${this.call('pv', 'sets', [name, { wat: `(i32.load (i32.const ${RET})) (i32.load (i32.const ${RET + 4}))` }])}`;
  }

  /** Runs an option<string> call and sends the value back (pv.sets), or pv.unset for none. */
  echoOption(call: string, name = '$var(echo)'): string {
    const some = this.call('pv', 'sets', [
      name,
      { wat: `(i32.load (i32.const ${RET + 4})) (i32.load (i32.const ${RET + 8}))` },
    ]);
    const none = this.call('pv', 'unset', [name]);
    return `${call} (if (i32.load8_u (i32.const ${RET})) (then ${some}) (else ${none}))`;
  }

  /** Body of a route (`named-route` has params $ptr and $len). */
  route(name: 'request-route' | 'reply-route' | 'named-route', body: string): this {
    this.routes.set(name, body);
    return this;
  }

  /** A raw module field: a helper function, a global, a start function. */
  field(text: string): this {
    this.fields.push(text);
    return this;
  }

  wat(): string {
    const heapBase = Math.ceil((this.dataEnd + 16) / 16) * 16;
    const route = (name: string, params: string) => {
      // Local declarations written at the start of a body must stay ahead of the heap reset.
      const [, locals, body] = /^(\s*(?:\(local [^)]*\)\s*)*)([\s\S]*)$/.exec(
        this.routes.get(name) ?? '',
      ) ?? ['', '', ''];
      return `(func (export "${name}")${params} ${locals} (global.set $heap (i32.const ${heapBase})) ${body})`;
    };
    return `(module
  ${[...this.imports.values()].join('\n  ')}
  (memory (export "memory") ${this.memoryPages}${this.maxPages === undefined ? '' : ` ${this.maxPages}`})
  (global $heap (mut i32) (i32.const ${heapBase}))
  (func (export "cabi_realloc") (param $old i32) (param $oldSize i32) (param $align i32) (param $size i32) (result i32)
    (local $p i32) (local $end i32) (local $have i32)
    (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
                           (i32.sub (i32.const 0) (local.get $align))))
    (local.set $end (i32.add (local.get $p) (local.get $size)))
    (local.set $have (i32.mul (memory.size) (i32.const 65536)))
    (if (i32.gt_u (local.get $end) (local.get $have))
      (then (if (i32.eq (memory.grow (i32.shr_u (i32.add (i32.sub (local.get $end) (local.get $have)) (i32.const 65535)) (i32.const 16)))
                        (i32.const -1))
              (then unreachable))))
    (global.set $heap (local.get $end))
    (local.get $p))
  ${route('request-route', '')}
  ${route('reply-route', '')}
  ${route('named-route', ' (param $ptr i32) (param $len i32)')}
  ${this.fields.join('\n  ')}
  ${this.segments.join('\n  ')}
)`;
  }

  core(): Promise<Uint8Array> {
    return wasmTools().then((t) => t.parse(this.wat()));
  }

  component(witSource = ksrWit): Promise<Uint8Array> {
    return componentFromWat(this.wat(), witSource);
  }
}

export async function componentFromWat(
  wat: string,
  witSource = ksrWit,
  world = 'script',
): Promise<Uint8Array> {
  const tools = await wasmTools();
  try {
    const core = tools.parse(wat);
    const embedded = tools.componentEmbed({ binary: core, witSource, world, stringEncoding: 'utf8' });
    return tools.componentNew(embedded, undefined);
  } catch (e) {
    throw new Error(`building the test component failed: ${toolError(e)}`);
  }
}
