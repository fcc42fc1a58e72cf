// Via branch parameters this proxy puts on the requests it sends (RFC 3261 8.1.1.7, 16.6 step 8): the magic
// cookie, a per-process prefix (two processes never mint the same value) and a counter. A request forwarded
// statelessly (an ACK for a 2xx) gets a branch derived from the one it arrived with, so the ACK sent again
// for a retransmitted 2xx carries the same branch (16.11).
import { randomBytes } from 'node:crypto';
import { BRANCH_MAGIC_COOKIE, type SipRequest } from '../sip/index.ts';

const PREFIX = `${BRANCH_MAGIC_COOKIE}${randomBytes(4).toString('hex')}`;
let counter = 0;

/** A branch no other request of this process carries, ending with `suffix` (a loop hash). */
export function newBranchId(suffix = ''): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${PREFIX}.${counter.toString(36)}${suffix}`;
}

/** The branch for a stateless forward of `request`: the same for the same incoming top Via. */
export function statelessBranchId(request: SipRequest): string {
  const key = `${request.via.branch ?? ''}\n${request.callId}\n${request.cseq.seq}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return `${PREFIX}.s${(hash >>> 0).toString(36)}`;
}
