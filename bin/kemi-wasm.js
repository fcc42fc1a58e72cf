#!/usr/bin/env node
// Plain JS so that an older Node reaches this check instead of failing on TypeScript syntax.
import { existsSync } from 'node:fs';

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `kemi-wasm needs Node.js >= 24 (this is ${process.version}).\n` +
      'In a clone, run it through npm (npm start / npx kemi-wasm), which uses the node@24 from ' +
      'node_modules/.bin; otherwise install Node 24 (nvm install 24, or https://nodejs.org/).',
  );
  process.exit(1);
}
// A clone runs its TypeScript sources directly (Node strips the types), so no build step stands between an
// edit and `npm start`. The npm package has no src/: it runs the JavaScript that `prepack` compiled into
// dist/ (Node refuses to strip types under node_modules).
const sources = new URL('../src/cli/main.ts', import.meta.url);
await import(existsSync(sources) ? sources.href : new URL('../dist/cli/main.js', import.meta.url).href);
