// Kamailio's failure route: when every branch of a transaction ended without a 2xx, the route armed with
// t_on_failure runs before the best response goes upstream. It may answer (t_reply) or fork anew
// (t_relay); a new round of branches drops the replies t_drop_replies names (Kamailio's
// failure_reply_mode 3), so they are no longer candidates for the best response. The route is armed once:
// a failure route that wants the next one sets it again.
import type { Branch } from './branch.ts';
import type { TransactionRoutes } from './proxy-environment.ts';
import type { ProxyTransaction } from './proxy-transaction.ts';
import type { RelayQueue } from './relay-queue.ts';

/**
 * Runs the armed failure route, if any; true when it answered the transaction or sent new branches. A route
 * that waits (a KSR call answered by a remote store) gives a Promise of that; `resumed` is called when it
 * returned, before its new branches start.
 */
export function runFailureRoute(
  tx: ProxyTransaction,
  routes: TransactionRoutes,
  queue: RelayQueue,
  resumed?: () => void,
): boolean | Promise<boolean> {
  const name = tx.onFailure;
  if (name === undefined || tx.picked === undefined) return false;
  tx.onFailure = undefined;
  tx.dropReplies = 'a';
  tx.env.counters.failureRoutes++;
  const ran = routes.failure(tx, name);
  if (ran instanceof Promise) {
    return ran.then(() => {
      resumed?.();
      return afterFailureRoute(tx, queue);
    });
  }
  return afterFailureRoute(tx, queue);
}

/** What the failure route left: an answer, a new round of branches (started now), or nothing. */
function afterFailureRoute(tx: ProxyTransaction, queue: RelayQueue): boolean {
  // Answered by the route, or meanwhile (a late 2xx, a CANCEL) while it waited.
  if (tx.finalStatus !== undefined) return true;
  if (queue.length === 0) return false;
  dropEarlierReplies(tx.branches, tx.dropReplies, queue.leg);
  tx.startPending();
  return true;
}

/** t_drop_replies: 'a' all earlier replies, 'l' those of the last round (`leg`), 'n' none. */
function dropEarlierReplies(branches: readonly Branch[], mode: 'a' | 'l' | 'n', leg: number): void {
  if (mode === 'n') return;
  for (const branch of branches) if (mode === 'a' || branch.leg === leg) branch.dropped = true;
}
