// Generates docs/ksr-api.md: one section per interface of the script world, each function with its WIT
// signature, its description, and the KEMI-style call in each guest language.
import { KAMAILIO_DIFFERENCES } from '../../kemi/differences.ts';
import type { WitPackage } from '../../runtime/wit.ts';
import { type LoweredFunction, lowerFunction } from './abi.ts';
import { asIdent, guestParams, RESULT_TYPE, rustIdent, snakeCase } from './names.ts';
import { findWorld, importedInterfaces, TOP_LEVEL_INTERFACE } from './world.ts';

export function generateApiDocs(pkg: WitPackage, worldName: string, header: string): string {
  const world = findWorld(pkg, worldName);
  const ifaces = importedInterfaces(pkg, worldName);
  const version = pkg.version ? `@${pkg.version}` : '';
  const out: string[] = [
    '# KSR API reference',
    '',
    `<!-- ${header.replaceAll('\n', ' ')} -->`,
    '',
    `The functions a routing script can call: package \`${pkg.name}${version}\`, world \`${worldName}\` ` +
      "([wit/ksr.wit](../wit/ksr.wit)). Names and integer return codes follow Kamailio's KEMI, so a KEMI Lua " +
      'line such as `KSR.sl.sl_send_reply(404, "Not Found")` reads the same in every guest language. ' +
      'See [guests.md](guests.md) for writing and building a route.',
    '',
    '- **AssemblyScript**: `import { KSR } from "<sdk>"`; the core functions are on `KSR` itself, every other ' +
      'interface is a namespace (`KSR.pv.get`). `option<string>` is `string | null`.',
    '- **Rust**: the `ksr` crate; core functions at the crate root (`ksr::is_myself_ruri()`), every other ' +
      'interface is a module (`ksr::pv::get`). `option<string>` is `Option<String>`.',
    '- Strings are UTF-8 on the wire; bytes that are not valid UTF-8 reach the guest as U+FFFD.',
    '- A function whose store is remote (a cluster store in Redis) may wait for its answer: the route is ' +
      'suspended meanwhile (other messages are served) and its deadline is paused. Past ' +
      "`limits.async_timeout_ms` [1000 ms] the call returns what Kamailio's function returns when its " +
      'database is unreachable: -1 (s32), false, none (`option<string>`), "" (string), counted in ' +
      '`kemi_ksr_timeouts_total`; in branch and onreply routes, which cannot wait, it returns that ' +
      "at once. A store error fails the route (cause `host`) under the tenant's failure policy. Two " +
      'messages of one script may interleave at such calls, as two Kamailio processes do ' +
      '(src/runtime/README.md "Async KSR calls").',
    '',
    '## Routes (exports of the world)',
    '',
    world.doc,
    '',
  ];
  const routes = [['WIT export', 'AssemblyScript (entry file)', 'Rust']];
  for (const fn of world.exports) {
    const lowered = lowerFunction(fn, worldName);
    routes.push([
      `\`${fn.name}: ${witSignature(lowered)}\``,
      `\`export function ${snakeCase(fn.name)}(${guestParams(lowered, 'assemblyscript')}): void\``,
      `\`fn ${snakeCase(fn.name)}(${guestParams(lowered, 'rust')})\` in \`ksr::export_routes!\``,
    ]);
  }
  out.push(...markdownTable(routes));
  out.push('', '## Interfaces', '');
  out.push(
    '- [Differences from Kamailio](#differences-from-kamailio): what deliberately differs from Kamailio 5.6.',
  );
  for (const iface of ifaces) {
    out.push(`- [${iface.name}](#${iface.name}): ${firstSentence(iface.doc)}`);
  }
  for (const iface of ifaces) {
    const top = iface.name === TOP_LEVEL_INTERFACE;
    out.push(
      '',
      `## ${iface.name}`,
      '',
      iface.doc,
      '',
      `Imported as \`${pkg.name}/${iface.name}${version}\`.`,
    );
    for (const fn of iface.functions) {
      const lowered = lowerFunction(fn, iface.name);
      const asPath = top ? `KSR.${asIdent(fn.name)}` : `KSR.${asIdent(iface.name)}.${asIdent(fn.name)}`;
      const rustPath = top
        ? `ksr::${rustIdent(fn.name)}`
        : `ksr::${rustIdent(iface.name)}::${rustIdent(fn.name)}`;
      out.push(
        '',
        `### ${iface.name}.${fn.name}`,
        '',
        ...(fn.doc ? [fn.doc, ''] : []),
        '```text',
        `WIT             ${fn.name}: ${witSignature(lowered)}`,
        `AssemblyScript  ${asPath}(${guestParams(lowered, 'assemblyscript')}): ${RESULT_TYPE[lowered.result].assemblyscript}`,
        `Rust            ${rustPath}(${guestParams(lowered, 'rust')})${RESULT_TYPE[lowered.result].rust}`,
        '```',
      );
    }
  }
  out.push('', ...differencesSection(), '');
  return out.join('\n');
}

/** The table of src/kemi/differences.ts, with each function under its KEMI name. */
function differencesSection(): string[] {
  const rows = [['KSR', 'In kemi-wasm']];
  for (const d of KAMAILIO_DIFFERENCES) {
    const dot = d.ksr.indexOf('.');
    const named = d.ksr.startsWith('$') || dot < 0 || d.ksr.includes(' ');
    const iface = d.ksr.slice(0, dot);
    const kemi = named
      ? d.ksr
      : `KSR.${iface === TOP_LEVEL_INTERFACE ? '' : `${iface}.`}${snakeCase(d.ksr.slice(dot + 1))}`;
    rows.push([`\`${kemi}\``, d.difference.replaceAll('|', '\\|')]);
  }
  return [
    '## Differences from Kamailio',
    '',
    'Where a function with a Kamailio name deliberately behaves otherwise than in Kamailio 5.6 (generated from ' +
      "[src/kemi/differences.ts](../src/kemi/differences.ts)). Everything else follows Kamailio's source: names, " +
      'parameters, return codes, replies and side effects.',
    '',
    ...markdownTable(rows),
  ];
}

function witSignature(lowered: LoweredFunction): string {
  const params = lowered.fn.params.map((p) => `${p.name}: ${p.type}`).join(', ');
  return `func(${params})${lowered.result === 'none' ? '' : ` -> ${lowered.fn.result}`}`;
}

// Columns padded to their widest cell, as Biome formats Markdown tables.
function markdownTable(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0].map((_, col) => Math.max(3, ...rows.map((row) => row[col].length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, col) => c.padEnd(widths[col])).join(' | ')} |`;
  return [line(rows[0]), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)];
}

function firstSentence(doc: string): string {
  // A period that ends a sentence: not part of an ellipsis, followed by a space or the end.
  const m = /^(.*?(?<!\.)\.)(?=\s|$)/.exec(doc);
  return m ? m[1] : doc;
}
