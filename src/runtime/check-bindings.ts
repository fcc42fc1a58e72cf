// Keeps the KSR tables and wit/ksr.wit in step: every function of every interface the world imports must
// have a table entry with the same parameters (names and types) and result, no table may define anything
// the WIT does not, and every type must be one the canonical-ABI binding handles. The tables take their
// signatures from src/kemi/generated/ksr.ts (tsc checks them against it), so at startup this catches a
// generated file older than the WIT it runs with; a test runs it on the real tables.
import type { KsrModule } from '../kemi/define.ts';
import { BINDABLE_PARAMS, BINDABLE_RESULTS } from './fast-binding.ts';
import type { WitPackage } from './wit.ts';
import { findWorld, interfaceOf } from './world-check.ts';

export interface BindingMismatch {
  readonly interface: string;
  /** The function, or '*' for a problem with the whole table. */
  readonly function: string;
  readonly problem: string;
}

export function checkBindings(
  pkg: WitPackage,
  modules: readonly KsrModule[],
  world = 'script',
): BindingMismatch[] {
  const out: BindingMismatch[] = [];
  const imported = new Set(findWorld(pkg, world).imports.map((w) => interfaceOf(w)));
  const seen = new Set<string>();
  for (const table of modules) {
    if (seen.has(table.name))
      out.push({ interface: table.name, function: '*', problem: 'defined by more than one table' });
    seen.add(table.name);
    if (!imported.has(table.name)) {
      out.push({
        interface: table.name,
        function: '*',
        problem: `world '${world}' does not import this interface`,
      });
    }
  }
  for (const iface of pkg.interfaces) {
    if (!imported.has(iface.name)) continue;
    const table = modules.find((m) => m.name === iface.name);
    if (!table) {
      out.push({ interface: iface.name, function: '*', problem: 'no KSR table implements this interface' });
      continue;
    }
    for (const fn of iface.functions) {
      const entry = table.functions.find((f) => f.name === fn.name);
      const mismatch = (problem: string) => out.push({ interface: iface.name, function: fn.name, problem });
      for (const p of fn.params)
        if (!BINDABLE_PARAMS.has(p.type)) mismatch(`parameter type ${p.type} has no canonical-ABI binding`);
      if (!BINDABLE_RESULTS.has(fn.result)) mismatch(`result type ${fn.result} has no canonical-ABI binding`);
      if (!entry) {
        mismatch('no binding in the KSR table');
        continue;
      }
      const witParams = fn.params.map((p) => `${p.name}: ${p.type}`).join(', ');
      const tableParams = entry.params.map(([name, type]) => `${name}: ${type}`).join(', ');
      if (witParams !== tableParams) mismatch(`table params (${tableParams}) differ from WIT (${witParams})`);
      if (entry.result !== fn.result) mismatch(`table result ${entry.result} differs from WIT ${fn.result}`);
      if (typeof entry.impl !== 'function') mismatch('impl is not a function');
    }
    for (const entry of table.functions) {
      if (!iface.functions.some((f) => f.name === entry.name)) {
        out.push({ interface: iface.name, function: entry.name, problem: 'not in the WIT contract' });
      }
    }
  }
  return out;
}
