// Generates the JavaScript SDK (guest-examples/js/sdk): `ksr.js`, the `KSR` object over the functions
// componentize-js binds for each imported WIT interface, and `ksr.d.ts`, its types. The shape is the
// AssemblyScript SDK's (`KSR.pv.get`, `KSR.sl.sl_send_reply`, core functions on KSR itself); strings cross
// as UTF-8 (componentize-js encodes them), an option<string> none is `null` as in AssemblyScript.
import type { WitInterface, WitPackage } from '../../runtime/wit.ts';
import { type LoweredFunction, lowerFunction } from './abi.ts';
import { jsDoc } from './doc-text.ts';
import { asIdent, guestParams, lowerCamelCase, RESULT_TYPE, snakeCase } from './names.ts';
import { importedInterfaces, TOP_LEVEL_INTERFACE } from './world.ts';

/** The text of sdk/ksr.js; `header` is the do-not-edit notice. */
export function generateJavaScript(pkg: WitPackage, world: string, header: string): string {
  const ifaces = importedInterfaces(pkg, world);
  const out = headerLines(header);
  for (const iface of ifaces) {
    out.push('import {');
    for (const fn of iface.functions) out.push(`  ${lowerCamelCase(fn.name)} as ${rawName(iface, fn.name)},`);
    out.push(`} from '${moduleName(pkg, iface)}';`);
  }
  out.push(
    '',
    '// An option<string> none arrives as undefined; the SDKs give null (AssemblyScript: string | null).',
    'const orNull = (value) => (value === undefined ? null : value);',
    '',
  );
  const core = ifaces.find((i) => i.name === TOP_LEVEL_INTERFACE);
  out.push(...jsDoc(core?.doc ?? `The KSR API of ${pkg.name}.`, ''));
  out.push('export const KSR = {');
  if (core) for (const fn of core.functions) out.push(...property(core, lowerFunction(fn, core.name), '  '));
  for (const iface of ifaces.filter((i) => i.name !== TOP_LEVEL_INTERFACE)) {
    out.push(`  ${asIdent(iface.name)}: {`);
    for (const fn of iface.functions) out.push(...property(iface, lowerFunction(fn, iface.name), '    '));
    out.push('  },');
  }
  out.push('};', '');
  return out.join('\n');
}

/** The text of sdk/ksr.d.ts: KSR as a namespace of typed functions, with the WIT's docs. */
export function generateJavaScriptTypes(pkg: WitPackage, world: string, header: string): string {
  const ifaces = importedInterfaces(pkg, world);
  const out = headerLines(header);
  const core = ifaces.find((i) => i.name === TOP_LEVEL_INTERFACE);
  out.push(...jsDoc(core?.doc ?? `The KSR API of ${pkg.name}.`, ''));
  out.push('export declare namespace KSR {');
  const sections: string[][] = [];
  if (core) sections.push(core.functions.flatMap((fn) => declaration(lowerFunction(fn, core.name), '  ')));
  for (const iface of ifaces.filter((i) => i.name !== TOP_LEVEL_INTERFACE)) {
    sections.push([
      ...jsDoc(iface.doc, '  '),
      `  namespace ${asIdent(iface.name)} {`,
      ...iface.functions.flatMap((fn) => declaration(lowerFunction(fn, iface.name), '    ')),
      '  }',
    ]);
  }
  sections.forEach((section, i) => {
    if (i > 0) out.push('');
    out.push(...section);
  });
  out.push('}', '');
  return out.join('\n');
}

function headerLines(header: string): string[] {
  return header.split('\n').map((line) => `// ${line}`.trimEnd());
}

function moduleName(pkg: WitPackage, iface: WitInterface): string {
  return `${pkg.name}/${iface.name}${pkg.version ? `@${pkg.version}` : ''}`;
}

function rawName(iface: WitInterface, witName: string): string {
  return `${snakeCase(iface.name)}__${snakeCase(witName)}`;
}

// Functions are the bound imports themselves, except option<string> results, which turn none into null.
function property(iface: WitInterface, lowered: LoweredFunction, indent: string): string[] {
  const name = asIdent(lowered.fn.name);
  const raw = rawName(iface, lowered.fn.name);
  if (lowered.result !== 'option<string>') return [`${indent}${name}: ${raw},`];
  const params = lowered.params.map((p) => asIdent(p.name)).join(', ');
  return [`${indent}${name}: (${params}) => orNull(${raw}(${params})),`];
}

function declaration(lowered: LoweredFunction, indent: string): string[] {
  return [
    ...jsDoc(lowered.fn.doc, indent),
    `${indent}function ${asIdent(lowered.fn.name)}(${guestParams(lowered, 'javascript')}): ${RESULT_TYPE[lowered.result].javascript};`,
  ];
}
