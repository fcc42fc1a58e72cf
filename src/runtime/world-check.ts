// Checks a component's imports and exports against a world of the KSR package and a tenant's capability
// allow-list: only interfaces of the world may be imported, each function with exactly the contract's type,
// and every route the world exports must be there with its type.
import type { ComponentInfo } from './component-reader.ts';
import { type FuncType, witFunc, witType } from './component-types.ts';
import { type LoadError, loadError } from './load-error.ts';
import { qualifiedName, type WitFunction, type WitPackage, type WitWorld } from './wit.ts';

export function findWorld(pkg: WitPackage, world: string): WitWorld {
  const found = pkg.worlds.find((w) => w.name === world);
  if (!found) throw new Error(`package ${pkg.name} has no world '${world}'`);
  return found;
}

/** Interface name (`pv`) of a world import written either plainly or qualified. */
export function interfaceOf(written: string): string {
  const m = /^[^/]+\/([a-z][a-z0-9-]*)(?:@.*)?$/.exec(written);
  return m ? m[1] : written;
}

export function checkWorld(
  info: ComponentInfo,
  pkg: WitPackage,
  worldName: string,
  capabilities: ReadonlySet<string> | undefined,
): LoadError | undefined {
  const world = findWorld(pkg, worldName);
  const offered = new Map<string, string>();
  for (const written of world.imports) {
    const iface = interfaceOf(written);
    offered.set(qualifiedName(pkg, iface), iface);
  }
  const contract = `${pkg.name}${pkg.version ? `@${pkg.version}` : ''}`;

  for (const imp of info.imports) {
    const iface = offered.get(imp.name);
    if (iface === undefined) return loadError('import', refusal(imp.name, contract, worldName, pkg));
    if (imp.extern.sort !== 'instance' || !imp.extern.type) {
      return loadError(
        'import',
        `import '${imp.name}' is a ${imp.extern.sort}, not an instance of the interface`,
      );
    }
    if (capabilities && !capabilities.has(iface)) {
      const granted = [...capabilities].sort().join(', ') || 'none';
      return loadError(
        'capability',
        `import '${imp.name}': interface '${iface}' is not granted to this tenant (granted: ${granted})`,
      );
    }
    const wit = pkg.interfaces.find((i) => i.name === iface);
    for (const [name, ext] of imp.extern.type.exports) {
      const fn = wit?.functions.find((f) => f.name === name);
      if (!fn)
        return loadError(
          'import',
          `import '${imp.name}' wants '${name}', which interface '${iface}' does not define`,
        );
      if (ext.sort !== 'func' || !ext.type)
        return loadError('import', `import '${imp.name}': '${name}' is not a function`);
      const problem = compare(ext.type, fn);
      if (problem) return loadError('import', `import '${imp.name}' function '${name}': ${problem}`);
    }
  }

  for (const route of world.exports) {
    const exp = info.exports.find((e) => e.name === route.name);
    const wanted = `'${route.name}: ${contractFunc(route)}'`;
    if (!exp) return loadError('export', `missing export ${wanted}`);
    if (exp.extern.sort !== 'func')
      return loadError('export', `export '${route.name}' is a ${exp.extern.sort}, expected ${wanted}`);
    if (!exp.extern.type)
      return loadError('unsupported', `cannot determine the type of export '${route.name}'`);
    const problem = compare(exp.extern.type, route);
    if (problem) return loadError('export', `export '${route.name}': ${problem}`);
  }
  return undefined;
}

function refusal(name: string, contract: string, world: string, pkg: WitPackage): string {
  const allowed = `only interfaces of ${contract} world '${world}' can be imported`;
  if (name.startsWith('wasi:'))
    return `import '${name}' is not allowed: WASI is not available to routing scripts; ${allowed}`;
  if (name.startsWith(`${pkg.name}/`)) {
    return `import '${name}' is not allowed: this server implements ${contract}, and ${allowed}`;
  }
  return `import '${name}' is not allowed: ${allowed}`;
}

const norm = (t: string): string => t.replace(/\s+/g, '');

function compare(actual: FuncType, wanted: WitFunction): string | undefined {
  const same =
    !actual.async &&
    actual.params.length === wanted.params.length &&
    actual.params.every((p, i) => norm(witType(p.type)) === norm(wanted.params[i].type)) &&
    (actual.result ? norm(witType(actual.result)) : 'none') === norm(wanted.result);
  return same ? undefined : `has type ${witFunc(actual)} but the contract says ${contractFunc(wanted)}`;
}

function contractFunc(f: WitFunction): string {
  const params = f.params.map((p) => `${p.name}: ${p.type}`).join(', ');
  return `func(${params})${f.result === 'none' ? '' : ` -> ${f.result}`}`;
}
