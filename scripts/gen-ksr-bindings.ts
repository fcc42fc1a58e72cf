// Regenerates the guest SDK bindings, docs/ksr-api.md and the host's KSR signatures from wit/ksr.wit.
// `--check` writes nothing and exits 1 when a file is out of date (for CI).
import { readFileSync, writeFileSync } from 'node:fs';
import { generateFromWit } from '../src/builder/bindings/index.ts';
import { ksrPackage } from '../src/runtime/wit.ts';

const root = new URL('../', import.meta.url);
const check = process.argv.includes('--check');
let stale = 0;
for (const file of generateFromWit(ksrPackage)) {
  const url = new URL(file.path, root);
  let current: string | undefined;
  try {
    current = readFileSync(url, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === file.text) continue;
  stale++;
  if (check) console.error(`out of date: ${file.path} (run npm run gen)`);
  else {
    writeFileSync(url, file.text);
    console.log(`wrote ${file.path}`);
  }
}
if (check && stale > 0) process.exit(1);
if (!check && stale === 0) console.log('the files generated from wit/ksr.wit are up to date');
