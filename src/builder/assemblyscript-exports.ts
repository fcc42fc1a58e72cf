// AssemblyScript cannot name an export `request-route`, nor take a (ptr, len) UTF-8 string as a parameter.
// The entry exports each route under its snake_case name (`named_route(name: string)`); this rewrites the
// core module so that the world's exports exist under their WIT names, with a small glue function that
// lifts each string parameter through the SDK's `__ksr_lift_string` before calling the route.

import { ok } from '../result.ts';
import type { WitWorld } from '../runtime/wit.ts';
import { lowerFunction } from './bindings/abi.ts';
import { guestParams, snakeCase } from './bindings/names.ts';
import { importOptional } from './optional-import.ts';
import { type StepResult, stepError } from './types.ts';

export const LIFT_STRING_EXPORT = '__ksr_lift_string';
const SDK_EXPORTS_HINT =
  "re-export the SDK's core exports from the entry file: export * from '<sdk>/exports'";

export interface RenamedExports {
  readonly core: Uint8Array;
  /** `request_route -> request-route` ... */
  readonly renamed: readonly string[];
}

export async function renameAssemblyScriptExports(
  core: Uint8Array,
  world: WitWorld,
  projectDir?: string,
): Promise<StepResult<RenamedExports>> {
  const binaryen = (await importOptional<{ default: Binaryen }>('binaryen', projectDir)).default;
  const F = binaryen.Features;
  // Not Features.All: it includes encodings Node cannot load. These are what asc emits by default (+ SIMD).
  const features =
    F.MutableGlobals | F.NontrappingFPToInt | F.SignExt | F.BulkMemory | F.BulkMemoryOpt | F.SIMD128;
  const module = binaryen.readBinaryWithFeatures(core, features);
  try {
    const exported = new Map<string, string>();
    for (let i = 0; i < module.getNumExports(); i++) {
      const info = binaryen.getExportInfo(module.getExportByIndex(i));
      if (info.kind === binaryen.ExternalFunction) exported.set(info.name, info.value);
    }
    if (!exported.has('cabi_realloc'))
      return stepError('post-process', `the module does not export cabi_realloc: ${SDK_EXPORTS_HINT}`);
    const lift = exported.get(LIFT_STRING_EXPORT);

    const renamed: string[] = [];
    for (const fn of world.exports) {
      const lowered = lowerFunction(fn, world.name);
      const asName = snakeCase(fn.name);
      const signature = `${asName}(${guestParams(lowered, 'assemblyscript')}): void`;
      const internal = exported.get(asName);
      if (internal === undefined) {
        return stepError(
          'post-process',
          `the entry file does not export the route ${asName}: add export function ${signature}`,
        );
      }
      const info = binaryen.getFunctionInfo(module.getFunction(internal));
      const coreParams = binaryen.expandType(info.params);
      if (
        coreParams.length !== lowered.params.length ||
        coreParams.some((t) => t !== binaryen.i32) ||
        info.results !== binaryen.none
      ) {
        return stepError(
          'post-process',
          `the route ${asName} has the wrong signature: declare it as export function ${signature}`,
        );
      }
      const strings = lowered.params.filter((p) => p.kind === 'string').length;
      if (strings > 1 || lowered.result !== 'none') {
        // A second lifted string would be unrooted while the first is allocated: the glue is made for the
        // world's routes (no result, at most one string) and must grow before the world does.
        return stepError(
          'post-process',
          `world export ${fn.name} has a shape the AssemblyScript glue does not support yet (a kemi-wasm limitation)`,
        );
      }
      module.removeExport(asName);
      if (strings === 0) {
        module.addFunctionExport(internal, fn.name);
      } else {
        if (lift === undefined)
          return stepError(
            'post-process',
            `${asName} takes a string but ${LIFT_STRING_EXPORT} is not exported: ${SDK_EXPORTS_HINT}`,
          );
        addLiftingGlue(
          binaryen,
          module,
          fn.name,
          internal,
          lift,
          lowered.params.map((p) => p.kind === 'string'),
        );
      }
      renamed.push(`${asName} -> ${fn.name}`);
    }
    if (lift !== undefined) module.removeExport(LIFT_STRING_EXPORT);
    if (!module.validate())
      return stepError(
        'post-process',
        'binaryen produced an invalid module (a kemi-wasm bug: please report it)',
      );
    return ok({ core: module.emitBinary(), renamed });
  } finally {
    module.dispose();
  }
}

type Binaryen = typeof import('binaryen').default;

// (func $glue (param i32 ...) (call $route (call $lift (local.get 0) (local.get 1)) ...)): each string param
// is a (ptr, len) pair in the lowered signature and one AssemblyScript string in the route's.
function addLiftingGlue(
  binaryen: Binaryen,
  module: InstanceType<Binaryen['Module']>,
  exportName: string,
  route: string,
  lift: string,
  isString: readonly boolean[],
): void {
  const flat: number[] = [];
  const args: number[] = [];
  let local = 0;
  for (const string of isString) {
    if (string) {
      args.push(
        module.call(
          lift,
          [module.local.get(local, binaryen.i32), module.local.get(local + 1, binaryen.i32)],
          binaryen.i32,
        ),
      );
      flat.push(binaryen.i32, binaryen.i32);
      local += 2;
    } else {
      args.push(module.local.get(local, binaryen.i32));
      flat.push(binaryen.i32);
      local += 1;
    }
  }
  const glue = `kemi-wasm:${exportName}`;
  module.addFunction(
    glue,
    binaryen.createType(flat),
    binaryen.none,
    [],
    module.call(route, args, binaryen.none),
  );
  module.addFunctionExport(glue, exportName);
}
