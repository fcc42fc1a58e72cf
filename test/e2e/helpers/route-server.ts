// A server for a built guest example: waits as long as the component's measured load warrants
// (fixtures/built-guest.ts) and records the load it reported for the next server of the same component.
import { type BuiltExample, recordLoad, serverStartMs } from '../../../fixtures/built-guest.ts';
import { type ServerProcess, startServerProcess } from '../harness.ts';

export async function startRouteServer(built: BuiltExample, args: string[]): Promise<ServerProcess> {
  const server = await startServerProcess(args, serverStartMs(built));
  recordLoad(built, server.lines);
  return server;
}
