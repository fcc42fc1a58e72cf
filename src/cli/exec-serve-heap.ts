// main.ts's first import: `serve` replaces this process with one that has its heap flags (serve-heap.ts)
// before the commands' modules are loaded.
import { serveExecArgs } from './serve-heap.ts';

const args = serveExecArgs(process.argv, process.execArgv, process.env.NODE_OPTIONS);
// execve is missing on Windows: there the server runs with Node's default heap.
if (args !== undefined && typeof process.execve === 'function')
  process.execve(process.execPath, [process.execPath, ...args]);
