import { describe, expect, it } from 'vitest';
import { SERVE_SEMI_SPACE_MB, serveExecArgs } from '../../src/cli/serve-heap.ts';

const flag = `--max-semi-space-size=${SERVE_SEMI_SPACE_MB}`;

describe('serveExecArgs', () => {
  it('runs serve again with the semi-space flag first, keeping node flags, script and arguments', () => {
    expect(
      serveExecArgs(
        ['/usr/bin/node', '/pkg/bin/kemi-wasm.js', 'serve', '--config', 'k.toml'],
        ['--trace-gc'],
        '',
      ),
    ).toEqual([flag, '--trace-gc', '/pkg/bin/kemi-wasm.js', 'serve', '--config', 'k.toml']);
  });

  it('leaves the other commands alone', () => {
    expect(serveExecArgs(['node', 'kemi-wasm.js', 'deploy', 'serve'], [], undefined)).toBeUndefined();
    expect(serveExecArgs(['node', 'kemi-wasm.js'], [], undefined)).toBeUndefined();
  });

  it("keeps an operator's own value, from a node flag or NODE_OPTIONS", () => {
    const argv = ['node', 'kemi-wasm.js', 'serve'];
    expect(serveExecArgs(argv, ['--max-semi-space-size=32'], undefined)).toBeUndefined();
    expect(serveExecArgs(argv, ['--max-semi-space-size', '32'], undefined)).toBeUndefined();
    expect(serveExecArgs(argv, [], '--enable-source-maps --max-semi-space-size=16')).toBeUndefined();
    expect(serveExecArgs(argv, [], '--enable-source-maps')).toEqual([flag, 'kemi-wasm.js', 'serve']);
  });
});
