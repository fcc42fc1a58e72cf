// The `kemi-wasm` command. Each subcommand lives in its own file and registers itself on the program.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerBuild } from './build.ts';
import { registerServe } from './serve.ts';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const program = new Command('kemi-wasm')
  .description('SIP routing with WebAssembly components and Kamailio KEMI-style KSR functions')
  .version(version);

registerServe(program);
registerBuild(program);

await program.parseAsync(process.argv);
