// The checks of the load pipeline, before anything is rewritten: size cap, preamble, the structure read
// (bomb guard), the world and capability check, jco's full validation, and the choice of path. Every
// refusal is a LoadError value saying what and where.
import { err, fail, ok, type Result } from '../result.ts';
import { BinaryFormatError } from './byte-reader.ts';
import {
  type ComponentInfo,
  defaultStructureLimits,
  isComponent,
  readComponent,
  StructureLimitError,
} from './component-reader.ts';
import { isCoreModule } from './core-module.ts';
import type { CompileOptions } from './engine.ts';
import { type FastShape, fastShape } from './fast-shape.ts';
import type { ModuleLimits } from './limits.ts';
import type { LoadError } from './load-error.ts';
import type { Transpiled, Transpiler } from './transpile.ts';
import type { WitPackage } from './wit.ts';
import { checkWorld } from './world-check.ts';

export type { Transpiled } from './transpile.ts';

export interface Validated {
  readonly info: ComponentInfo;
  readonly transpiled: Transpiled;
  /** Undefined when the jco path was requested. */
  readonly shape: FastShape | undefined;
}

export async function validate(
  bytes: Uint8Array,
  options: CompileOptions,
  limits: ModuleLimits,
  pkg: WitPackage,
  world: string,
  transpiler: Transpiler,
): Promise<Result<Validated, LoadError>> {
  if (bytes.length > limits.maxComponentBytes) {
    return fail(
      'too-large',
      `the module is ${bytes.length} bytes, above the ${limits.maxComponentBytes}-byte limit`,
    );
  }
  if (isCoreModule(bytes)) {
    return fail(
      'not-component',
      'this is a core wasm module, not a component: make one with wit-component (`jco new`/componentNew)',
    );
  }
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    return fail('malformed', 'not WebAssembly: the first 4 bytes are not \\0asm');
  }
  if (!isComponent(bytes))
    return fail('not-component', 'this is WebAssembly but neither a core module nor a component');

  let info: ComponentInfo;
  try {
    info = readComponent(bytes, { ...defaultStructureLimits, ...options.structure });
  } catch (e) {
    if (e instanceof StructureLimitError) return fail('structure', e.message);
    if (!(e instanceof BinaryFormatError)) throw e;
    // Malformed, or valid but outside what the reader decodes: jco's validator tells which.
    const invalid = await transpiler.transpile(bytes);
    return invalid.ok
      ? fail('unsupported', `the component uses a construct this runtime does not read: ${e.message}`)
      : fail('malformed', `invalid component: ${invalid.error}`);
  }
  const refused = checkWorld(
    info,
    pkg,
    world,
    options.capabilities ? new Set(options.capabilities) : undefined,
  );
  if (refused) return err(refused);

  const transpiled = await transpiler.transpile(bytes);
  if (!transpiled.ok) return fail('malformed', `invalid component: ${transpiled.error}`);

  let shape: FastShape | undefined;
  if (options.path !== 'jco') {
    try {
      shape = fastShape(bytes, info, pkg, world);
    } catch (e) {
      if (!(e instanceof BinaryFormatError)) throw e;
      shape = err(`a core module uses a construct the fast path does not read: ${e.message}`);
    }
  }
  if (options.path === 'fast' && !shape?.ok) {
    return fail('path', `the fast path cannot run this component: ${shape?.ok === false ? shape.error : ''}`);
  }
  return ok({ info, transpiled: transpiled.value, shape });
}
