// Malformed and hostile uploads, made at test time: each is refused by `compile` with a LoadError whose code
// and message name the problem, promptly and without exhausting memory; `compile` never throws.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { componentFromWat, ksrWit } from '../../fixtures/guest.ts';
import { wasmTools } from '../../fixtures/wasm-tools.ts';
import { renameAssemblyScriptExports } from '../../src/builder/assemblyscript-exports.ts';
import { findWorld, SCRIPT_WORLD } from '../../src/builder/bindings/world.ts';
import { compileAssemblyScript } from '../../src/builder/compile-assemblyscript.ts';
import { compileRust } from '../../src/builder/compile-rust.ts';
import { detectProject } from '../../src/builder/detect.ts';
import { buildGuest } from '../../src/builder/index.ts';
import { ksrModules } from '../../src/kemi/index.ts';
import {
  type CompileOptions,
  type CompileResult,
  createRunner,
  ksrPackage,
  Linker,
  type LoadError,
} from '../../src/runtime/index.ts';
import { contextFor, INVITE } from '../kemi/fixture.ts';
import { engine } from '../runtime/helpers/run.ts';
import { buildAll, fullGc, HELLO, HOSTILE, LANGUAGES, MiB } from './helpers.ts';

// How promptly an upload is refused: the slowest refusal here (20 MB of junk, the type nested 100 000 deep)
// takes 70-200 ms on the 2-core machine under load, the rest under 20 ms; the compile worker is started
// before (beforeAll), so its start-up is not counted.
const BOUND_MS = 2_000;
const HEAP_BOUND = 400 * MiB;

/** Compiles `bytes` and checks it was refused promptly without a large heap; returns the error. */
async function refusedPromptly(bytes: Uint8Array, options?: CompileOptions): Promise<LoadError> {
  fullGc();
  const heap = process.memoryUsage().heapUsed;
  const started = performance.now();
  const result: CompileResult = await engine.compile(bytes, options);
  expect(performance.now() - started).toBeLessThan(BOUND_MS);
  expect(process.memoryUsage().heapUsed - heap).toBeLessThan(HEAP_BOUND);
  if (result.ok) throw new Error('expected the upload to be refused');
  return result.error;
}

const PREAMBLE = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00]);

const concat = (...parts: Uint8Array[]) => Uint8Array.from(Buffer.concat(parts));

let hostile: Uint8Array;
let hello: Uint8Array;
let helloCore: Uint8Array;

beforeAll(async () => {
  const built = await buildAll({ hostile: HOSTILE.assemblyscript });
  hostile = built.hostile;
  const result = await buildGuest(HELLO.assemblyscript, { out: '/dev/null' });
  if (!result.ok) throw new Error(result.error.message);
  hello = result.value.component;
  helloCore = result.value.core;
  // Starts the compile worker (over a second on a loaded machine), which refusedPromptly must not count.
  if (!(await engine.compile(hello)).ok) throw new Error('hello does not load');
}, 120_000);

describe('malformed uploads', () => {
  it.each([
    ['after the preamble', 9],
    ['in the middle', 0.5],
    ['one byte short', -1],
  ])('refuses a component truncated %s, saying where it breaks', async (_, at) => {
    const end = at === -1 ? hostile.length - 1 : at < 1 ? Math.floor(hostile.length * at) : at;
    const error = await refusedPromptly(hostile.subarray(0, end));
    expect(error.code).toBe('malformed');
    expect(error.message).toMatch(/offset|byte|unexpected end/i);
  });

  it('refuses a core module where a component is required', async () => {
    expect(await refusedPromptly(helloCore)).toEqual({
      code: 'not-component',
      message: expect.stringContaining('this is a core wasm module, not a component'),
    });
  });

  it('refuses a component of another world: foreign imports, no routes', async () => {
    const wit = `package evil:net@1.0.0;
      interface socket { connect: func(host: string) -> s32; }
      world other { import socket; export run: func() -> s32; }`;
    const bytes = await componentFromWat(
      `(module (import "evil:net/socket@1.0.0" "connect" (func (param i32 i32) (result i32)))
        (memory (export "memory") 1)
        (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024))
        (func (export "run") (result i32) (i32.const 0)))`,
      wit,
      'other',
    );
    const error = await refusedPromptly(bytes);
    expect(error.code).toBe('import');
    expect(error.message).toContain("import 'evil:net/socket@1.0.0' is not allowed");
  });

  it('refuses a component of our package that lacks the routes', async () => {
    const wit = `${ksrWit}\nworld partial { import pv; export request-route: func(); }`;
    const bytes = await componentFromWat(
      `(module (memory (export "memory") 1)
        (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024))
        (func (export "request-route")))`,
      wit,
      'partial',
    );
    expect(await refusedPromptly(bytes)).toEqual({
      code: 'export',
      message: "missing export 'reply-route: func()'",
    });
  });

  it('refuses a 20 MB upload above the tenant cap before reading it', async () => {
    const big = concat(PREAMBLE, randomBytes(20 * 1000 * 1000));
    expect(await refusedPromptly(big, { limits: { maxComponentBytes: 16 * MiB } })).toEqual({
      code: 'too-large',
      message: `the module is ${big.length} bytes, above the ${16 * MiB}-byte limit`,
    });
  });

  it('refuses 20 MB of junk under the default cap, saying where it breaks', async () => {
    const error = await refusedPromptly(concat(PREAMBLE, randomBytes(20 * 1000 * 1000)));
    expect(error.code).toBe('malformed');
    expect(error.message).toMatch(/offset|byte/i);
  });

  it('refuses a component bomb: nested instantiations multiplying to millions of instances', async () => {
    // Seven levels, each instantiating the one below ten times: 10^7 instances from under 1 KB.
    let level = `(component $c0 (core module $m) ${'(core instance (instantiate $m))'.repeat(10)})`;
    for (let d = 1; d <= 6; d++) {
      level = `(component $c${d} ${level} ${`(instance (instantiate $c${d - 1}))`.repeat(10)})`;
    }
    const bomb = (await wasmTools()).parse(`(component ${level} (instance (instantiate $c6)))`);
    expect(bomb.length).toBeLessThan(1000);
    const error = await refusedPromptly(bomb);
    expect(error.code).toBe('structure');
    expect(error.message).toContain('more than 1000 instances');
  });

  it('refuses a component nested 2000 levels deep', async () => {
    // Built on the bytes (the WAT parser has its own nesting limit): a component section holding itself.
    let inner = PREAMBLE;
    for (let d = 0; d < 2000; d++) inner = concat(PREAMBLE, section(4, inner));
    const error = await refusedPromptly(inner);
    expect(error.code).toBe('structure');
    expect(error.message).toContain('nested deeper than 8 levels');
  });

  it('refuses a section claiming 4 billion entries without allocating for them', async () => {
    const error = await refusedPromptly(
      concat(PREAMBLE, Uint8Array.from([7, 5, 0xff, 0xff, 0xff, 0xff, 0x0f])),
    );
    expect(error.code).toBe('malformed');
    expect(error.message).toMatch(/count exceeds limit of \d+ \(at offset 0xa\)/);
  });

  it('refuses a type nested 100000 levels deep, with a bounded message', async () => {
    // 1.3 MB of component types, each a list of the previous one, used in an imported function.
    const depth = 100_000;
    const types = ['(type $t0 (list u8))'];
    for (let i = 1; i < depth; i++) types.push(`(type $t${i} (list $t${i - 1}))`);
    const bytes = (await wasmTools()).parse(`(component ${types.join(' ')}
      (type $f (func (param "name" $t${depth - 1})))
      (import "kemi:ksr/pv@0.1.0" (instance (alias outer 1 $f (type $g)) (export "get" (func (type $g))))))`);
    const error = await refusedPromptly(bytes);
    expect(error.code).toBe('import');
    expect(error.message).toMatch(
      /^import 'kemi:ksr\/pv@0\.1\.0' function 'get': has type func\(name: list<list</,
    );
    expect(error.message.length).toBeLessThan(2000);
  });

  it('refuses an upload that makes the validator trap, and validates the next ones', async () => {
    // 14 bytes on which jco's transpiler panics ("capacity overflow"): its wasm instance was dead after
    // that, and every later upload of every tenant was refused as malformed.
    const trap = Uint8Array.from([...PREAMBLE, 0x3d, 0xb5, 0xc2, 0xfb, 0x81, 0x0c]);
    const error = await refusedPromptly(trap);
    expect(error).toEqual({
      code: 'malformed',
      message: 'invalid component: wasm trap: wasm `unreachable` instruction executed',
    });
    const [again, next] = await Promise.all([engine.compile(hostile), engine.compile(hello)]);
    expect(again.ok && next.ok).toBe(true);
  });

  it('never throws on random bytes, with or without a component preamble', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.uint8Array({ maxLength: 4096 }), async (preamble, junk) => {
        const bytes = preamble ? concat(PREAMBLE, junk) : junk;
        const result = await engine.compile(bytes);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.error.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 150 },
    );
  });

  it('never throws on a route component with bytes flipped, and runs what it accepts', async () => {
    // A flip anywhere is nearly always refused at load (about 1 in 6 single flips loads), which leaves the
    // second half of the claim untested: half the runs flip bytes of the route's log format (AssemblyScript
    // keeps it as UTF-16 inside one data segment), which loads; the mutants that ran are counted.
    const format = Buffer.from('request $rm $ru from $si:$sp call-id $ci', 'utf16le');
    const first = Buffer.from(hello).indexOf(format);
    const last = first + format.length;
    expect(first).toBeGreaterThan(0);
    const flips = (at: fc.Arbitrary<number>) =>
      fc.array(fc.tuple(at, fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 });
    let ran = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(flips(fc.nat(hello.length - 1)), flips(fc.integer({ min: first, max: last - 1 }))),
        async (flips) => {
          const bytes = Uint8Array.from(hello);
          for (const [at, xor] of flips) bytes[at] ^= xor;
          const result = await engine.compile(bytes, { limits: { maxMemoryBytes: 16 * MiB } });
          if (!result.ok) return;
          const linked = createRunner(result.value, new Linker(ksrModules), { limits: { fuel: 1_000_000 } });
          if (!linked.ok) return;
          // Whatever the mutant does, the runtime gives an outcome (a thrown exception fails the property).
          linked.value.invoke('request-route', contextFor(INVITE).ctx);
          ran++;
        },
      ),
      { numRuns: 25 },
    );
    // About 13 of the 25 run; fewer than 5 has a chance below 1 in 1000.
    expect(ran).toBeGreaterThanOrEqual(5);
  });
});

describe('capabilities', () => {
  it('refuses at load a component importing a KSR interface the tenant was not granted', async () => {
    expect(await refusedPromptly(hostile, { capabilities: ['core', 'pv'] })).toEqual({
      code: 'capability',
      message:
        "import 'kemi:ksr/hdr@0.1.0': interface 'hdr' is not granted to this tenant (granted: core, pv)",
    });
  });

  it('refuses at link a module compiled for more than the tenant is granted', async () => {
    const compiled = await engine.compile(hostile);
    if (!compiled.ok) throw new Error(compiled.error.message);
    const linked = createRunner(compiled.value, new Linker(ksrModules), {
      capabilities: ['core', 'pv', 'sl'],
    });
    expect(linked.ok).toBe(false);
    if (linked.ok) return;
    expect(linked.error).toEqual({
      code: 'capability',
      message: "interface 'hdr' is not granted to this tenant (the module imports hdr.append)",
    });
  });
});

describe.each(LANGUAGES)('forbidden import (wasi:filesystem) in %s', (language) => {
  const dir = `guest-examples/hostile/forbidden-import/${language}`;

  it('is refused by kemi-wasm build, naming the import', async () => {
    const result = await buildGuest(dir, { out: '/dev/null' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('check');
    expect(result.error.message).toContain(
      'the module imports wasi:filesystem/preopens@0.2.0.get-directories: a route reaches the host only through KSR, not WASI',
    );
  });

  it('is refused at load when wrapped by hand with a world that includes WASI', async () => {
    // What a tenant bypassing our build would do: the compiler's own module, embedded with a world that
    // includes (a reduced) wasi:filesystem/preopens and made into a component by wit-component.
    const project = detectProject(dir);
    if (!project.ok) throw new Error(project.error.message);
    if (project.value.language === 'javascript') throw new Error('a core-module guest was expected');
    const compiled =
      project.value.language === 'rust'
        ? await compileRust(project.value)
        : await compileAssemblyScript(project.value);
    if (!compiled.ok) throw new Error(compiled.error.message);
    let core = compiled.value.core;
    if (project.value.language === 'assemblyscript') {
      const renamed = await renameAssemblyScriptExports(core, findWorld(ksrPackage, SCRIPT_WORLD));
      if (!renamed.ok) throw new Error(renamed.error.message);
      core = renamed.value.core;
    }
    const wit = `${ksrWit}
world tenant { include script; import wasi:filesystem/preopens@0.2.0; }
package wasi:filesystem@0.2.0 { interface preopens { get-directories: func() -> list<string>; } }`;
    const tools = await wasmTools();
    const component = tools.componentNew(
      tools.componentEmbed({ binary: core, witSource: wit, world: 'tenant', stringEncoding: 'utf8' }),
      undefined,
    );
    expect(await refusedPromptly(component)).toEqual({
      code: 'import',
      message:
        "import 'wasi:filesystem/preopens@0.2.0' is not allowed: WASI is not available to routing scripts; only interfaces of kemi:ksr@0.1.0 world 'script' can be imported",
    });
  });
});

/** A component-model section: id, LEB128 size, payload. */
function section(id: number, payload: Uint8Array): Uint8Array {
  const size: number[] = [];
  let n = payload.length;
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    size.push(byte);
  } while (n);
  return concat(Uint8Array.from([id, ...size]), payload);
}
