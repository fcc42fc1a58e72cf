// Generates the host's view of the KSR contract (src/kemi/generated/ksr.ts): per interface the script world
// imports, each function's parameters and result as data, with the WIT's doc comments. src/kemi/define.ts
// derives each KSR table's type from it, so a table only maps names to implementations and tsc refuses one
// that lacks, misnames or mistypes a function; the runtime binds with the same data.
import type { WitPackage } from '../../runtime/wit.ts';
import { lowerFunction } from './abi.ts';
import { jsDoc } from './doc-text.ts';
import { importedInterfaces } from './world.ts';

/** The text of src/kemi/generated/ksr.ts; `header` is the do-not-edit notice. */
export function generateHostSignatures(pkg: WitPackage, world: string, header: string): string {
  const out: string[] = header.split('\n').map((line) => `// ${line}`.trimEnd());
  out.push(
    "import type { KsrSignature } from '../define.ts';",
    '',
    `/** The interfaces world \`${world}\` imports, in its order: each function's WIT parameters and result. */`,
    'export const KSR_INTERFACES = {',
  );
  for (const iface of importedInterfaces(pkg, world)) {
    out.push(...jsDoc(iface.doc, '  '), `  '${iface.name}': {`);
    for (const fn of iface.functions) {
      // Lowering refuses a type the canonical-ABI table does not know, naming the function.
      const lowered = lowerFunction(fn, iface.name);
      const params = lowered.params.map((p) => `['${p.name}', '${p.kind}']`).join(', ');
      out.push(
        ...jsDoc(fn.doc, '    '),
        `    '${fn.name}': { params: [${params}], result: '${lowered.result}' },`,
      );
    }
    out.push('  },');
  }
  out.push('} as const satisfies Record<string, Record<string, KsrSignature>>;', '');
  return out.join('\n');
}
