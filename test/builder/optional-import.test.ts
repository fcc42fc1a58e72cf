// The builder's optional dependencies resolve from the guest project first (a package.json of its own),
// then from kemi-wasm's location, following the package's `exports` for ESM.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { importOptional, resolveFrom } from '../../src/builder/optional-import.ts';

const root = mkdtempSync(join(tmpdir(), 'kemi-optional-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function fakePackage(dir: string, name: string, pkg: object, files: Record<string, string>): void {
  const at = join(dir, 'node_modules', name);
  mkdirSync(at, { recursive: true });
  writeFileSync(join(at, 'package.json'), JSON.stringify({ name, type: 'module', ...pkg }));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(at, file, '..'), { recursive: true });
    writeFileSync(join(at, file), text);
  }
}

describe('resolveFrom and importOptional', () => {
  const project = join(root, 'project');
  const nested = join(project, 'routes', 'edge');
  mkdirSync(nested, { recursive: true });
  fakePackage(
    project,
    'fake-asc',
    { exports: { './asc': { import: './dist/asc.js' } } },
    {
      'dist/asc.js': 'export default { from: "project" };',
    },
  );
  fakePackage(project, 'plain', { main: 'lib/main.js' }, { 'lib/main.js': 'export const x = 1;' });

  it('walks up from the project to the package and follows its exports', () => {
    expect(resolveFrom('fake-asc/asc', nested)).toBe(
      pathToFileURL(join(project, 'node_modules/fake-asc/dist/asc.js')).href,
    );
    expect(resolveFrom('plain', nested)).toBe(
      pathToFileURL(join(project, 'node_modules/plain/lib/main.js')).href,
    );
    expect(resolveFrom('fake-asc/other', nested)).toBeUndefined();
    expect(resolveFrom('absent-package', nested)).toBeUndefined();
  });

  it('imports from the project, else from kemi-wasm, else throws', async () => {
    const local = await importOptional<{ default: { from: string } }>('fake-asc/asc', nested);
    expect(local.default.from).toBe('project');
    // Not in the project: kemi-wasm's own dependencies (the clone's node_modules).
    const own = await importOptional<{ default: { version: string } }>('assemblyscript/asc', root);
    expect(typeof own.default.version).toBe('string');
    await expect(importOptional('absent-package', nested)).rejects.toThrow();
  });
});
