// Attacks the capability boundary: imports wasi:filesystem to list (and then read) the server's files.
// `kemi-wasm build` refuses the module; test/sandbox wraps it into a component with a world that
// includes the WASI interface, as a hostile tenant would, and the runtime refuses that at load.
import { KSR } from '../../../../assemblyscript/sdk';
import { get_directories } from './wasi';

export * from '../../../../assemblyscript/sdk/exports';

const area = memory.data(8, 4);

export function request_route(): void {
  get_directories(area);
  KSR.info(`preopened directories: ${load<u32>(area, 4)}`);
}

export function reply_route(): void {}

export function named_route(_name: string): void {}
