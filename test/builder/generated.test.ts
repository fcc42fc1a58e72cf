// The guest SDK bindings, docs/ksr-api.md and the host's KSR signatures are generated from wit/ksr.wit and
// committed; they must not drift from the contract (fix: npm run gen).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateApiDocs } from '../../src/builder/bindings/api-docs.ts';
import { generateAssemblyScript } from '../../src/builder/bindings/assemblyscript.ts';
import { generateHostSignatures } from '../../src/builder/bindings/host.ts';
import { generateFromWit } from '../../src/builder/bindings/index.ts';
import { generateRust } from '../../src/builder/bindings/rust.ts';
import { ksrPackage, parseWit } from '../../src/runtime/wit.ts';

describe('files generated from wit/ksr.wit', () => {
  it.each(generateFromWit(ksrPackage).map((f) => [f.path, f]))(
    '%s is up to date with wit/ksr.wit (npm run gen)',
    (_, file) => {
      const onDisk = readFileSync(new URL(`../../${file.path}`, import.meta.url), 'utf8');
      expect(onDisk === file.text, `${file.path} is out of date: run npm run gen`).toBe(true);
    },
  );

  it('follow a change of the contract', () => {
    const changed = parseWit(
      readFileSync(new URL('../../wit/ksr.wit', import.meta.url), 'utf8').replace(
        '  exit: func();',
        '  exit: func();\n  /// Leave the route after the current branch.\n  exit-branch: func(code: s32) -> bool;',
      ),
    );
    const header = 'test';
    expect(generateAssemblyScript(changed, 'script', header)).toContain(
      'export function exit_branch(code: i32): bool {',
    );
    expect(generateAssemblyScript(changed, 'script', header)).toContain(
      "@external('kemi:ksr/x@0.1.0', 'exit-branch')",
    );
    expect(generateRust(changed, 'script', header)).toContain('pub fn exit_branch(code: i32) -> bool {');
    expect(generateApiDocs(changed, 'script', header)).toContain('ksr::x::exit_branch(code: i32) -> bool');
    expect(generateHostSignatures(changed, 'script', header)).toContain(
      "    /** Leave the route after the current branch. */\n    'exit-branch': { params: [['code', 's32']], result: 'bool' },",
    );
  });

  it('refuses a WIT type it has no lowering for, naming the function', () => {
    const changed = parseWit(
      readFileSync(new URL('../../wit/ksr.wit', import.meta.url), 'utf8').replace(
        '  exit: func();',
        '  exit: func(code: u64);',
      ),
    );
    expect(() => generateFromWit(changed)).toThrow(/x\.exit: WIT parameter type 'u64'/);
  });
});
