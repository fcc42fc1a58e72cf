// The destination set as the tm and corex functions see it (Kamailio's dset): the R-URI's branch ($ru,
// $du, its q and the branch flags) followed by the branches append-branch added.
import type { DestinationBranch } from '../tm/index.ts';
import type { RouteContext } from './context.ts';

/** The R-URI's branch. */
export function ruriBranch(ctx: RouteContext): DestinationBranch {
  const branch = {
    uri: ctx.request!.uri,
    dstUri: ctx.relay.dstUri,
    q: ctx.relay.ruriQ,
    flags: ctx.flags.branch,
  };
  return ctx.relay.ruriPath === undefined ? branch : { ...branch, path: ctx.relay.ruriPath };
}

/**
 * What t-relay forks to, taking the appended branches out of the set. In a failure route the R-URI's
 * branch counts only when the script changed $ru or $du there (Kamailio's "new R-URI"): else it is the
 * branch that just failed.
 */
export function takeDestinationSet(ctx: RouteContext): DestinationBranch[] {
  const appended = ctx.relay.appended ?? [];
  ctx.relay.appended = undefined;
  const tx = ctx.tm.transaction;
  const changed =
    ctx.kind !== 'failure' ||
    tx === undefined ||
    ctx.request!.uri !== tx.relayedRequest?.uri ||
    ctx.relay.dstUri !== tx.relayedDstUri;
  return changed ? [ruriBranch(ctx), ...appended] : appended;
}
