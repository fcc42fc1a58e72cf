// Decides whether a component can run on the fast path: made by wit-component from one core module (the
// guest's own, exporting `memory` and `cabi_realloc`) plus at most the shim and fixup modules that only break
// the memory/realloc cycle of lowered imports, with UTF-8 strings and nothing but lift/lower canonicals.
// Then the guest's core imports and exports must have exactly the signatures the WIT implies, because the
// fast path instantiates that core module directly with host functions written for those signatures.
import { err, ok, type Result } from '../result.ts';
import { liftedSignature, loweredSignature } from './canonical-abi.ts';
import type { ComponentInfo } from './component-reader.ts';
import { type CoreModuleInfo, funcSig, readCoreModule, sameSig, sigText } from './core-module.ts';
import { qualifiedName, type WitPackage } from './wit.ts';
import { findWorld, interfaceOf } from './world-check.ts';

/** One core import of the guest and the WIT function it is bound to. */
export interface CoreBinding {
  readonly iface: string;
  readonly fn: string;
}

/** The guest's core module as the fast path runs it. */
export interface FastCore {
  readonly core: Uint8Array;
  readonly coreInfo: CoreModuleInfo;
  readonly bindings: readonly CoreBinding[];
  /** Routes whose `cabi_post_<route>` the guest exports. */
  readonly postReturn: readonly string[];
}

/** The fast path's view of the component, or why it cannot take it. */
export type FastShape = Result<FastCore, string>;

const REALLOC = { params: ['i32', 'i32', 'i32', 'i32'], results: ['i32'] } as const;

export function fastShape(
  bytes: Uint8Array,
  info: ComponentInfo,
  pkg: WitPackage,
  worldName: string,
): FastShape {
  const no = (reason: string): FastShape => err(reason);
  if (info.nestedComponents > 0 || info.componentInstances > 0) return no('it contains nested components');
  if (info.otherCanon > 0) return no('it uses canonical built-ins other than lift and lower');
  if (info.hasStart) return no('it has a component start function');
  const encoding = info.canon.find((c) => c.encoding !== 'utf8' || c.async);
  if (encoding)
    return no(encoding.async ? 'it uses async lifting or lowering' : `its strings are ${encoding.encoding}`);

  const modules = info.coreModules.map((m) => {
    const core = bytes.subarray(m.start, m.end);
    return { core, info: readCoreModule(core) };
  });
  const guests = modules.filter(
    (m) => exportsKind(m.info, 'memory', 'memory') && exportsKind(m.info, 'cabi_realloc', 'func'),
  );
  if (guests.length !== 1)
    return no(`it has ${guests.length} core modules exporting memory and cabi_realloc, not one`);
  const guest = guests[0];
  for (const m of modules) {
    if (m === guest) continue;
    if (!isAdapterGlue(m.info))
      return no(`it has ${modules.length} core modules and not all but one are wit-component glue`);
  }
  const gi = guest.info;
  // Views of guest memory assume one non-shared 32-bit memory (a shared buffer is never detached on grow).
  if (gi.memories.length !== 1 || gi.memories[0].shared || gi.memories[0].is64) {
    return no('its core module does not define exactly one non-shared 32-bit memory');
  }
  if (!sameSig(funcSig(gi, exportIndex(gi, 'cabi_realloc')), REALLOC)) {
    return no(`cabi_realloc has type ${sigText(funcSig(gi, exportIndex(gi, 'cabi_realloc')))}`);
  }

  const world = findWorld(pkg, worldName);
  const byModule = new Map<string, string>();
  for (const written of world.imports) {
    const iface = interfaceOf(written);
    byModule.set(qualifiedName(pkg, iface), iface);
  }
  const bindings: CoreBinding[] = [];
  for (const imp of gi.imports) {
    const where = `core import '${imp.module}' '${imp.name}'`;
    if (imp.kind !== 'func') return no(`${where} is a ${imp.kind}`);
    const iface = byModule.get(imp.module);
    const fn = pkg.interfaces.find((i) => i.name === iface)?.functions.find((f) => f.name === imp.name);
    if (!iface || !fn) return no(`${where} is not a function of the world`);
    const want = loweredSignature(
      fn.params.map((p) => p.type),
      fn.result,
    );
    if (!sameSig(imp.sig, want))
      return no(`${where} has type ${sigText(imp.sig)}, the WIT implies ${sigText(want)}`);
    bindings.push({ iface, fn: fn.name });
  }

  const postReturn: string[] = [];
  for (const route of world.exports) {
    const index = exportIndex(gi, route.name);
    const want = liftedSignature(
      route.params.map((p) => p.type),
      route.result,
    );
    if (index < 0) return no(`the core module does not export '${route.name}' under that name`);
    if (!sameSig(funcSig(gi, index), want)) {
      return no(
        `core export '${route.name}' has type ${sigText(funcSig(gi, index))}, the WIT implies ${sigText(want)}`,
      );
    }
    const post = exportIndex(gi, `cabi_post_${route.name}`);
    if (post >= 0) {
      const wantPost = { params: want.results, results: [] };
      if (!sameSig(funcSig(gi, post), wantPost))
        return no(`cabi_post_${route.name} has type ${sigText(funcSig(gi, post))}`);
      postReturn.push(route.name);
    }
  }
  return ok({ core: guest.core, coreInfo: gi, bindings, postReturn });
}

function exportsKind(info: CoreModuleInfo, name: string, kind: string): boolean {
  return info.exports.some((e) => e.name === name && e.kind === kind);
}

function exportIndex(info: CoreModuleInfo, name: string): number {
  return info.exports.find((e) => e.name === name && e.kind === 'func')?.index ?? -1;
}

/**
 * wit-component's shim (trampolines through a table, no imports) or fixup module (fills that table, no
 * code). Neither has memory, data or a start function, so skipping them changes nothing the guest can see.
 */
function isAdapterGlue(info: CoreModuleInfo): boolean {
  if (info.memories.length > 0 || info.hasData || info.hasStart) return false;
  const shim =
    info.imports.length === 0 && info.exports.every((e) => e.kind === 'func' || e.name === '$imports');
  const fixup = info.functions.length === 0;
  return shim || fixup;
}
