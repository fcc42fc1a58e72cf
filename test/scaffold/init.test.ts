// kemi-wasm init: every language and template gives a project whose files come from the example, with the
// SDK of this installation wired in by a path that exists, the template's cases and a README.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectProject } from '../../src/builder/detect.ts';
import { initProject, projectName } from '../../src/scaffold/init-project.ts';
import { EXAMPLES_DIR, LANGUAGE_NAMES, TEMPLATES } from '../../src/scaffold/languages.ts';

const root = mkdtempSync(join(tmpdir(), 'kemi-init-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('initProject', () => {
  for (const language of LANGUAGE_NAMES) {
    for (const template of TEMPLATES) {
      it(`${language} ${template}: the example's sources, the SDK by path, the cases and a README`, async () => {
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
        expect(detected.ok && [detected.value.language, detected.value.name]).toEqual([language, name]);
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
