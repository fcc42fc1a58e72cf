// The transaction layer (RFC 3261 17) and the stateful proxy core (16), as Kamailio's tm and rr modules
// provide them to scripts. Knows SIP and the transport, nothing of wasm or of the KSR tables.
export { Branch, type BranchFinal } from './branch.ts';
export { newBranchId, statelessBranchId, statelessReplyTarget } from './branch-ids.ts';
export { type Clock, systemClock, type Timer } from './clock.ts';
export { byFallingQ, type DestinationBranch, parseQ, takeHighestQ } from './destination-set.ts';
export { InviteClientTransaction } from './invite-client-transaction.ts';
export { InviteServerTransaction } from './invite-server-transaction.ts';
export { hasLooped, loopTag } from './loop-detection.ts';
export { type LooseRouteOutcome, looseRoute, uriParams } from './loose-route.ts';
export { forwardMaxForwards, INITIAL_MAX_FORWARDS, maxForwardsCeiling } from './max-forwards.ts';
export { allowedHop, forcedHop, hostPort, looksNumeric, type NextHop, nextHop } from './next-hop.ts';
export { NonInviteClientTransaction } from './non-invite-client-transaction.ts';
export { NonInviteServerTransaction } from './non-invite-server-transaction.ts';
export { type PretranEntry, PretranTable } from './pretran-table.ts';
export type {
  BranchDraft,
  BranchVerdict,
  OutboundInterface,
  ProxyClientEntry,
  ProxyEnvironment,
  ProxyTransactionInit,
  TransactionRouteState,
  TransactionRoutes,
} from './proxy-environment.ts';
export { ProxyTransaction, type RelayOutcome } from './proxy-transaction.ts';
export { type Interface, type RecordRouteRequest, recordRouteValues } from './record-route.ts';
export * from './relay-error.ts';
export { MAX_BRANCHES } from './relay-queue.ts';
export { DEFAULT_TIMER_VALUES, type TimerValues } from './timer-values.ts';
export { createTmCounters, type TmCounters } from './tm-counters.ts';
export type {
  ClientTransactionUser,
  ServerReceipt,
  ServerTransactionUser,
  TransactionTiming,
  TransactionTransport,
} from './transaction.ts';
export {
  DEFAULT_TRANSACTION_CAPS,
  type TransactionCap,
  type TransactionCapLimits,
  TransactionCaps,
} from './transaction-caps.ts';
export { clientKey, hasMagicCookie, serverKey } from './transaction-key.ts';
export { type ClientEntry, type ServerEntry, TransactionTable } from './transaction-table.ts';
