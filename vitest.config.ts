import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The process-wide V8 flags src/server.ts sets at startup, for code the tests run without a server.
    setupFiles: ['test/setup.ts'],
    // e2e suites start real servers and SIPp on loopback ports: run files one after another.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
