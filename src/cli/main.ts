// The `kemi-wasm` command. First, `serve` may replace this process with one that has its heap flags
// (exec-serve-heap.ts); the commands' modules are imported after that, so that the replaced process did not
// load them for nothing.
import './exec-serve-heap.ts';

await import('./program.ts');
