// The V8 heap `kemi-wasm serve` runs with. With V8's default (sized from the machine's memory) the young
// generation grew past 100 MiB of RSS at 500 calls/s (bench/memory.ts): a proxy's per-message garbage dies
// young at any size, and what lives on (transactions in their wait state) is promoted at any size, so a
// small young generation keeps about 70 MiB off the peak for CPU per call within the noise (commit message).
// The flag must be on Node's command line (V8 sizes its heap when the isolate is made), so `serve` replaces
// its own process (execve: same pid, same descriptors) with one that has it, before any other module runs
// (exec-serve-heap.ts, imported by main.ts before the commands).
// An operator's own value (node flag or NODE_OPTIONS) is kept.

export const SEMI_SPACE_FLAG = '--max-semi-space-size';
/** MiB per semi-space for `serve`. */
export const SERVE_SEMI_SPACE_MB = 4;

/** Node's arguments to run `argv` with (argv as process.argv), or undefined when they need no change. */
export function serveExecArgs(
  argv: readonly string[],
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): string[] | undefined {
  if (argv[2] !== 'serve') return undefined;
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)];
  if (given.some((a) => a === SEMI_SPACE_FLAG || a.startsWith(`${SEMI_SPACE_FLAG}=`))) return undefined;
  return [`${SEMI_SPACE_FLAG}=${SERVE_SEMI_SPACE_MB}`, ...execArgv, ...argv.slice(1)];
}
