// Opens an outgoing TCP connection with a deadline: a peer that drops SYNs must not hold a transaction
// until the OS gives up (minutes).
import { connect, type Socket } from 'node:net';
import { err, ok, type Result } from '../result.ts';
import type { Endpoint } from './endpoint.ts';

/** `systemCode` is the socket's error code; `timedOut` when the deadline passed first. */
export interface ConnectError {
  readonly systemCode: string;
  readonly timedOut: boolean;
}

/** `from` binds the local address (port chosen by the OS); `abort` cancels, as on transport close. */
export function connectTcp(
  remote: Endpoint,
  from: string | undefined,
  timeoutMs: number,
  abort: AbortSignal,
): Promise<Result<Socket, ConnectError>> {
  return new Promise((resolve) => {
    const socket = connect({
      host: remote.address,
      port: remote.port,
      ...(from === undefined ? {} : { localAddress: from }),
      noDelay: true,
    });
    const finish = (result: Result<Socket, ConnectError>) => {
      clearTimeout(timer);
      abort.removeEventListener('abort', onAbort);
      // Keep a listener so an error racing the handover cannot crash the process; TcpConnection logs its own.
      socket.on('error', ignore);
      socket.off('error', onError);
      socket.off('connect', onConnect);
      if (!result.ok) socket.destroy();
      resolve(result);
    };
    const onConnect = () => finish(ok(socket));
    const onError = (error: NodeJS.ErrnoException) =>
      finish(err({ systemCode: error.code ?? 'ECONNABORTED', timedOut: false }));
    const onAbort = () => finish(err({ systemCode: 'ECONNABORTED', timedOut: false }));
    const timer = setTimeout(() => finish(err({ systemCode: 'ETIMEDOUT', timedOut: true })), timeoutMs);
    socket.once('connect', onConnect);
    socket.once('error', onError);
    abort.addEventListener('abort', onAbort, { once: true });
    if (abort.aborted) onAbort();
  });
}

function ignore(): void {}
