// What the transaction layer counted, read by metrics and tests.
export interface TmCounters {
  /** Proxy (server) transactions created. */
  serverTransactions: number;
  /** Client transactions created for branches. */
  clientTransactions: number;
  /** Requests absorbed by a server transaction: retransmissions, ACKs of non-2xx and of local 2xx responses. */
  retransmissionsAbsorbed: number;
  /** Responses forwarded upstream. */
  repliesRelayed: number;
  /** Responses not forwarded (for this server, after the final one, dropped by the script). */
  repliesAbsorbed: number;
  /** Responses this server made up for a transaction (t_reply, 408, 503 ...). */
  localReplies: number;
  /** Branches that timed out (timers B, F, C). */
  timeouts: number;
  /** Sends that failed (a branch's request, a response upstream). */
  sendFailures: number;
  cancelsSent: number;
  failureRoutes: number;
  /** Branches to a name that could not be resolved (or whose every target was refused). */
  unresolved: number;
  /** New branches to a name's next target after a 503, a timeout or a transport error (DNS failover). */
  dnsFailovers: number;
  /** Replies that matched no transaction and were forwarded by their Via. */
  statelessReplies: number;
  /** Replies that matched no transaction, named us in their top Via, but whose branch we did not sign. */
  statelessRepliesRefused: number;
}

export function createTmCounters(): TmCounters {
  return {
    serverTransactions: 0,
    clientTransactions: 0,
    retransmissionsAbsorbed: 0,
    repliesRelayed: 0,
    repliesAbsorbed: 0,
    localReplies: 0,
    timeouts: 0,
    sendFailures: 0,
    cancelsSent: 0,
    failureRoutes: 0,
    unresolved: 0,
    dnsFailovers: 0,
    statelessReplies: 0,
    statelessRepliesRefused: 0,
  };
}
