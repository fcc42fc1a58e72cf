import { describe, expect, it } from 'vitest';
import { BinaryFormatError } from '../../src/runtime/byte-reader.ts';
import { readComponent, StructureLimitError } from '../../src/runtime/component-reader.ts';
import { witFunc } from '../../src/runtime/component-types.ts';
import { Guest } from './helpers/guest.ts';
import { engine } from './helpers/run.ts';
import { wasmTools } from './helpers/wasm-tools.ts';

/** A component whose nested components each instantiate the level below `fanout` times. */
function instantiationBomb(depth: number, fanout: number): string {
  let level = `(component $c0 (core module $m) ${'(core instance (instantiate $m))'.repeat(fanout)})`;
  for (let d = 1; d <= depth; d++) {
    level = `(component $c${d} ${level} ${`(instance (instantiate $c${d - 1}))`.repeat(fanout)})`;
  }
  return `(component ${level} (instance (instantiate $c${depth})))`;
}

describe('component reader', () => {
  it('reads the imported functions and the exports with their WIT types', async () => {
    const g = new Guest();
    g.route(
      'request-route',
      `${g.call('pv', 'get', ['$ru'])} ${g.call('sl', 'sl-send-reply', [200, 'OK'])} drop`,
    );
    const info = readComponent(await g.component());
    const imports = info.imports.map((i) => [
      i.name,
      i.extern.sort === 'instance' && i.extern.type
        ? [...i.extern.type.exports].map(
            ([n, e]) => `${n}: ${e.sort === 'func' && e.type ? witFunc(e.type) : '?'}`,
          )
        : [],
    ]);
    expect(imports).toEqual([
      ['kemi:ksr/pv@0.1.0', ['get: func(name: string) -> option<string>']],
      ['kemi:ksr/sl@0.1.0', ['sl-send-reply: func(code: s32, reason: string) -> s32']],
    ]);
    expect(
      info.exports.map(
        (e) => `${e.name}: ${e.extern.sort === 'func' && e.extern.type ? witFunc(e.extern.type) : '?'}`,
      ),
    ).toEqual(['request-route: func()', 'reply-route: func()', 'named-route: func(name: string)']);
    expect(info.coreModules).toHaveLength(3);
    expect(info.canon.every((c) => c.encoding === 'utf8')).toBe(true);
  });

  it('refuses components nested deeper than the limit', async () => {
    const tools = await wasmTools();
    const deep = tools.parse(`${'(component '.repeat(40)}${')'.repeat(40)}`);
    expect(() => readComponent(deep)).toThrow(StructureLimitError);
    const result = await engine.compile(deep);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('structure');
      expect(result.error.message).toContain('nested deeper than 8 levels');
    }
  });

  it('refuses a component bomb: nested instantiations multiplying to too many instances', async () => {
    const tools = await wasmTools();
    const bomb = tools.parse(instantiationBomb(6, 10));
    expect(bomb.length).toBeLessThan(1000);
    const result = await engine.compile(bomb);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('structure');
      expect(result.error.message).toContain('more than 1000 instances');
    }
    // The same shape, small enough, is counted exactly: 1 + 3 * (1 + 3 core instances).
    expect(readComponent(tools.parse(instantiationBomb(1, 3))).instanceCount).toBe(1 + 3 * (1 + 3));
  });

  it('refuses a count larger than the bytes that follow without allocating for it', () => {
    const bytes = Uint8Array.from([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0, 2, 5, 0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(() => readComponent(bytes)).toThrow(BinaryFormatError);
    expect(() => readComponent(bytes)).toThrow(/count 4294967295 exceeds the remaining 0 bytes at byte 10/);
  });
});
