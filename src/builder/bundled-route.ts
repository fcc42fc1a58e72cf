// The server's embedded default route: the AssemblyScript hello example. The npm package ships it prebuilt
// (dist/routes/hello.wasm, made by scripts/build-package.ts in `prepack`), so an installed server writes
// nothing into its install folder, which may be read-only. In a git clone (no dist/) it is built on first
// use and rebuilt when its sources (or the SDK) are newer than the build, so `npm start` works on a fresh
// clone.
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { err, ok, type Result } from '../result.ts';
import type { BuildProgress } from './types.ts';

const examples = fileURLToPath(new URL('../../guest-examples/assemblyscript/', import.meta.url));
export const BUNDLED_ROUTE_DIR = join(examples, 'hello');
const OUT = join(BUNDLED_ROUTE_DIR, 'build', 'hello.wasm');
/** Where the package keeps the prebuilt route, relative to the compiled builder (dist/builder/). */
export const PREBUILT_ROUTE = fileURLToPath(new URL('../routes/hello.wasm', import.meta.url));

/** The route's path, and whether it was built now; or why it could not be built (for the operator). */
export type BundledRoute = Result<{ readonly path: string; readonly built: boolean }, string>;

async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.parentPath.includes('build')) continue;
    newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

export async function bundledRoute(onProgress?: (p: BuildProgress) => void): Promise<BundledRoute> {
  if (existsSync(PREBUILT_ROUTE)) return ok({ path: PREBUILT_ROUTE, built: false });
  const built = await stat(OUT).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  if (built > 0 && built >= (await newestSource(examples))) return ok({ path: OUT, built: false });
  // Imported only to build: the builder loads jco's wasm-tools (a wasm instance, and a worker thread of its
  // shim) that a server running the prebuilt route would keep resident for nothing.
  const { buildGuest } = await import('./build-guest.ts');
  const result = await buildGuest(BUNDLED_ROUTE_DIR, { out: OUT, onProgress });
  if (!result.ok) return err(`cannot build the bundled route: ${result.error.message}`);
  return ok({ path: OUT, built: true });
}
