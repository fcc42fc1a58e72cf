// What src/server.ts, the composition root, sets for the whole process before anything runs: the tests
// run kemi code without a server, so they set it here (vitest.config.ts setupFiles).
import { enableLinearRegexEngine } from '../src/kemi/index.ts';

enableLinearRegexEngine();
