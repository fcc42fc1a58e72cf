// `kemi-wasm serve` runs with a small young generation (src/cli/serve-heap.ts): the process the server
// becomes (execve keeps its pid) has the semi-space flag on its command line, unless the operator set one.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { SERVE_SEMI_SPACE_MB } from '../../src/cli/serve-heap.ts';
import { type ServerProcess, startServerProcess } from './harness.ts';

let server: ServerProcess | undefined;
const nodeOptions = process.env.NODE_OPTIONS;

afterEach(async () => {
  await server?.stop();
  server = undefined;
  if (nodeOptions === undefined) delete process.env.NODE_OPTIONS;
  else process.env.NODE_OPTIONS = nodeOptions;
});

const commandLine = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0');

describe('kemi-wasm serve heap flags', () => {
  it('the serving process has --max-semi-space-size', async () => {
    server = await startServerProcess(['--listen', 'udp:127.0.0.1:0']);
    expect(commandLine(server.pid)).toContain(`--max-semi-space-size=${SERVE_SEMI_SPACE_MB}`);
    expect(commandLine(server.pid)).toContain('serve');
  });

  it("keeps the operator's NODE_OPTIONS value", async () => {
    process.env.NODE_OPTIONS = '--max-semi-space-size=16';
    server = await startServerProcess(['--listen', 'udp:127.0.0.1:0']);
    expect(commandLine(server.pid).some((a) => a.startsWith('--max-semi-space-size'))).toBe(false);
  });
});
