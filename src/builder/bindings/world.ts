// The parts of the contract every generator and the build need: which world a guest targets, which
// interfaces it imports, and which interface KEMI flattens onto KSR itself.
import type { WitInterface, WitPackage, WitWorld } from '../../runtime/wit.ts';

/** The world every routing script targets. */
export const SCRIPT_WORLD = 'script';

/**
 * KEMI puts the core module's functions straight on KSR (`KSR.is_myself_ruri()`, `KSR.info(...)`); every
 * other interface is a namespace (`KSR.pv.get`). The SDKs mirror that: `ksr::is_myself_ruri()` in Rust.
 */
export const TOP_LEVEL_INTERFACE = 'core';

export function findWorld(pkg: WitPackage, name: string): WitWorld {
  const world = pkg.worlds.find((w) => w.name === name);
  if (!world) throw new Error(`world '${name}' not found in ${pkg.name}`);
  return world;
}

/** The interfaces a world imports, in the world's order. */
export function importedInterfaces(pkg: WitPackage, worldName: string): WitInterface[] {
  return findWorld(pkg, worldName).imports.map((name) => {
    const short = name.replace(/^.*\//, '').replace(/@.*$/, '');
    const iface = pkg.interfaces.find((i) => i.name === short);
    if (!iface) throw new Error(`world ${worldName} imports unknown interface '${name}'`);
    return iface;
  });
}
