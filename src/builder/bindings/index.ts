// Everything generated from wit/ksr.wit, as (path, text) pairs relative to the repository root: the guest
// SDK bindings, the API docs and the host's KSR signatures. scripts/gen-ksr-bindings.ts writes them; a test
// compares them with the files on disk.
import type { WitPackage } from '../../runtime/wit.ts';
import { generateApiDocs } from './api-docs.ts';
import { generateAssemblyScript } from './assemblyscript.ts';
import { generateHostSignatures } from './host.ts';
import { generateJavaScript, generateJavaScriptTypes } from './javascript.ts';
import { generateRust } from './rust.ts';
import { SCRIPT_WORLD } from './world.ts';

export interface GeneratedFile {
  /** Relative to the repository root, with forward slashes. */
  readonly path: string;
  readonly text: string;
}

const HEADER = 'Generated from wit/ksr.wit by scripts/gen-ksr-bindings.ts (npm run gen). Do not edit.';

export function generateFromWit(pkg: WitPackage): GeneratedFile[] {
  return [
    {
      path: 'guest-examples/assemblyscript/sdk/ksr-imports.ts',
      text: generateAssemblyScript(pkg, SCRIPT_WORLD, HEADER),
    },
    { path: 'guest-examples/rust/ksr/src/bindings.rs', text: generateRust(pkg, SCRIPT_WORLD, HEADER) },
    { path: 'guest-examples/js/sdk/ksr.js', text: generateJavaScript(pkg, SCRIPT_WORLD, HEADER) },
    { path: 'guest-examples/js/sdk/ksr.d.ts', text: generateJavaScriptTypes(pkg, SCRIPT_WORLD, HEADER) },
    { path: 'docs/ksr-api.md', text: generateApiDocs(pkg, SCRIPT_WORLD, HEADER) },
    { path: 'src/kemi/generated/ksr.ts', text: generateHostSignatures(pkg, SCRIPT_WORLD, HEADER) },
  ];
}
