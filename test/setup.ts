// Run by vitest before each test file (vitest.config.ts): what the composition root (src/server.ts) does for
// the whole process at start-up, for tests that build contexts, tables and runtimes without it.
import { setV8Flags } from '../src/runtime/v8-flags.ts';

setV8Flags();
