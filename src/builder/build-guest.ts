// `buildGuest(dir)`: from a guest project's folder to a component of the script world, in steps that each
// report their time: detect, compile, post-process (AssemblyScript only), embed, component, validate, write.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { err, OK, ok } from '../result.ts';
import { ksrPackage } from '../runtime/wit.ts';
import { renameAssemblyScriptExports } from './assemblyscript-exports.ts';
import { findWorld, SCRIPT_WORLD } from './bindings/world.ts';
import { checkComponent } from './check-component.ts';
import { checkCoreModule } from './check-core-module.ts';
import { compileAssemblyScript } from './compile-assemblyscript.ts';
import { compileRust } from './compile-rust.ts';
import { embedWit, newComponent } from './componentize.ts';
import { detectProject } from './detect.ts';
import {
  type BuildError,
  type BuildOptions,
  type BuildProgress,
  type BuildResult,
  type BuildStepName,
  type StepResult,
  stepError,
} from './types.ts';

export async function buildGuest(dir: string, options: BuildOptions = {}): Promise<BuildResult> {
  const steps: BuildProgress[] = [];
  const fail = (result: { readonly error: BuildError }): BuildResult => err({ ...result.error, steps });
  // Times one step and reports it when it succeeds; `describe` turns its value into the progress line.
  async function step<T>(
    name: BuildStepName,
    run: () => StepResult<T> | Promise<StepResult<T>>,
    describe: (value: T) => string,
  ): Promise<StepResult<T>> {
    const start = performance.now();
    const result = await run();
    if (result.ok) {
      const progress = { step: name, detail: describe(result.value), ms: performance.now() - start };
      steps.push(progress);
      options.onProgress?.(progress);
    }
    return result;
  }

  const world = findWorld(ksrPackage, SCRIPT_WORLD);
  const detected = await step(
    'detect',
    () => detectProject(dir),
    (p) => `${languageName(p.language)} ${p.name}`,
  );
  if (!detected.ok) return fail(detected);
  const project = detected.value;

  const compiled = await step(
    'compile',
    () =>
      project.language === 'rust'
        ? compileRust(project, options.rustToolchain)
        : compileAssemblyScript(project),
    (c) => `${c.command} -> core module ${kib(c.core.length)}`,
  );
  if (!compiled.ok) return fail(compiled);
  let core = compiled.value.core;

  if (project.language === 'assemblyscript') {
    const renamed = await step(
      'post-process',
      () => renameAssemblyScriptExports(core, world, project.dir),
      (r) => `exports renamed: ${r.renamed.join(', ')}`,
    );
    if (!renamed.ok) return fail(renamed);
    core = renamed.value.core;
  }

  const checked = await step(
    'check',
    () => checkCoreModule(core, ksrPackage, world),
    () => 'core module imports and exports',
  );
  if (!checked.ok) return fail(checked);
  const embedded = await step(
    'embed',
    () => embedWit(core, SCRIPT_WORLD),
    () => `wit/ksr.wit, world ${SCRIPT_WORLD}`,
  );
  if (!embedded.ok) return fail(embedded);
  const component = await step(
    'component',
    () => newComponent(embedded.value),
    (c) => `component ${kib(c.length)}`,
  );
  if (!component.ok) return fail(component);
  const shape = await step(
    'validate',
    () => checkComponent(component.value, ksrPackage, world),
    (s) =>
      `imports ${s.imports.map((i) => i.replace(/^.*\/|@.*$/g, '')).join(' ')}; exports ${s.exports.join(' ')}`,
  );
  if (!shape.ok) return fail(shape);

  const out = resolve(options.out ?? join(project.dir, 'build', `${project.name}.wasm`));
  const written = await step(
    'write',
    () => writeOutput(out, component.value),
    () => out,
  );
  if (!written.ok) return fail(written);

  return ok({
    language: project.language,
    name: project.name,
    out,
    component: component.value,
    core,
    warnings: compiled.value.warnings,
    steps,
  });
}

async function writeOutput(out: string, bytes: Uint8Array): Promise<StepResult<void>> {
  try {
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, bytes);
    return OK;
  } catch (e) {
    return stepError('write', `cannot write ${out}: ${(e as Error).message}`);
  }
}

function languageName(language: string): string {
  return language === 'rust' ? 'Rust crate' : 'AssemblyScript project';
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
