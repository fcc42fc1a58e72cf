// kemi-wasm init: every language and template gives a project whose files come from the example, with the
// SDK of this installation wired in by a path that exists, the template's cases and a README.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { stripTypeScriptTypes } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { detectProject } from '../../src/builder/detect.ts';
import { eraseTypes } from '../../src/scaffold/erase-types.ts';
import { initProject, projectName } from '../../src/scaffold/init-project.ts';
import { EXAMPLES_DIR, LANGUAGE_NAMES, TEMPLATES } from '../../src/scaffold/languages.ts';

const run = promisify(execFile);
const tsc = fileURLToPath(import.meta.resolve('typescript/bin/tsc'));
const root = mkdtempSync(join(tmpdir(), 'kemi-init-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('initProject', () => {
  for (const language of LANGUAGE_NAMES) {
    for (const template of TEMPLATES) {
      it(`${language} ${template}: the example's sources, the SDK by path, the cases and a README`, {
        timeout: 60_000,
      }, async () => {
        const dir = join(root, language, `My ${template}`);
        const made = await initProject(dir, { language, template });
        if (!made.ok) throw new Error(made.error);
        const name = `my-${template}`;
        expect(made.value.name).toBe(name);
        expect(readFileSync(join(dir, 'test/cases.yaml'), 'utf8')).toBe(
          readFileSync(join(EXAMPLES_DIR, 'cases', `${template}.yaml`), 'utf8'),
        );
        expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain(
          `kemi-wasm test build/${name}.wasm test/cases.yaml`,
        );
        const detected = detectProject(dir);
        const builder = language === 'js' || language === 'ts' ? 'javascript' : language;
        expect(detected.ok && [detected.value.language, detected.value.name]).toEqual([builder, name]);
        if (language === 'assemblyscript') {
          expect(made.value.files).toEqual([
            '.gitignore',
            'README.md',
            'asconfig.json',
            'assembly/index.ts',
            'package.json',
            'test/cases.yaml',
          ]);
          const source = readFileSync(join(dir, 'assembly/index.ts'), 'utf8');
          const sdk = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
          expect(sdk).toHaveLength(2);
          for (const path of sdk) {
            const at = resolve(dir, 'assembly', path);
            expect(existsSync(`${at}.ts`) || existsSync(join(at, 'index.ts'))).toBe(true);
          }
          const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
          expect(Object.keys(pkg.devDependencies)).toEqual(['assemblyscript']);
          // The rest of the source is the example's.
          const original = readFileSync(
            join(EXAMPLES_DIR, 'assemblyscript', template, 'assembly/index.ts'),
            'utf8',
          );
          expect(source.replace(/from '[^']+sdk/g, "from '../../sdk")).toBe(original);
        } else if (language === 'js' || language === 'ts') {
          const [main, config] =
            language === 'js' ? ['index.js', 'jsconfig.json'] : ['index.ts', 'tsconfig.json'];
          expect(made.value.files).toEqual(
            ['.gitignore', 'README.md', main, config, 'package.json', 'test/cases.yaml'].sort(),
          );
          const example = readFileSync(join(EXAMPLES_DIR, 'js', template, 'index.ts'), 'utf8');
          const source = readFileSync(join(dir, main), 'utf8');
          if (language === 'ts') expect(source).toBe(example);
          else {
            expect(source).toBe(eraseTypes(example));
            // No type syntax is left: stripping types finds nothing to strip.
            expect(stripTypeScriptTypes(source)).toBe(source);
            expect(source).toContain("import { KSR } from 'kemi-wasm/ksr';");
          }
          const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
          expect(pkg.main).toBe(main);
          expect(Object.keys(pkg.devDependencies)).toEqual(['@bytecodealliance/componentize-js']);
          const paths = JSON.parse(readFileSync(join(dir, config), 'utf8')).compilerOptions.paths;
          expect(existsSync(resolve(dir, paths['kemi-wasm/ksr'][0]))).toBe(true);
          // The TypeScript route type-checks against the SDK's types.
          if (language === 'ts') await run(process.execPath, [tsc, '-p', join(dir, config)]);
        } else {
          expect(made.value.files).toEqual([
            '.gitignore',
            'Cargo.toml',
            'README.md',
            'src/lib.rs',
            'test/cases.yaml',
          ]);
          const manifest = readFileSync(join(dir, 'Cargo.toml'), 'utf8');
          const ksr = /^ksr = \{ path = "(.*)" \}$/m.exec(manifest)?.[1];
          expect(existsSync(join(resolve(dir, ksr!), 'Cargo.toml'))).toBe(true);
          expect(readFileSync(join(dir, 'src/lib.rs'), 'utf8')).toBe(
            readFileSync(join(EXAMPLES_DIR, 'rust', template, 'src/lib.rs'), 'utf8'),
          );
        }
      });
    }
  }

  it('refuses a folder that is not empty', async () => {
    const dir = join(root, 'taken');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const made = await initProject(dir, { language: 'rust', template: 'hello' });
    expect(!made.ok && made.error).toBe(`${dir} is not empty: give a new folder`);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  });
});

describe('projectName', () => {
  it('makes a package and crate name of the folder name', () => {
    expect(projectName('/x/My Route.v2')).toEqual({ ok: true, value: 'my-route-v2' });
    expect(projectName('routes/2fast_proxy')).toEqual({ ok: true, value: 'fast_proxy' });
    expect(projectName('/x/123').ok).toBe(false);
  });
});

describe('eraseTypes', () => {
  it('removes type syntax and the blanks it leaves, keeping comments and layout', () => {
    const source = [
      "import type { Foo } from './foo.ts';",
      '// A comment stays.',
      'interface Bar {',
      '  readonly x: string;',
      '}',
      '',
      'export function named_route(name: string): void {',
      '  const y = name as string;',
      '  const z: Array<number> = [1, 2];',
      '  f<string>(y, z);',
      '}',
      '',
    ].join('\n');
    expect(eraseTypes(source)).toBe(
      [
        '// A comment stays.',
        '',
        'export function named_route(name) {',
        '  const y = name;',
        '  const z = [1, 2];',
        '  f(y, z);',
        '}',
        '',
      ].join('\n'),
    );
  });
});
