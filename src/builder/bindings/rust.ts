// Generates the Rust SDK's bindings (guest-examples/rust/ksr/src/bindings.rs): the raw imports in
// `#[link(wasm_import_module = ...)]` blocks, one safe wrapper per KSR function under KEMI's names
// (`ksr::pv::get("$ru") -> Option<String>`), and the `export_routes!` macro for the world's exports.
import type { WitInterface, WitPackage } from '../../runtime/wit.ts';
import { type LoweredFunction, lowerFunction, usesReturnArea } from './abi.ts';
import { rustDoc } from './doc-text.ts';
import { guestParams, RESULT_TYPE, rustIdent, snakeCase } from './names.ts';
import { findWorld, importedInterfaces, TOP_LEVEL_INTERFACE } from './world.ts';

/** The text of ksr/src/bindings.rs; `header` is the do-not-edit notice. */
export function generateRust(pkg: WitPackage, worldName: string, header: string): string {
  const ifaces = importedInterfaces(pkg, worldName);
  const out: string[] = header.split('\n').map((line) => `// ${line}`.trimEnd());
  out.push(
    '',
    '// The lowered imports: strings as (ptr, len), big results through a return area.',
    'mod raw {',
  );
  ifaces.forEach((iface, i) => {
    if (i > 0) out.push('');
    out.push(...rawModule(pkg, iface));
  });
  out.push('}');

  for (const iface of ifaces) {
    out.push('');
    if (iface.name === TOP_LEVEL_INTERFACE) {
      out.push(`// ${iface.name}: KEMI calls these on KSR itself.`);
      iface.functions.forEach((fn, i) => {
        if (i > 0) out.push('');
        out.push(...wrapper(iface, lowerFunction(fn, iface.name), '', 'raw'));
      });
      continue;
    }
    out.push(...rustDoc(iface.doc, ''), `pub mod ${rustIdent(iface.name)} {`);
    iface.functions.forEach((fn, i) => {
      if (i > 0) out.push('');
      out.push(...wrapper(iface, lowerFunction(fn, iface.name), '    ', 'super::raw'));
    });
    out.push('}');
  }
  out.push('', ...exportMacro(pkg, worldName), '');
  return out.join('\n');
}

function rawModule(pkg: WitPackage, iface: WitInterface): string[] {
  const module = `${pkg.name}/${iface.name}${pkg.version ? `@${pkg.version}` : ''}`;
  const lines = [
    `    pub mod ${rustIdent(iface.name)} {`,
    `        #[link(wasm_import_module = "${module}")]`,
    '        extern "C" {',
  ];
  for (const fn of iface.functions) {
    const lowered = lowerFunction(fn, iface.name);
    const params = lowered.params.flatMap((p) => {
      const name = snakeCase(p.name);
      return p.kind === 'string' ? [`${name}_ptr: *const u8`, `${name}_len: usize`] : [`${name}: i32`];
    });
    if (usesReturnArea(lowered.result)) params.push('ret_area: *mut u8');
    const result = usesReturnArea(lowered.result) || lowered.result === 'none' ? '' : ' -> i32';
    lines.push(
      `            #[link_name = "${fn.name}"]`,
      `            pub fn ${rustIdent(fn.name)}(${params.join(', ')})${result};`,
    );
  }
  lines.push('        }', '    }');
  return lines;
}

function wrapper(iface: WitInterface, lowered: LoweredFunction, indent: string, raw: string): string[] {
  const args: string[] = [];
  for (const p of lowered.params) {
    const name = rustIdent(p.name);
    if (p.kind === 'string') args.push(`${name}.as_ptr()`, `${name}.len()`);
    else if (p.kind === 'bool') args.push(`${name} as i32`);
    else if (p.kind === 'u32') args.push(`${name} as i32`);
    else args.push(name);
  }
  const retArea = usesReturnArea(lowered.result);
  if (retArea) args.push('ret.as_mut_ptr()');
  const call = `${raw}::${rustIdent(iface.name)}::${rustIdent(lowered.fn.name)}(${args.join(', ')})`;
  const body: string[] = [];
  if (retArea) body.push('let mut ret = crate::rt::RetArea::new();');
  switch (lowered.result) {
    case 'none':
      body.push(`unsafe { ${call} }`);
      break;
    case 'bool':
      body.push(`unsafe { ${call} != 0 }`);
      break;
    case 's32':
      body.push(`unsafe { ${call} }`);
      break;
    case 'u32':
      body.push(`unsafe { ${call} as u32 }`);
      break;
    case 'string':
      body.push('unsafe {', `    ${call};`, '    ret.take_string()', '}');
      break;
    case 'option<string>':
      body.push('unsafe {', `    ${call};`, '    ret.take_option_string()', '}');
      break;
  }
  return [
    ...rustDoc(lowered.fn.doc, indent),
    `${indent}pub fn ${rustIdent(lowered.fn.name)}(${guestParams(lowered, 'rust')})${RESULT_TYPE[lowered.result].rust} {`,
    ...body.map((line) => `${indent}    ${line}`),
    `${indent}}`,
  ];
}

// `export_routes!(request_route, reply_route, named_route);` defines the core exports under their WIT
// names and lifts their parameters (a named route's name arrives as a host-allocated (ptr, len)).
function exportMacro(pkg: WitPackage, worldName: string): string[] {
  const exports = findWorld(pkg, worldName).exports.map((fn) => lowerFunction(fn, worldName));
  for (const e of exports) {
    if (e.result !== 'none')
      throw new Error(`world export ${e.fn.name}: only results of 'none' are supported`);
  }
  const metas = exports.map((e) => `$${snakeCase(e.fn.name)}:path`).join(', ');
  const usage = exports.map((e) => `fn ${snakeCase(e.fn.name)}(${guestParams(e, 'rust')})`).join(', ');
  const lines = [
    `/// Exports the routes of the \`${worldName}\` world, given in this order: ${usage}.`,
    '///',
    '/// ```ignore',
    `/// ksr::export_routes!(${exports.map((e) => snakeCase(e.fn.name)).join(', ')});`,
    '/// ```',
    '#[macro_export]',
    'macro_rules! export_routes {',
    `    (${metas} $(,)?) => {`,
  ];
  for (const e of exports) {
    const name = snakeCase(e.fn.name);
    const params = e.params.flatMap((p) => {
      const n = snakeCase(p.name);
      return p.kind === 'string' ? [`${n}_ptr: *mut u8`, `${n}_len: usize`] : [`${n}: i32`];
    });
    const lifts = e.params
      .filter((p) => p.kind === 'string')
      .map(
        (p) =>
          `let ${snakeCase(p.name)} = $crate::rt::lift_string(${snakeCase(p.name)}_ptr, ${snakeCase(p.name)}_len);`,
      );
    const args = e.params.map((p) => {
      const n = snakeCase(p.name);
      if (p.kind === 'string') return `&${n}`;
      if (p.kind === 'bool') return `${n} != 0`;
      if (p.kind === 'u32') return `${n} as u32`;
      return n;
    });
    const unsafeKw = lifts.length > 0 ? 'unsafe ' : '';
    lines.push(
      `        #[export_name = "${e.fn.name}"]`,
      `        pub ${unsafeKw}extern "C" fn __ksr_export_${name}(${params.join(', ')}) {`,
      ...lifts.map((l) => `            ${l}`),
      `            $${name}(${args.join(', ')})`,
      '        }',
    );
  }
  lines.push('    };', '}');
  return lines;
}
