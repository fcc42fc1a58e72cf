// The `kemi-wasm` program (main.ts runs it). Each subcommand lives in its own file and registers itself.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerAcc } from './acc.ts';
import { registerActivate } from './activate.ts';
import { registerAddress } from './address.ts';
import { registerBuild } from './build.ts';
import { registerDeploy } from './deploy.ts';
import { registerDispatcher } from './dispatcher.ts';
import { registerInit } from './init.ts';
import { registerRollback } from './rollback.ts';
import { registerServe } from './serve.ts';
import { registerStatus } from './status.ts';
import { registerSubscriber } from './subscriber.ts';
import { registerTest } from './test.ts';
import { registerVersions } from './versions.ts';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const program = new Command('kemi-wasm')
  .description('SIP routing with WebAssembly components and Kamailio KEMI-style KSR functions')
  .version(version);

registerInit(program);
registerServe(program);
registerBuild(program);
registerTest(program);
registerDeploy(program);
registerVersions(program);
registerActivate(program);
registerRollback(program);
registerStatus(program);
registerAddress(program);
registerSubscriber(program);
registerAcc(program);
registerDispatcher(program);

await program.parseAsync(process.argv);
