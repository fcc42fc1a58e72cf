// Opens an outgoing TCP connection with a deadline: a peer that drops SYNs must not hold a transaction
// until the OS gives up (minutes).
import { connect, type Socket } from 'node:net';
import type { Endpoint } from './endpoint.ts';

export type ConnectResult = { ok: true; socket: Socket } | { ok: false; code: string; timedOut: boolean };

/** `from` binds the local address (port chosen by the OS); `abort` cancels, as on transport close. */
export function connectTcp(
  remote: Endpoint,
  from: string | undefined,
  timeoutMs: number,
  abort: AbortSignal,
): Promise<ConnectResult> {
  return new Promise((resolve) => {
    const socket = connect({
      host: remote.address,
      port: remote.port,
      ...(from === undefined ? {} : { localAddress: from }),
      noDelay: true,
    });
    const finish = (result: ConnectResult) => {
      clearTimeout(timer);
      abort.removeEventListener('abort', onAbort);
      // Keep a listener so an error racing the handover cannot crash the process; TcpConnection logs its own.
      socket.on('error', ignore);
      socket.off('error', onError);
      socket.off('connect', onConnect);
      if (!result.ok) socket.destroy();
      resolve(result);
    };
    const onConnect = () => finish({ ok: true, socket });
    const onError = (err: NodeJS.ErrnoException) =>
      finish({ ok: false, code: err.code ?? 'ECONNABORTED', timedOut: false });
    const onAbort = () => finish({ ok: false, code: 'ECONNABORTED', timedOut: false });
    const timer = setTimeout(() => finish({ ok: false, code: 'ETIMEDOUT', timedOut: true }), timeoutMs);
    socket.once('connect', onConnect);
    socket.once('error', onError);
    abort.addEventListener('abort', onAbort, { once: true });
    if (abort.aborted) onAbort();
  });
}

function ignore(): void {}
