// The AssemblyScript SDK for kemi-wasm routing scripts: `KSR` as in Kamailio's KEMI.
//   import { KSR } from '../../sdk';
//   KSR.sl.sl_send_reply(404, 'Not Found');
export { KSR } from './ksr-imports';
