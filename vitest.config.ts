import { defineConfig } from 'vitest/config';

/**
 * e2e files that only check behaviour: no latency or rate bound, no SIPp load, servers on ephemeral ports.
 * `npm test` runs them one after another in a process of lower CPU priority (scripts/run-e2e.ts) beside
 * the other e2e files, so their builds and waits fill the time the latency suites leave idle. A file joins
 * this list only when it passes run beside the latency suites several times. Not here: files whose bounds
 * are seconds of a server's CPU (test/e2e/restart.test.ts's 30 s restart failed at nice 10 on a machine at
 * load 13), whatever their subject. Beside a machine's other load (load 15-23 on a shared machine) nice 10
 * starves these too (server starts past their 30 s): `vitest run --project e2e --project e2e-beside` then runs
 * all e2e files one after another, as before.
 */
export const E2E_BESIDE = [
  // Twelve scaffolds: six componentize-js builds of ~22 s; each server answers one OPTIONS.
  'test/e2e/scaffold.test.ts',
  // The basic script against Kamailio and kemi-wasm: mostly waits (fr_timer's 30 s, pike's windows).
  'test/e2e/basic/*.test.ts',
];

/**
 * Files outside test/e2e whose tests bound wall time (a hostile route's cost, a KSR function's cost on its
 * largest input): they run with the serial e2e files, never beside another test file, so that the bound
 * measures the code and not a neighbour.
 */
const TIMED = [
  'test/sandbox/linear-edits.test.ts',
  'test/sandbox/hostile-routes.test.ts',
  'test/sandbox/uploads.test.ts',
];

export default defineConfig({
  test: {
    // What src/server.ts does at start-up for the whole process (V8 flags), done for each test file.
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', ...TIMED],
          maxWorkers: 2,
        },
      },
      {
        // e2e suites start real servers and SIPp and measure latency under load: their files run one
        // after another.
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', ...TIMED],
          exclude: E2E_BESIDE,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e-beside',
          include: E2E_BESIDE,
          fileParallelism: false,
          // The JavaScript guests the e2e suites share, built once at the start of this group.
          globalSetup: ['test/e2e/prebuild-guests.ts'],
        },
      },
    ],
  },
});
