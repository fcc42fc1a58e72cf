// Request forwarding (RFC 3261 16.6) for one branch of a proxy transaction: a copy of the request with
// the branch's Request-URI (step 2); the branch route (Kamailio's t_on_branch), which may change that copy
// and its $du (so its next hop), drop the branch or end it; Max-Forwards (step 3); Record-Route (step 4);
// the interface to send from (steps 6-7); our Via (step 8). A branch that cannot be sent ends at once with
// a final response made here, which the response context weighs like any other. A next hop by name is
// addressed (steps 6-8) once resolved: each DNS target gets its own Via, and its own Record-Route when
// the transport differs.
import { isIP } from 'node:net';
import { err, ok } from '../result.ts';
import { pushOwnVia } from '../sip/index.ts';
import type { AddressTarget, Endpoint } from '../transport/index.ts';
import { type Addressing, Branch } from './branch.ts';
import { forwardMaxForwards } from './max-forwards.ts';
import { allowedHop, type NextHop } from './next-hop.ts';
import type { BranchDraft, TransactionRoutes } from './proxy-environment.ts';
import type { ProxyTransaction } from './proxy-transaction.ts';
import { recordRouteValues } from './record-route.ts';
import type { QueuedBranch } from './relay-queue.ts';

/** What forwarding takes from the transaction besides its public state. */
export interface Forwarding {
  readonly routes: TransactionRoutes;
  /** Max-Forwards as received: a branch still carrying it was not processed by the script (step 3). */
  readonly receivedMaxForwards: number | undefined;
  /** URI parameters added to every Record-Route entry of the transaction (";kwv=7"). */
  readonly recordRouteParams: string;
  /** Appended to every branch id: the loop hash of the request as received (loop-detection.ts). */
  readonly branchSuffix: string;
}

/**
 * The next branch of `tx` for `queued`, in round `leg`: ready to start, or ended already (its `final` set)
 * when it cannot be sent; undefined when the branch route dropped it.
 */
export function forwardBranch(
  tx: ProxyTransaction,
  forwarding: Forwarding,
  queued: QueuedBranch,
  leg: number,
): Branch | undefined {
  const index = tx.branches.length;
  const target = queued.target;
  let request = queued.message.clone();
  let hop = queued.hop;
  let flags = target.flags;
  let recordRoute = tx.recordRoute;
  const ended = (status: number, reason: string, why: string): Branch => {
    tx.env.logLimit.warn(
      tx.log,
      'branch-not-sent',
      { branch: index, status },
      `branch ${index} not sent: ${why}`,
    );
    const branch = new Branch(tx, index, leg, hop, flags, {
      request,
      target: targetOf(hop, undefined),
      id: '',
    });
    branch.fail(status, reason);
    return branch;
  };
  if (request.uri !== target.uri && !request.setUri(target.uri)) {
    return ended(400, 'Bad Request-URI', `'${target.uri}' is not a URI`);
  }
  // Kamailio's path vector: a registered Path goes first in the branch's Route set.
  if (target.path !== undefined && !request.prependHeader('Route', target.path)) {
    return ended(500, 'Server Internal Error', `the registered Path '${target.path}' is not a Route value`);
  }
  if (tx.onBranch !== undefined) {
    const draft: BranchDraft = { index, request, dstUri: target.dstUri, flags, recordRoute };
    const verdict = forwarding.routes.branch(tx, tx.onBranch, draft);
    request = draft.request;
    if (verdict === 'drop') {
      tx.log.debug({ branch: index }, 'branch dropped by the branch route');
      return undefined;
    }
    if (verdict !== 'send') return ended(verdict.status, verdict.reason, 'its branch route failed');
    flags = draft.flags;
    recordRoute = draft.recordRoute;
    if (!queued.forced && (draft.dstUri !== target.dstUri || request.uri !== target.uri)) {
      const again = allowedHop(draft.dstUri ?? request.uri, undefined, (h) => forwarding.routes.refuse(h));
      if (!again.ok) return ended(again.error.status, again.error.reason, again.error.message);
      hop = again.value;
    }
  }
  if (!forwardMaxForwards(request, forwarding.receivedMaxForwards)) {
    return ended(483, 'Too Many Hops', 'Max-Forwards is 0');
  }
  const route = recordRoute;
  // Steps 6-8 for one concrete destination: the interface, Record-Route and our Via. A name is resolved
  // when the branch starts, and each target it fails over to gets its own copy of the request as it is now.
  const addressing: Addressing = (to, copy) => {
    const local = tx.env.listenerFor(to.proto, to.host, tx.source);
    if (local === undefined) return err(`no ${to.proto} listener to send from`);
    const out = copy ? request.clone() : request;
    if (route !== undefined && tx.method !== 'ACK' && tx.method !== 'CANCEL') {
      const inbound = tx.env.listenerFor(tx.source.proto, tx.source.remote.address, tx.source) ?? local;
      const values = recordRouteValues(
        { params: route.params + forwarding.recordRouteParams, preset: route.preset },
        { ...inbound, proto: inbound.proto ?? tx.source.proto },
        { ...local, proto: local.proto ?? to.proto },
        tx.request.from?.tag,
      );
      for (let i = values.length - 1; i >= 0; i--) out.prependHeader('Record-Route', values[i]);
    }
    const id = tx.env.newBranch(tx.upstream, forwarding.branchSuffix);
    const via = (local.proto ?? to.proto).toUpperCase();
    pushOwnVia(out, via, local.address, local.viaPort ?? local.port, id);
    return ok({ request: out, target: targetOf(to, local.listener), id });
  };
  if (isIP(hop.host) === 0) return new Branch(tx, index, leg, hop, flags, { request, addressing });
  const addressed = addressing(hop, false);
  if (!addressed.ok) return ended(503, 'Service Unavailable', addressed.error);
  return new Branch(tx, index, leg, hop, flags, addressed.value);
}

function targetOf(hop: NextHop, local: Endpoint | undefined): AddressTarget {
  const target = { proto: hop.proto, address: hop.host, port: hop.port, local };
  return hop.secure ? { ...target, secure: true } : target;
}
