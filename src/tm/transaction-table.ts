// Every live transaction of the server, by matching key (transaction-key.ts): the lookups of RFC 3261
// 17.1.3 and 17.2.3 that decide whether a message is a retransmission, an ACK or CANCEL for a known
// transaction, a response to one of our branches, or new.
import type { SipRequest, SipResponse } from '../sip/index.ts';
import type { Source } from '../transport/index.ts';
import { clientKey, responseKey, serverKey, serverMatches } from './transaction-key.ts';

/** What the table keeps per server transaction: the request as received, and its final To tag. */
export interface ServerEntry {
  readonly request: SipRequest;
  readonly finalToTag: string | undefined;
}

/** What the table keeps per client transaction. */
export interface ClientEntry {
  /** A response from the network, and where it came from. */
  receiveResponse(response: SipResponse, source: Source): void;
}

export class TransactionTable<S extends ServerEntry, C extends ClientEntry> {
  readonly #servers = new Map<string, S>();
  readonly #clients = new Map<string, C>();
  /** INVITE server transactions by dialog and CSeq: where an ACK for a 2xx (a new transaction) belongs. */
  readonly #invites = new Map<string, S>();

  get serverCount(): number {
    return this.#servers.size;
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /** The server transaction `request` belongs to (a retransmission, or an ACK of an INVITE). */
  matchRequest(request: SipRequest): S | undefined {
    return this.lookup(serverKey(request), request);
  }

  /** The INVITE server transaction a CANCEL is for (9.2, 16.10). */
  matchCancelled(cancel: SipRequest): S | undefined {
    return this.lookup(serverKey(cancel, 'INVITE'), cancel);
  }

  /**
   * Registers a server transaction under `key`: serverKey() of its request as received, taken before a
   * route could change the Request-URI or Via. False when the key is taken.
   */
  addServer(key: string, entry: S): boolean {
    if (this.#servers.has(key)) return false;
    this.#servers.set(key, entry);
    return true;
  }

  removeServer(key: string, entry: S): void {
    if (this.#servers.get(key) === entry) this.#servers.delete(key);
  }

  /** Indexes an INVITE server transaction for matchAck. */
  addInvite(entry: S): void {
    this.#invites.set(inviteKey(entry.request), entry);
  }

  removeInvite(entry: S): void {
    const key = inviteKey(entry.request);
    if (this.#invites.get(key) === entry) this.#invites.delete(key);
  }

  /**
   * The INVITE server transaction an ACK for a 2xx answers (same Call-ID, From tag and CSeq number): the
   * hint Kamailio's t_check_trans gives for end-to-end ACKs.
   */
  matchAck(ack: SipRequest): S | undefined {
    return this.#invites.get(inviteKey(ack));
  }

  /** The client transaction a response answers. */
  matchResponse(response: SipResponse): C | undefined {
    const key = responseKey(response);
    return key === undefined ? undefined : this.#clients.get(key);
  }

  addClient(branch: string, method: string, entry: C): void {
    this.#clients.set(clientKey(branch, method), entry);
  }

  removeClient(branch: string, method: string, entry: C): void {
    const key = clientKey(branch, method);
    if (this.#clients.get(key) === entry) this.#clients.delete(key);
  }

  /** matchRequest with the key computed already (the server computes it once per request). */
  lookup(key: string, request: SipRequest): S | undefined {
    const entry = this.#servers.get(key);
    return entry && serverMatches(request, entry.request, entry.finalToTag) ? entry : undefined;
  }
}

function inviteKey(request: SipRequest): string {
  return [request.callId, request.from?.tag ?? '', request.cseq.seq].join('\u0000');
}
