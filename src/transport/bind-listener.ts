// Binding a UDP or TCP listening socket, the same way for both: an 'error' before the socket is bound fails
// the bind (and closes the socket) with a message for the operator; once bound, the listener is made from
// the address the OS gave and its own error handling takes over.
import type { EventEmitter } from 'node:events';
import { err, ok, type Result } from '../result.ts';
import { type Endpoint, familyOf, normalizeAddress, type Proto } from './endpoint.ts';
import type { LocalAddress } from './local-addresses.ts';

export interface Bind<T> {
  readonly proto: Proto;
  /** The IP literal to bind. */
  readonly address: string;
  /** The listen spec as written, for messages and LocalAddress.spec. */
  readonly spec: string;
  /** Starts binding; calls `onBound` once bound. */
  readonly listen: (onBound: () => void) => void;
  /** The socket's address once bound (the actual port when 0 was asked for). */
  readonly bound: () => Endpoint;
  /** Makes the listener. */
  readonly adopt: (local: LocalAddress) => T;
}

export function bindListener<T>(
  socket: EventEmitter & { close(): unknown },
  bind: Bind<T>,
): Promise<Result<T>> {
  return new Promise((resolve) => {
    const onError = (error: NodeJS.ErrnoException) => {
      socket.close();
      resolve(err(`listen ${bind.spec}: cannot bind: ${error.code ?? error.message}`));
    };
    socket.once('error', onError);
    bind.listen(() => {
      socket.off('error', onError);
      const { address, port } = bind.bound();
      const family = familyOf(bind.address);
      resolve(
        ok(
          bind.adopt({
            proto: bind.proto,
            family,
            address: normalizeAddress(address),
            port,
            spec: bind.spec,
          }),
        ),
      );
    });
  });
}
