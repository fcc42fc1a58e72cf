// Preloaded into a server process by timer-guard.test.ts (NODE_OPTIONS=--import): faults no input is known
// to cause, injected where the test needs them.
// - Unloading a version throws (the first time): the unload runs in the dialog grace timer's callback once a replaced
//   version's grace ends, so the throw happens inside a timer callback of the server.
// - On SIGUSR2 a bare timer (outside every guard) throws: an exception that escapes, for the
//   uncaughtException policy.
import { ManagedScript } from '../../../src/registry/managed-script.ts';

const markUnloaded = ManagedScript.prototype.markUnloaded;
let thrown = false;
ManagedScript.prototype.markUnloaded = function (this: ManagedScript) {
  // Once: the unloads of the orderly stop then go through.
  if (!thrown) {
    thrown = true;
    throw new Error('injected fault: markUnloaded');
  }
  markUnloaded.call(this);
};

process.on('SIGUSR2', () => {
  setTimeout(() => {
    throw new Error('injected fault: an unguarded callback');
  });
});
