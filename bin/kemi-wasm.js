#!/usr/bin/env node
// Plain JS so that an older Node reaches this check instead of failing on TypeScript syntax.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `kemi-wasm needs Node.js >= 24 (this is ${process.version}).\n` +
      'Run it through npm (npm start / npx kemi-wasm), which uses the node@24 from node_modules/.bin, ' +
      'or install Node 24: https://nodejs.org/',
  );
  process.exit(1);
}
await import('../src/cli/main.ts');
