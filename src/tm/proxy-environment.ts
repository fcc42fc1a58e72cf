// What the server gives its proxy transactions: one ProxyEnvironment for all of them (time, the table,
// the transport, listeners, local tags, branch ids), the routes of the script each one is pinned to
// (TransactionRoutes), and what each is made from (ProxyTransactionInit). The tm layer knows nothing of
// how routes run: it hands them drafts and reads verdicts.

import type { Logger } from 'pino';
import type { LogLimiter } from '../log-limit.ts';
import type { Result } from '../result.ts';
import type { SipRequest, SipResponse } from '../sip/index.ts';
import type { Endpoint, Proto, SendDone, SendTarget, Source } from '../transport/index.ts';
import type { Branch } from './branch.ts';
import type { NextHop } from './next-hop.ts';
import type { ProxyTransaction } from './proxy-transaction.ts';
import type { RecordRouteRequest } from './record-route.ts';
import type { TmCounters } from './tm-counters.ts';
import type { TransactionTiming } from './transaction.ts';
import type { ClientEntry, TransactionTable } from './transaction-table.ts';

/** A client transaction (a branch's request or its CANCEL) as the table keeps it: with its transaction. */
export interface ProxyClientEntry extends ClientEntry {
  readonly owner: ProxyTransaction;
}

/** The listener a request leaves from, and the address to name it by in Via and Record-Route. */
export interface OutboundInterface {
  /** The listener as bound (may be a wildcard): what the transport sends from. */
  readonly listener: Endpoint;
  /** A concrete address of it (never a wildcard). */
  readonly address: string;
  readonly port: number;
  /**
   * The listener's protocol when it differs from the one asked for: a ws next hop (RFC 7118 writes
   * transport=ws for both) leaves from a wss listener when that is what there is. Via and Record-Route name it.
   */
  readonly proto?: Proto;
  /**
   * The port our Via names when it is not `port`: a worker thread's private reply port (docs/workers.md),
   * so the next hop's responses come back to the worker that owns the transaction; Record-Route keeps `port`.
   */
  readonly viaPort?: number;
}

/** What all proxy transactions of a server share. */
export interface ProxyEnvironment {
  readonly timing: TransactionTiming;
  readonly table: TransactionTable<ProxyTransaction, ProxyClientEntry>;
  readonly counters: TmCounters;
  /** The transport's send: `done` hears the result once, never before send returned. */
  readonly send: (target: SendTarget, bytes: Buffer, done?: SendDone) => void;
  /** The listener a request to `host` over `proto` leaves from; the one `near` arrived on when it fits. */
  listenerFor(proto: Proto, host: string, near: Source): OutboundInterface | undefined;
  /** The To tag of a response this server makes up for `request`. */
  localTag(request: SipRequest): string;
  /** Runs `task` when no route is running (routes never nest: a guest instance is never re-entered). */
  defer(task: () => void): void;
  /**
   * A new Via branch parameter (magic cookie first, unique to this process), signed for `upstream`, the
   * transaction's reply target, so a response outliving the transaction may go back there statelessly;
   * ending with `suffix` (the loop hash).
   */
  newBranch(upstream: SendTarget, suffix?: string): string;
  /** Rate limit of the lines a peer can cause once per transaction (a send that failed, a timeout). */
  readonly logLimit: LogLimiter;
  /** A branch to a name fails over to the name's next target (Kamailio's use_dns_failover). */
  readonly dnsFailover: boolean;
}

/** A branch about to be sent, as the branch route sees and may change it. */
export interface BranchDraft {
  readonly index: number;
  /** The branch's request; replaced by a fresh copy when a failed branch route's changes are discarded. */
  request: SipRequest;
  dstUri: string | undefined;
  flags: number;
  /** The branch's Record-Route (the transaction's, as record-route / add-rr-param in its branch route left it). */
  recordRoute: RecordRouteRequest | undefined;
}

/** What becomes of a branch after its branch route: sent, dropped, or ended with a local final response. */
export type BranchVerdict = 'send' | 'drop' | { readonly status: number; readonly reason: string };

/** What a route may change on a transaction: put back when the route fails (a failure policy). */
export interface TransactionRouteState {
  readonly pending: number;
  readonly onFailure: string | undefined;
  readonly onBranch: string | undefined;
  readonly onReply: string | undefined;
  readonly dropReplies: 'a' | 'l' | 'n';
  readonly fr: number;
  readonly frInv: number;
  readonly recordRoute: RecordRouteRequest | undefined;
}

/** The script's routes for one transaction, bound by the server to the module version that created it. */
export interface TransactionRoutes {
  /** Runs the branch route `name` on `draft`: whether the branch is sent, dropped or ended locally. */
  branch(tx: ProxyTransaction, name: string, draft: BranchDraft): BranchVerdict;
  /**
   * Runs the onreply route `name` for a response of `branch` that came from `source`: the response to go
   * on with (the route may have changed it, or a failed route's changes were discarded), undefined when it
   * is dropped. A final response cannot be dropped: undefined then keeps `response`.
   */
  onReply(
    tx: ProxyTransaction,
    name: string,
    response: SipResponse,
    branch: Branch,
    source: Source | undefined,
  ): SipResponse | undefined;
  /**
   * Runs the failure route `name` (t_relay in it adds branches, t_reply answers); a Promise when it waits
   * for a KSR answer (a remote store): the transaction completes once it settled.
   */
  failure(tx: ProxyTransaction, name: string): void | Promise<void>;
  /** Why the tenant may not send to `hop`, or undefined when it may. */
  refuse(hop: NextHop): string | undefined;
  /**
   * The targets a branch to the host name of `hop` may be sent to, best first (RFC 3263: NAPTR, SRV,
   * A/AAAA; one lookup, cached, bounded in time), each an address the tenant may send to; the error says
   * why there is none.
   */
  resolve(hop: NextHop): Promise<Result<NextHop[], string>>;
  /**
   * The transaction sent `response` upstream (tm's TMCB_RESPONSE_OUT): each provisional response, and its
   * final response once. Accounting (acc) hooks here.
   */
  responded?(tx: ProxyTransaction, response: SipResponse): void;
  /** The transaction is over (the server unpins its module version). */
  ended(tx: ProxyTransaction): void;
}

export interface ProxyTransactionInit {
  /** serverKey() of the request as received. */
  readonly key: string;
  /** The request as received (a copy the route no longer changes). */
  readonly request: SipRequest;
  readonly source: Source;
  /** Where responses go (RFC 3261 18.2.2 / RFC 3581). */
  readonly upstream: SendTarget;
  /** Max-Forwards as received: if a branch still carries it, the script did not process it (16.6 step 3). */
  readonly receivedMaxForwards: number | undefined;
  /** The loop hash of the request as received (loop-detection.ts), carried by every branch; none: no hash. */
  readonly loopTag?: string;
  /** URI parameters the server adds to every Record-Route entry of this transaction (";kwv=7"). */
  readonly recordRouteParams?: string;
  /** The server's own data for the transaction (the script it is pinned to); opaque here. */
  readonly owner?: unknown;
  /**
   * The transaction's log, or what makes it on first read from the transaction: most transactions log
   * nothing, and a pino child costs about a microsecond and stays with the transaction. A function of the
   * transaction, so that one function serves them all (a closure each would be kept while they linger).
   */
  readonly log: Logger | ((tx: ProxyTransaction) => Logger);
}
