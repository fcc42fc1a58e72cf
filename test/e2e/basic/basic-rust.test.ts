// The basic KEMI script's suite (suite.ts) against `kemi-wasm serve` with guest-examples/basic/kemi.toml
// and the Rust port (guest-examples/rust/basic), built by the target (kemi-wasm-target.ts).
import { KemiWasmTarget } from './kemi-wasm-target.ts';
import { basicSuite } from './suite.ts';

basicSuite(() => new KemiWasmTarget('rust'));
