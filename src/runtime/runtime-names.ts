// The names the rewrite adds to a core module and the host binds (instrument.ts writes them; linker.ts and
// instance.ts read them). Kept apart from instrument.ts so that the host side does not import binaryen.

/** Import module of the globals the rewrite adds; no guest can import it (the world check refuses it). */
export const RUNTIME_IMPORT = 'kemi:runtime';
export const FUEL_GLOBAL = 'fuel';
export const FUEL_INIT_GLOBAL = 'fuel-init';
/** The checkpoint's host import: tick(fuel left in the slice) -> the next slice, or -1 to trap. */
export const TICK_IMPORT = 'tick';
export const MEMORY_EXHAUSTED_GLOBAL = 'memory-exhausted';
/** Name under which a module that owns its fuel global exports it; no guest may export it itself. */
export const FUEL_EXPORT = 'kemi:fuel';
