// Binding a UDP or TCP listening socket, the same way for both: an 'error' before the socket is bound fails
// the bind (and closes the socket) with a message for the operator; once bound, the socket's own error
// handling takes over and the listener is made from the address the OS gave.
import type { EventEmitter } from 'node:events';
import { err, ok, type Result } from '../result.ts';
import { type Endpoint, familyOf, normalizeAddress, type Proto } from './endpoint.ts';
import type { LocalAddress } from './local-addresses.ts';

interface BindableSocket extends EventEmitter {
  close(): unknown;
}

/**
 * Calls `listen` with the callback to run once bound, and resolves with `adopt` of the bound local address.
 * `bound` reads the socket's address after binding.
 */
export function bindListener<T>(
  socket: BindableSocket,
  proto: Proto,
  address: string,
  specText: string,
  listen: (onBound: () => void) => void,
  bound: () => Endpoint,
  adopt: (local: LocalAddress) => T,
): Promise<Result<T>> {
  return new Promise((resolve) => {
    const onError = (error: NodeJS.ErrnoException) => {
      socket.close();
      resolve(err(`listen ${specText}: cannot bind: ${error.code ?? error.message}`));
    };
    socket.once('error', onError);
    listen(() => {
      socket.off('error', onError);
      const { address: at, port } = bound();
      const family = familyOf(address);
      resolve(ok(adopt({ proto, family, address: normalizeAddress(at), port, spec: specText })));
    });
  });
}
