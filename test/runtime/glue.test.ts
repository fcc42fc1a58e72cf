// src/runtime/glue.ts edits the text jco generates. jco is pinned to one exact version, and these tests fail
// when an edit no longer finds its site in the glue of a real example route (after a jco upgrade), instead of
// the jco path silently running unpatched glue (a per-call read of process.env) or refusing every module.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGuest } from '../../src/builder/index.ts';
import { GLUE_PATCHES, prepareGlue } from '../../src/runtime/glue.ts';
import { WorkerTranspiler } from '../../src/runtime/transpile.ts';

const root = new URL('../../', import.meta.url);
const json = (path: string) => JSON.parse(readFileSync(new URL(path, root), 'utf8'));
const JCO = '@bytecodealliance/jco-transpile';

const transpiler = new WorkerTranspiler();
let glue: string;

beforeAll(async () => {
  const built = await buildGuest(new URL('guest-examples/assemblyscript/hello', root).pathname, {
    out: '/dev/null',
  });
  if (!built.ok) throw new Error(built.error.message);
  const transpiled = await transpiler.transpile(built.value.component);
  if (!transpiled.ok) throw new Error(transpiled.error);
  glue = new TextDecoder().decode(transpiled.value.files['component.js']);
}, 120_000);

afterAll(() => transpiler.close());

describe("jco's glue", () => {
  it('comes from the exact jco version package.json and package-lock.json pin', () => {
    const installed = json(`node_modules/${JCO}/package.json`).version;
    expect(json('package.json').dependencies[JCO]).toBe(installed);
    expect(json('package-lock.json').packages[''].dependencies[JCO]).toBe(installed);
  });

  it.each(GLUE_PATCHES.map((p) => [p.replacement, p.pattern] as const))(
    'has the site of the edit to `%s`',
    (_, pattern) => {
      expect(glue).toMatch(pattern);
    },
  );

  it('becomes a function body with no module statement and no per-call debug log', () => {
    const body = prepareGlue(glue);
    if (!body.ok) throw new Error(body.error);
    expect(body.value).not.toMatch(/^(?:export|import)\b/m);
    expect(body.value).not.toContain('JCO_DEBUG');
    expect(typeof new Function(body.value)()).toBe('function');
  });
});
