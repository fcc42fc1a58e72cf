// The server's own KSR tables (src/kemi) against wit/ksr.wit: the check the server runs at startup.
import { describe, expect, it } from 'vitest';
import { ksrModules } from '../../src/kemi/index.ts';
import { checkBindings } from '../../src/runtime/check-bindings.ts';
import { Linker } from '../../src/runtime/linker.ts';
import { ksrPackage } from '../../src/runtime/wit.ts';

const tables = ksrModules;

describe('the KSR tables of src/kemi', () => {
  it('bind every function of the world with the WIT signature', () => {
    expect(checkBindings(ksrPackage, tables)).toEqual([]);
  });

  it('can each be generated into a fast-path host function', () => {
    const linker = new Linker(tables);
    const functions = ksrPackage.interfaces.flatMap((i) =>
      i.functions.map((f) => ({ iface: i.name, fn: f.name })),
    );
    const module = { path: 'fast', meta: { functions }, bindings: functions } as unknown as Parameters<
      Linker['fastImports']
    >[0];
    expect(linker.check(module, undefined)).toBeUndefined();
    const imports = linker.fastImports(module, {
      fuel: undefined,
      memoryExhausted: undefined,
    } as unknown as Parameters<Linker['fastImports']>[1]);
    const count = Object.entries(imports)
      .filter(([name]) => name.startsWith('kemi:ksr/'))
      .reduce((n, [, fns]) => n + Object.keys(fns).length, 0);
    expect(count).toBe(functions.length);
  });
});
