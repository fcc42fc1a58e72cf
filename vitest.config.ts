import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // What src/server.ts does at start-up for the whole process (V8 flags), done for each test file.
    setupFiles: ['test/setup.ts'],
    // e2e suites start real servers and SIPp and measure latency under load: their files run one after
    // another. `npm test` runs the other files in parallel first (--fileParallelism), then test/e2e/.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
