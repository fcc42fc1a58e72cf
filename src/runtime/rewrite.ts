// The rewrite of one core module before compilation: binaryen instrumentation (fuel, memory.grow guard),
// then the memory/table caps on the bytes. A module without code (wit-component's fixup module) only gets
// the caps.
import { fail, ok, type Problem, type Result } from '../result.ts';
import { type CoreModuleInfo, readCoreModule } from './core-module.ts';
import { MeterError } from './fuel-meter.ts';
import { FUEL_EXPORT, type FuelGlobal, instrument, RUNTIME_IMPORT } from './instrument.ts';
import { capLimits } from './limits-patch.ts';

export interface RewriteOptions {
  readonly fuel: boolean;
  /** Where the fuel counter lives (see instrument.ts); default 'import'. */
  readonly fuelGlobal?: FuelGlobal;
  readonly memoryBytes: number | undefined;
  readonly tableElements: number | undefined;
}

/**
 * 'cap': above a memory/table cap; 'reserved': imports the runtime's module; 'unsafe': uses a feature no
 * limit can bound; 'rewrite': binaryen failed.
 */
export type RewriteProblem = Problem<'cap' | 'reserved' | 'unsafe' | 'rewrite'>;

export type RewriteResult = Result<
  { readonly bytes: Uint8Array; readonly instrumented: boolean },
  RewriteProblem
>;

export function rewriteCore(
  bytes: Uint8Array,
  options: RewriteOptions,
  info = readCoreModule(bytes),
): RewriteResult {
  // A module that already imports the fuel globals could be handed them and refill its own fuel.
  const reserved = info.imports.find((i) => i.module === RUNTIME_IMPORT);
  if (reserved) {
    return fail(
      'reserved',
      `it imports '${reserved.name}' from the runtime's reserved module '${RUNTIME_IMPORT}'`,
    );
  }
  // A module exporting the runtime's fuel export name would clash with the rewrite's own export.
  if (info.exports.some((e) => e.name === FUEL_EXPORT)) {
    return fail('rewrite', `it exports '${FUEL_EXPORT}', a name the runtime reserves`);
  }
  const unsafe = unsafeFeature(info);
  if (unsafe) return fail('unsafe', unsafe);
  let out = bytes;
  const instrumented = info.functions.length > 0 && (options.fuel || options.memoryBytes !== undefined);
  if (instrumented) {
    try {
      out = instrument(withoutCustomSections(bytes, info), {
        fuel: options.fuel,
        memoryGuard: options.memoryBytes !== undefined,
        fuelGlobal: options.fuelGlobal,
      });
    } catch (e) {
      const message =
        e instanceof MeterError
          ? `it cannot be metered: ${e.message}`
          : `binaryen could not rewrite it: ${describe(e)}`;
      return fail('rewrite', message);
    }
  }
  const capped = capLimits(out, { memoryBytes: options.memoryBytes, tableElements: options.tableElements });
  return capped.ok ? ok({ bytes: capped.value, instrumented }) : fail('cap', capped.error);
}

/** Why the module uses a feature that escapes every limit, or undefined. */
function unsafeFeature(info: CoreModuleInfo): string | undefined {
  // GC objects live in the host's JS heap, outside the memory cap: one array.new can take gigabytes and end
  // the process with a fatal out-of-memory error.
  if (info.types.some((t) => t === undefined)) {
    return 'it declares GC struct or array types, whose objects would live in the host heap, outside the memory cap';
  }
  // memory.atomic.wait on a shared memory blocks the server's thread for as long as the guest asks, in one
  // instruction that fuel cannot interrupt.
  const shared = info.memories.findIndex((m) => m.shared);
  if (shared >= 0) {
    return `memory ${shared} is shared: memory.atomic.wait on it would block the server's thread`;
  }
  return undefined;
}

/**
 * Custom sections are dropped before binaryen reads the module: the name section could give a guest function
 * the name of a hook the passes add (a collision binaryen reports as a fatal error), and debug sections
 * would be stale after the rewrite anyway.
 */
function withoutCustomSections(bytes: Uint8Array, info: CoreModuleInfo): Uint8Array {
  const kept = info.sections.filter((s) => s.id !== 0);
  if (kept.length === info.sections.length) return bytes;
  const size = 8 + kept.reduce((n, s) => n + (s.end - s.start), 0);
  const out = new Uint8Array(size);
  out.set(bytes.subarray(0, 8));
  let at = 8;
  for (const s of kept) {
    out.set(bytes.subarray(s.start, s.end), at);
    at += s.end - s.start;
  }
  return out;
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  return 'internal error';
}
