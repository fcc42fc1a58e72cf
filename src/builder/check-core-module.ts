// Checks a guest's core module against the script world before wit-component sees it, so that the usual
// mistakes get a message that names the fix instead of a component-encoding error.

import { OK } from '../result.ts';
import type { WitPackage, WitWorld } from '../runtime/wit.ts';
import { qualifiedName } from '../runtime/wit.ts';
import { importedInterfaces } from './bindings/world.ts';
import { type CoreInterface, readCoreInterface } from './core-interface.ts';
import { type StepResult, stepError } from './types.ts';

export function checkCoreModule(core: Uint8Array, pkg: WitPackage, world: WitWorld): StepResult<void> {
  let module: CoreInterface;
  try {
    module = readCoreInterface(core);
  } catch (err) {
    return stepError('check', `the compiler produced an invalid module: ${(err as Error).message}`);
  }
  const functionsByModule = new Map<string, Set<string>>();
  for (const iface of importedInterfaces(pkg, world.name)) {
    functionsByModule.set(qualifiedName(pkg, iface.name), new Set(iface.functions.map((f) => f.name)));
  }
  for (const imp of module.imports) {
    const functions = functionsByModule.get(imp.module);
    if (!functions)
      return stepError(
        'check',
        `the module imports ${imp.module}.${imp.name}: ${foreignImportHint(imp.module, imp.name)}`,
      );
    if (imp.kind !== 'function' || !functions.has(imp.name)) {
      return stepError(
        'validate',
        `the module imports ${imp.module}.${imp.name}, which ${imp.module} does not have: ` +
          'the SDK is out of step with wit/ksr.wit (run npm run gen)',
      );
    }
  }
  const exports = new Map(module.exports.map((e) => [e.name, e.kind]));
  if (exports.get('memory') !== 'memory')
    return stepError('check', 'the module does not export its memory as "memory"');
  if (exports.get('cabi_realloc') !== 'function') {
    return stepError('check', 'the module does not export cabi_realloc: use the SDK (see docs/guests.md)');
  }
  for (const fn of world.exports) {
    if (exports.get(fn.name) !== 'function')
      return stepError('check', `the module does not export the route ${fn.name}`);
  }
  return OK;
}

function foreignImportHint(module: string, name: string): string {
  if (module === 'env' && name === 'abort')
    return 'build AssemblyScript with --use abort= (kemi-wasm build does)';
  if (module.startsWith('wasi')) {
    return 'a route reaches the host only through KSR, not WASI: build Rust for wasm32-unknown-unknown and avoid printing, clocks and files';
  }
  return 'a route may import only kemi:ksr interfaces: remove the code that needs it';
}
