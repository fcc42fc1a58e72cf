// The V8 flags the server needs, set by the composition root (src/server.ts; for tests test/setup.ts, for
// benches each script) and never on import: a V8 flag is process-wide, so a module that set one when imported
// would change the engine under every other module of the process (a test or a tool importing it for one
// function), depending on import order and out of sight of whoever starts the process.
import { setFlagsFromString } from 'node:v8';

/**
 * Turns on V8's linear-time regexp engine (`--enable-experimental-regexp-engine`, the `l` flag), which the
 * regular expressions that scripts pass run on (src/kemi/script-regex.ts): no backtracking, so no pattern can
 * take exponential time. Call once at start-up, before any script runs; src/kemi/script-regex.ts's
 * `linearRegex()` tells whether this V8 has the engine.
 */
export function setV8Flags(): void {
  setFlagsFromString('--enable-experimental-regexp-engine');
}
