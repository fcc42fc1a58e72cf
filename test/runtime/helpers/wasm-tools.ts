// jco's vendored wasm-tools (WAT parser, wit-component), which the package does not export: loaded by
// path next to its resolved entry point, once.

export interface WasmTools {
  parse(wat: string): Uint8Array;
  componentEmbed(opts: {
    binary?: Uint8Array;
    witSource?: string;
    world?: string;
    stringEncoding?: 'utf8' | 'utf16' | 'compact-utf16';
  }): Uint8Array;
  componentNew(binary: Uint8Array, adapters: [string, Uint8Array][] | undefined): Uint8Array;
  print(binary: Uint8Array): string;
}

let loading: Promise<WasmTools> | undefined;

export function wasmTools(): Promise<WasmTools> {
  loading ??= (async () => {
    const url = new URL('../vendor/wasm-tools.js', import.meta.resolve('@bytecodealliance/jco-transpile'));
    const mod = (await import(url.href)) as { $init: Promise<void>; tools: WasmTools };
    await mod.$init;
    return mod.tools;
  })();
  return loading;
}

/** Error text of a wasm-tools failure (it throws objects with a `payload`). */
export function toolError(e: unknown): string {
  const payload = (e as { payload?: unknown })?.payload;
  return String(payload ?? e);
}
