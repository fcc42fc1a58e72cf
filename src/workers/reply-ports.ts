// A SIP worker thread's private reply ports (docs/workers.md): the shared UDP sockets spread flows over the
// workers by a hash of the 4-tuple, so a next hop's responses to a request could reach any worker. Each
// worker therefore sends its requests from a private socket beside each shared one and names that port in
// its Via: the responses come straight back to the worker that owns the transaction.
import type { LocalAddress } from '../transport/index.ts';

/** Private reply socket by the shared listener it serves (`address:port` of the shared one). */
export type ReplyPorts = ReadonlyMap<string, LocalAddress>;

/** A listen spec on the same address and a free port for each UDP spec, in the same order. */
export function replyPortSpecs(listen: readonly string[]): string[] {
  return listen.filter((spec) => spec.startsWith('udp:')).map((spec) => spec.replace(/:\d+$/, ':0'));
}
