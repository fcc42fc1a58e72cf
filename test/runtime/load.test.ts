import { createHash } from 'node:crypto';
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { CompileOptions, CompileResult } from '../../src/runtime/engine.ts';
import { Linker } from '../../src/runtime/linker.ts';
import type { LoadError } from '../../src/runtime/load-error.ts';
import { createRunner } from '../../src/runtime/runner.ts';
import { componentFromWat, Guest, ksrWit } from './helpers/guest.ts';
import { engine } from './helpers/run.ts';
import { asContext, recordingTables, testContext } from './helpers/tables.ts';
import { wasmTools } from './helpers/wasm-tools.ts';

async function refused(bytes: Uint8Array, options?: CompileOptions): Promise<LoadError> {
  const result = await engine.compile(bytes, options);
  if (result.ok) throw new Error('expected the module to be refused');
  return result.error;
}

function simpleGuest(): Guest {
  const g = new Guest();
  g.route(
    'request-route',
    `${g.call('pv', 'get', ['$ru'])} ${g.call('sl', 'sl-send-reply', [404, 'Not Found'])} drop`,
  );
  return g;
}

/** A route module built against a modified copy of wit/ksr.wit. */
function editedWit(edit: (wit: string) => string): string {
  const out = edit(ksrWit);
  if (out === ksrWit) throw new Error('the edit changed nothing');
  return out;
}

const ROUTES = `(func (export "request-route")) (func (export "reply-route"))
  (func (export "named-route") (param i32 i32))
  (memory (export "memory") 1)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024))`;

describe('loading a module', () => {
  it('accepts a route component and describes it', async () => {
    const bytes = await simpleGuest().component();
    const result = await engine.compile(bytes);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { meta } = result.value;
    expect(meta.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(meta.size).toBe(bytes.length);
    expect(meta.path).toBe('fast');
    expect(meta.imports).toEqual(['kemi:ksr/pv@0.1.0', 'kemi:ksr/sl@0.1.0']);
    expect(meta.functions).toEqual([
      { iface: 'pv', fn: 'get' },
      { iface: 'sl', fn: 'sl-send-reply' },
    ]);
    expect(meta.fuel).toBe(true);
    for (const ms of Object.values(meta.timings)) expect(ms).toBeGreaterThanOrEqual(0);
  });

  it('refuses bytes that are not WebAssembly', async () => {
    const error = await refused(new TextEncoder().encode('INVITE sip:bob@example.com SIP/2.0\r\n'));
    expect(error).toEqual({ code: 'malformed', message: expect.stringContaining('not WebAssembly') });
  });

  it('refuses a core module', async () => {
    const core = await simpleGuest().core();
    expect(await refused(core)).toMatchObject({
      code: 'not-component',
      message: expect.stringContaining('core wasm module'),
    });
  });

  it('refuses a truncated component, saying where it breaks', async () => {
    const bytes = await simpleGuest().component();
    const error = await refused(bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect(error.code).toBe('malformed');
    expect(error.message).toMatch(/offset|byte/);
  });

  it('refuses a module above the size cap before reading it', async () => {
    const bytes = await simpleGuest().component();
    expect(await refused(bytes, { limits: { maxComponentBytes: 100 } })).toEqual({
      code: 'too-large',
      message: `the module is ${bytes.length} bytes, above the 100-byte limit`,
    });
  });

  it('refuses a WASI import, naming it', async () => {
    const tools = await wasmTools();
    const bytes = tools.parse(`(component
      (import "wasi:filesystem/preopens@0.2.0" (instance (export "get-directories" (func (result string))))))`);
    const error = await refused(bytes);
    expect(error.code).toBe('import');
    expect(error.message).toContain(
      "import 'wasi:filesystem/preopens@0.2.0' is not allowed: WASI is not available",
    );
  });

  it('refuses an interface the tenant was not granted, naming it', async () => {
    const bytes = await simpleGuest().component();
    const error = await refused(bytes, { capabilities: ['core', 'pv'] });
    expect(error).toEqual({
      code: 'capability',
      message: "import 'kemi:ksr/sl@0.1.0': interface 'sl' is not granted to this tenant (granted: core, pv)",
    });
    expect((await engine.compile(bytes, { capabilities: ['pv', 'sl'] })).ok).toBe(true);
  });

  it('refuses another version of the KSR package', async () => {
    const wit = editedWit((w) => w.replace('package kemi:ksr@0.1.0;', 'package kemi:ksr@0.2.0;'));
    const wat = `(module (import "kemi:ksr/x@0.2.0" "exit" (func)) ${ROUTES})`;
    const error = await refused(await componentFromWat(wat, wit));
    expect(error.code).toBe('import');
    expect(error.message).toContain(
      "import 'kemi:ksr/x@0.2.0' is not allowed: this server implements kemi:ksr@0.1.0",
    );
  });

  it('refuses an import function the contract does not define', async () => {
    const wit = editedWit((w) => w.replace('  exit: func();', '  exit: func();\n  abort: func();'));
    const wat = `(module (import "kemi:ksr/x@0.1.0" "abort" (func)) ${ROUTES})`;
    const error = await refused(await componentFromWat(wat, wit));
    expect(error).toEqual({
      code: 'import',
      message: "import 'kemi:ksr/x@0.1.0' wants 'abort', which interface 'x' does not define",
    });
  });

  it('refuses an import function with another type than the contract', async () => {
    const wit = editedWit((w) =>
      w.replace('get: func(name: string) -> option<string>;', 'get: func(name: string) -> string;'),
    );
    const wat = `(module (import "kemi:ksr/pv@0.1.0" "get" (func (param i32 i32 i32))) ${ROUTES})`;
    const error = await refused(await componentFromWat(wat, wit));
    expect(error).toEqual({
      code: 'import',
      message:
        "import 'kemi:ksr/pv@0.1.0' function 'get': has type func(name: string) -> string but the contract says func(name: string) -> option<string>",
    });
  });

  it('refuses a component missing a route export', async () => {
    const wit = editedWit((w) => w.replace('  export reply-route: func();\n', ''));
    const wat = `(module (func (export "request-route")) (func (export "named-route") (param i32 i32))
      (memory (export "memory") 1) (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024)))`;
    const error = await refused(await componentFromWat(wat, wit));
    expect(error).toEqual({ code: 'export', message: "missing export 'reply-route: func()'" });
  });

  it('refuses a route export of the wrong type', async () => {
    const wit = editedWit((w) =>
      w.replace('export reply-route: func();', 'export reply-route: func() -> s32;'),
    );
    const wat = `(module (func (export "request-route")) (func (export "reply-route") (result i32) (i32.const 0))
      (func (export "named-route") (param i32 i32))
      (memory (export "memory") 1) (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024)))`;
    const error = await refused(await componentFromWat(wat, wit));
    expect(error).toEqual({
      code: 'export',
      message: "export 'reply-route': has type func() -> s32 but the contract says func()",
    });
  });

  it('refuses a module whose initial memory is above the cap', async () => {
    const g = simpleGuest();
    g.memoryPages = 100;
    const error = await refused(await g.component(), { limits: { maxMemoryBytes: 1024 * 1024 } });
    expect(error.code).toBe('limit');
    expect(error.message).toContain(
      'memory 0 starts at 100 pages (6553600 bytes), above the memory cap of 1048576 bytes',
    );
  });

  it('falls back to jco for a component the fast path cannot run, and says why', async () => {
    const tools = await wasmTools();
    const core = await simpleGuest().core();
    const utf16 = tools.componentNew(
      tools.componentEmbed({ binary: core, witSource: ksrWit, world: 'script', stringEncoding: 'utf16' }),
      undefined,
    );
    const auto = await engine.compile(utf16);
    expect(auto.ok && auto.value.path).toBe('jco');
    expect(auto.ok && auto.value.meta.fallbackReason).toBe('its strings are utf16');
    expect(await refused(utf16, { path: 'fast' })).toEqual({
      code: 'path',
      message: 'the fast path cannot run this component: its strings are utf16',
    });
  });

  it('gives a result that can be posted to another thread and run there', async () => {
    const result = await engine.compile(await simpleGuest().component());
    const { port1, port2 } = new MessageChannel();
    const received = new Promise<CompileResult>((resolve) => port1.once('message', resolve));
    port2.postMessage(result);
    const copy = await received;
    port1.close();
    expect(copy.ok).toBe(true);
    if (!copy.ok) return;
    const linked = createRunner(copy.value, new Linker(recordingTables()));
    if (!linked.ok) throw new Error(linked.error.message);
    const ctx = testContext({ 'pv.get': 'x' });
    expect(linked.value.invoke('request-route', asContext(ctx))).toEqual({ ok: true });
    expect(ctx.calls).toEqual([
      ['pv.get', '$ru'],
      ['sl.sl-send-reply', 404, 'Not Found'],
    ]);
  });
});
