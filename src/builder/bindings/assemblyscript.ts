// Generates the AssemblyScript SDK's bindings (guest-examples/assemblyscript/sdk/ksr-imports.ts): one
// `@external` declaration per KSR function with its lowered signature, and the `KSR` namespace that wraps
// them under KEMI's names. Strings go out as UTF-8 ArrayBuffers (collected by the GC); strings coming back
// are decoded and their host-allocated buffers freed by the helpers in sdk/abi.ts.
import type { WitInterface, WitPackage } from '../../runtime/wit.ts';
import { type LoweredFunction, lowerFunction, usesReturnArea } from './abi.ts';
import { jsDoc } from './doc-text.ts';
import { asIdent, guestParams, RESULT_TYPE, snakeCase } from './names.ts';
import { importedInterfaces, TOP_LEVEL_INTERFACE } from './world.ts';

/** The text of sdk/ksr-imports.ts; `header` is the do-not-edit notice. */
export function generateAssemblyScript(pkg: WitPackage, world: string, header: string): string {
  const ifaces = importedInterfaces(pkg, world);
  const out: string[] = [];
  out.push(...header.split('\n').map((line) => `// ${line}`.trimEnd()));
  out.push(`import { liftOptionStringResult, liftStringResult, RET_AREA } from './abi';`, '');

  for (const iface of ifaces) {
    out.push(`// ${iface.name}`);
    for (const fn of iface.functions)
      out.push(...externalDeclaration(pkg, iface, lowerFunction(fn, iface.name)));
    out.push('');
  }

  const core = ifaces.find((i) => i.name === TOP_LEVEL_INTERFACE);
  out.push(...jsDoc(core?.doc ?? `The KSR API of ${pkg.name}.`, ''));
  out.push('export namespace KSR {');
  const sections: string[][] = [];
  if (core)
    sections.push(
      core.functions.flatMap((fn, i) => spaced(i, wrapper(core, lowerFunction(fn, core.name), '  '))),
    );
  for (const iface of ifaces.filter((i) => i.name !== TOP_LEVEL_INTERFACE)) {
    sections.push([
      ...jsDoc(iface.doc, '  '),
      `  export namespace ${asIdent(iface.name)} {`,
      ...iface.functions.flatMap((fn, i) => spaced(i, wrapper(iface, lowerFunction(fn, iface.name), '    '))),
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

function rawName(iface: WitInterface, lowered: LoweredFunction): string {
  return `${snakeCase(iface.name)}__${snakeCase(lowered.fn.name)}`;
}

function externalDeclaration(pkg: WitPackage, iface: WitInterface, lowered: LoweredFunction): string[] {
  const module = `${pkg.name}/${iface.name}${pkg.version ? `@${pkg.version}` : ''}`;
  const params = lowered.params.flatMap((p) => {
    const name = snakeCase(p.name);
    return p.kind === 'string' ? [`${name}_ptr: usize`, `${name}_len: usize`] : [`${name}: i32`];
  });
  if (usesReturnArea(lowered.result)) params.push('ret_area: usize');
  const result = usesReturnArea(lowered.result) || lowered.result === 'none' ? 'void' : 'i32';
  return [
    '// @ts-ignore: decorator',
    `@external('${module}', '${lowered.fn.name}')`,
    `declare function ${rawName(iface, lowered)}(${params.join(', ')}): ${result};`,
  ];
}

function wrapper(iface: WitInterface, lowered: LoweredFunction, indent: string): string[] {
  const lines: string[] = [];
  const args: string[] = [];
  for (const p of lowered.params) {
    const name = asIdent(p.name);
    if (p.kind === 'string') {
      lines.push(`const ${name}_utf8 = String.UTF8.encode(${name});`);
      args.push(`changetype<usize>(${name}_utf8)`, `<usize>${name}_utf8.byteLength`);
    } else if (p.kind === 'bool') {
      args.push(`${name} ? 1 : 0`);
    } else {
      args.push(p.kind === 'u32' ? `<i32>${name}` : name);
    }
  }
  if (usesReturnArea(lowered.result)) args.push('RET_AREA');
  const call = `${rawName(iface, lowered)}(${args.join(', ')})`;
  switch (lowered.result) {
    case 'none':
      lines.push(`${call};`);
      break;
    case 'bool':
      lines.push(`return ${call} != 0;`);
      break;
    case 's32':
      lines.push(`return ${call};`);
      break;
    case 'u32':
      lines.push(`return <u32>${call};`);
      break;
    case 'string':
      lines.push(`${call};`, 'return liftStringResult(RET_AREA);');
      break;
    case 'option<string>':
      lines.push(`${call};`, 'return liftOptionStringResult(RET_AREA);');
      break;
  }
  return [
    ...jsDoc(lowered.fn.doc, indent),
    `${indent}export function ${asIdent(lowered.fn.name)}(${guestParams(lowered, 'assemblyscript')}): ${RESULT_TYPE[lowered.result].assemblyscript} {`,
    ...lines.map((line) => `${indent}  ${line}`),
    `${indent}}`,
  ];
}

function spaced(index: number, lines: string[]): string[] {
  return index > 0 ? ['', ...lines] : lines;
}
