// `prepack`: what the npm package runs instead of the TypeScript sources. Compiles src/ to dist/ (the
// folder depth is kept, see tsconfig.build.json) and builds the bundled AssemblyScript route into
// dist/routes/hello.wasm, so an installed server never builds into its install folder.
// `--clean` (`postpack`) removes dist/ again: a clone runs its sources (bin/kemi-wasm.js).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildGuest } from '../src/builder/build-guest.ts';
import { BUNDLED_ROUTE_DIR } from '../src/builder/bundled-route.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = fileURLToPath(new URL('../dist/', import.meta.url));

rmSync(dist, { recursive: true, force: true });
if (process.argv.includes('--clean')) process.exit(0);

const tsc = fileURLToPath(import.meta.resolve('typescript/bin/tsc'));
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });

const built = await buildGuest(BUNDLED_ROUTE_DIR, { out: `${dist}routes/hello.wasm` });
if (!built.ok) {
  console.error(`the bundled route does not build: ${built.error.message}\n${built.error.output ?? ''}`);
  process.exit(1);
}
console.error(`built dist/ and the bundled route (${built.value.component.length} bytes)`);
