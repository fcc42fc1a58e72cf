import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // What src/server.ts does at start-up for the whole process (V8 flags), done for each test file.
    setupFiles: ['test/setup.ts'],
    // e2e suites start real servers and SIPp on loopback ports: run files one after another.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
