// Reads a built component's world back (jco's componentWit) and checks it is a routing script: every
// import a kemi:ksr interface, every route of the script world exported.
import { componentWit } from '@bytecodealliance/jco-transpile/wasm-tools';
import { ok } from '../result.ts';
import type { WitPackage, WitWorld } from '../runtime/wit.ts';
import { type StepResult, stepError } from './types.ts';

export interface ComponentShape {
  /** `kemi:ksr/pv@0.1.0` ... */
  readonly imports: readonly string[];
  /** `request-route` ... */
  readonly exports: readonly string[];
}

/** Imports and exports of a component's world, from the WIT text componentWit prints. */
export async function componentShape(component: Uint8Array): Promise<ComponentShape> {
  const wit = await componentWit(component);
  return {
    imports: [...wit.matchAll(/^\s*import\s+([^;:\s]+:[^;\s]+);/gm)].map((m) => m[1]),
    exports: [...wit.matchAll(/^\s*export\s+([a-z][a-z0-9-]*)\s*:/gm)].map((m) => m[1]),
  };
}

export async function checkComponent(
  component: Uint8Array,
  pkg: WitPackage,
  world: WitWorld,
): Promise<StepResult<ComponentShape>> {
  const shape = await componentShape(component);
  const foreign = shape.imports.filter((name) => !name.startsWith(`${pkg.name}/`));
  if (foreign.length > 0)
    return stepError(
      'validate',
      `the component imports ${foreign.join(', ')}: only ${pkg.name}/* is allowed`,
    );
  const missing = world.exports.map((f) => f.name).filter((name) => !shape.exports.includes(name));
  if (missing.length > 0) return stepError('validate', `the component does not export ${missing.join(', ')}`);
  return ok(shape);
}
