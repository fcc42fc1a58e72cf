import { describe, expect, it } from 'vitest';
import type { KsrModule } from '../../src/kemi/define.ts';
import { checkBindings } from '../../src/runtime/check-bindings.ts';
import { ksrPackage, parseWit } from '../../src/runtime/wit.ts';
import { recordingTables } from './helpers/tables.ts';

function replace(
  tables: KsrModule[],
  iface: string,
  fn: string,
  change: (f: KsrModule['functions'][number]) => KsrModule['functions'][number] | undefined,
): KsrModule[] {
  return tables.map((t) =>
    t.name !== iface
      ? t
      : {
          ...t,
          functions: t.functions.flatMap((f) =>
            f.name === fn ? [change(f)].filter((x) => x !== undefined) : [f],
          ),
        },
  );
}

describe('checkBindings', () => {
  it('finds nothing wrong with tables generated from the contract', () => {
    expect(checkBindings(ksrPackage, recordingTables())).toEqual([]);
  });

  it('reports a WIT function with no binding', () => {
    const tables = replace(recordingTables(), 'pv', 'getvs', () => undefined);
    expect(checkBindings(ksrPackage, tables)).toEqual([
      { interface: 'pv', function: 'getvs', problem: 'no binding in the KSR table' },
    ]);
  });

  it('reports a table function whose signature differs from the WIT', () => {
    const tables = replace(recordingTables(), 'sl', 'sl-send-reply', (f) => ({
      ...f,
      params: [
        ['reason', 'string'],
        ['code', 's32'],
      ],
    }));
    const tables2 = replace(tables, 'pv', 'get', (f) => ({ ...f, result: 'string' }));
    const found = checkBindings(ksrPackage, tables2);
    expect(found).toHaveLength(2);
    expect(found[0]).toMatchObject({ interface: 'pv', function: 'get' });
    expect(found[0].problem).toContain('option<string>');
    expect(found[1]).toMatchObject({ interface: 'sl', function: 'sl-send-reply' });
    expect(found[1].problem).toContain('code: s32, reason: string');
  });

  it('reports table functions and tables the contract does not have', () => {
    const extra = recordingTables().map((t) =>
      t.name === 'x' ? { ...t, functions: [...t.functions, { ...t.functions[0], name: 'abort' }] } : t,
    );
    extra.push({ name: 'cfgutils', functions: [] });
    const found = checkBindings(ksrPackage, extra);
    expect(found).toContainEqual({ interface: 'x', function: 'abort', problem: 'not in the WIT contract' });
    expect(found).toContainEqual({
      interface: 'cfgutils',
      function: '*',
      problem: "world 'script' does not import this interface",
    });
  });

  it('reports a missing table and a WIT type the binding cannot carry', () => {
    const pkg = parseWit(`package kemi:ksr@0.1.0;
interface core {
  sizes: func() -> list<u32>;
}
interface pv {
  get: func(name: string) -> option<string>;
}
world script {
  import core;
  import pv;
  export request-route: func();
}`);
    const core: KsrModule = {
      name: 'core',
      functions: [{ name: 'sizes', params: [], result: 'none', impl: () => undefined }],
    };
    const found = checkBindings(pkg, [core]);
    expect(found).toContainEqual({
      interface: 'pv',
      function: '*',
      problem: 'no KSR table implements this interface',
    });
    expect(found).toContainEqual({
      interface: 'core',
      function: 'sizes',
      problem: 'result type list<u32> has no canonical-ABI binding',
    });
  });
});
