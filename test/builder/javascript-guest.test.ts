// The JavaScript/TypeScript side of the build without componentize-js's minute: which folders are JS
// projects and their entries, and what the child process stages for componentize-js (types stripped, the
// SDK specifier pointed at the SDK, the routes mapped to the world's export names). The component itself
// is built in test/guest-examples/hello.test.ts and the e2e suites.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findComponentizeJs } from '../../src/builder/compile-javascript.ts';
import { entryWrapper, stageProject } from '../../src/builder/componentize-js-child.ts';
import { detectProject } from '../../src/builder/detect.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kemi-js-builder-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let count = 0;
function folder(files: Record<string, string>): string {
  const dir = join(scratch, `p${++count}`);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('detectProject for JavaScript and TypeScript', () => {
  it('takes "main" of package.json, and the scope off the name', () => {
    const dir = folder({
      'package.json': '{ "name": "@acme/route", "main": "./src/route.mts" }',
      'src/route.mts': '',
    });
    expect(detectProject(dir)).toEqual({
      ok: true,
      value: { language: 'javascript', dir, name: 'route', entry: 'src/route.mts' },
    });
  });

  it('falls back to index.js, then index.ts', () => {
    const js = folder({ 'package.json': '{}', 'index.js': '', 'index.ts': '' });
    const ts = folder({ 'package.json': '{}', 'index.ts': '' });
    expect(detectProject(js)).toMatchObject({
      ok: true,
      value: { language: 'javascript', entry: 'index.js' },
    });
    expect(detectProject(ts)).toMatchObject({
      ok: true,
      value: { language: 'javascript', entry: 'index.ts' },
    });
  });

  it('keeps a package.json next to assembly/index.ts an AssemblyScript project', () => {
    const dir = folder({ 'package.json': '{}', 'assembly/index.ts': '', 'index.js': '' });
    expect(detectProject(dir)).toMatchObject({ ok: true, value: { language: 'assemblyscript' } });
  });

  it('refuses a "main" that is not a script', () => {
    const dir = folder({ 'package.json': '{ "main": "route.wasm" }', 'route.wasm': '' });
    expect(detectProject(dir)).toMatchObject({ ok: false, error: { code: 'detect' } });
  });
});

describe('staging for componentize-js', () => {
  it('strips TypeScript, keeps file names, points kemi-wasm/ksr at the SDK and skips node_modules', () => {
    const dir = folder({
      'index.ts': [
        "import { KSR } from 'kemi-wasm/ksr';",
        "import { answer } from './lib/answer.ts';",
        'export function request_route(): void { answer(404 as number); }',
      ].join('\n'),
      'lib/answer.ts': [
        'import { KSR } from "kemi-wasm/ksr";',
        'enum Code { NotFound = 404 }',
        "export const answer = (code: number): number => KSR.sl.sl_send_reply(code, 'Not Found') + Code.NotFound;",
      ].join('\n'),
      'node_modules/dep/index.js': 'export const x = 1;',
      'index.d.ts': 'export declare const y: number;',
    });
    const stage = join(scratch, `stage${++count}`);
    const sdk = join(stage, '__kemi', 'ksr.js');
    mkdirSync(dirname(sdk), { recursive: true });
    stageProject(dir, stage, sdk);
    const index = readFileSync(join(stage, 'index.ts'), 'utf8');
    expect(index).toContain("from './__kemi/ksr.js'");
    expect(index).toContain("from './lib/answer.ts'");
    expect(index).not.toMatch(/: void|as number/);
    const lib = readFileSync(join(stage, 'lib', 'answer.ts'), 'utf8');
    expect(lib).toContain("from '../__kemi/ksr.js'");
    expect(lib).not.toMatch(/code: number|\): number/);
    expect(lib).toMatch(/Code\[/); // the enum, transformed into JavaScript
    expect(() => readFileSync(join(stage, 'node_modules', 'dep', 'index.js'))).toThrow();
    expect(() => readFileSync(join(stage, 'index.d.ts'))).toThrow();
  });

  it('wraps the entry: the snake_case routes under the export names, a clear error for a missing one', () => {
    const wrapper = entryWrapper('src/route.ts');
    expect(wrapper).toContain("import * as routes from '../src/route.ts';");
    expect(wrapper).toContain('export function requestRoute() { routes.request_route(); }');
    expect(wrapper).toContain('export function namedRoute(name) { routes.named_route(name); }');
    expect(wrapper).toContain('does not export the function');
  });

  it('finds componentize-js from a route folder outside any node_modules through kemi-wasm', () => {
    expect(findComponentizeJs(folder({ 'package.json': '{}' }))).toMatch(
      /\/@bytecodealliance\/componentize-js\/src\/componentize\.js$/,
    );
  });
});
