// `buildGuest(dir)`: from a guest project's folder to a component of the script world, in steps that each
// report their time: detect, compile, post-process (AssemblyScript only), embed, component, validate, write
// (JavaScript: detect, compile, validate, write: componentize-js makes the component).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { err, OK, ok } from '../result.ts';
import { readComponent } from '../runtime/component-reader.ts';
import { ksrPackage } from '../runtime/wit.ts';
import { renameAssemblyScriptExports } from './assemblyscript-exports.ts';
import { findWorld, SCRIPT_WORLD } from './bindings/world.ts';
import { checkComponent } from './check-component.ts';
import { checkCoreModule } from './check-core-module.ts';
import { compileAssemblyScript } from './compile-assemblyscript.ts';
import { compileJavaScript } from './compile-javascript.ts';
import { compileRust } from './compile-rust.ts';
import { embedWit, newComponent } from './componentize.ts';
import { detectProject, type GuestProject } from './detect.ts';
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

  let component: Uint8Array;
  let core: Uint8Array;
  let warnings = '';
  if (project.language === 'javascript') {
    // componentize-js makes the component itself (the engine core module plus its shims).
    const made = await step(
      'compile',
      () => compileJavaScript(project, SCRIPT_WORLD),
      (c) => `${c.command} -> component ${kib(c.component.length)}`,
    );
    if (!made.ok) return fail(made);
    component = made.value.component;
    core = largestCoreModule(component);
  } else {
    const built = await coreToComponent(project);
    if (!built.ok) return fail(built);
    ({ component, core, warnings } = built.value);
  }
  const shape = await step(
    'validate',
    () => checkComponent(component, ksrPackage, world),
    (s) =>
      `imports ${s.imports.map((i) => i.replace(/^.*\/|@.*$/g, '')).join(' ')}; exports ${s.exports.join(' ')}`,
  );
  if (!shape.ok) return fail(shape);

  const out = resolve(options.out ?? join(project.dir, 'build', `${project.name}.wasm`));
  const written = await step(
    'write',
    () => writeOutput(out, component),
    () => out,
  );
  if (!written.ok) return fail(written);

  return ok({ language: project.language, name: project.name, out, component, core, warnings, steps });

  // Rust and AssemblyScript: compile to a core module, check it, and let wit-component wrap it.
  async function coreToComponent(
    project: Exclude<GuestProject, { language: 'javascript' }>,
  ): Promise<StepResult<{ component: Uint8Array; core: Uint8Array; warnings: string }>> {
    const compiled = await step(
      'compile',
      () =>
        project.language === 'rust'
          ? compileRust(project, options.rustToolchain)
          : compileAssemblyScript(project),
      (c) => `${c.command} -> core module ${kib(c.core.length)}`,
    );
    if (!compiled.ok) return compiled;
    let core = compiled.value.core;

    if (project.language === 'assemblyscript') {
      const renamed = await step(
        'post-process',
        () => renameAssemblyScriptExports(core, world, project.dir),
        (r) => `exports renamed: ${r.renamed.join(', ')}`,
      );
      if (!renamed.ok) return renamed;
      core = renamed.value.core;
    }

    const checked = await step(
      'check',
      () => checkCoreModule(core, ksrPackage, world),
      () => 'core module imports and exports',
    );
    if (!checked.ok) return checked;
    const embedded = await step(
      'embed',
      () => embedWit(core, SCRIPT_WORLD),
      () => `wit/ksr.wit, world ${SCRIPT_WORLD}`,
    );
    if (!embedded.ok) return embedded;
    const component = await step(
      'component',
      () => newComponent(embedded.value),
      (c) => `component ${kib(c.length)}`,
    );
    if (!component.ok) return component;
    return ok({ component: component.value, core, warnings: compiled.value.warnings });
  }
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
  if (language === 'javascript') return 'JavaScript/TypeScript project';
  return language === 'rust' ? 'Rust crate' : 'AssemblyScript project';
}

/** The engine's core module of a componentize-js component: the largest of its core modules. */
function largestCoreModule(component: Uint8Array): Uint8Array {
  const { coreModules } = readComponent(component);
  const largest = coreModules.reduce((a, b) => (b.end - b.start > a.end - a.start ? b : a));
  return component.subarray(largest.start, largest.end);
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
