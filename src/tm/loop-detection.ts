// Loop detection (RFC 3261 16.3 step 4 with the branch calculation of 16.6 step 8). Every branch this proxy
// sends carries, after its unique part, a hash of the request as the proxy received it: To tag, From tag,
// Call-ID, Request-URI, the top Via (sent-by and branch), CSeq number, Proxy-Require and
// Proxy-Authorization. When a request comes in with a Via of ours, the same hash is computed on it, taking
// as "top Via" the one right below ours (the top Via of the request we received then). Equal: the request
// came back unchanged, a loop (482). Different (the Request-URI was rewritten, say): a spiral, processed.
// The hash is deterministic, so any process of the server can verify a branch another one minted.
import { createHash } from 'node:crypto';
import type { SipRequest, Via } from '../sip/index.ts';

/** The loop part of a branch: after the unique part, `.l` and 16 hex digits. */
const LOOP_TAG = /\.l([0-9a-f]{16})$/;

/** The value a branch carries for `request` as received (its own top Via). */
export function loopTag(request: SipRequest): string {
  return loopHash(request, request.via);
}

/** The branch suffix carrying `tag`. */
export function loopSuffix(tag: string): string {
  return `.l${tag}`;
}

/**
 * Whether `request` looped: one of its Via values is ours (`mine`) and its branch holds the hash of this
 * request computed with the Via below it as the top one.
 */
export function hasLooped(request: SipRequest, mine: (via: Via) => boolean): boolean {
  const vias = request.vias;
  if (vias === undefined) return false;
  for (let i = 0; i + 1 < vias.length; i++) {
    const found = LOOP_TAG.exec(vias[i].branch ?? '');
    if (found === null || !mine(vias[i])) continue;
    if (loopHash(request, vias[i + 1]) === found[1]) return true;
  }
  return false;
}

function loopHash(request: SipRequest, topVia: Via): string {
  const hash = createHash('sha256');
  for (const part of [
    request.to?.tag ?? '',
    request.from?.tag ?? '',
    request.callId,
    request.uri,
    topVia.host.toLowerCase(),
    String(topVia.port ?? ''),
    topVia.branch ?? '',
    String(request.cseq.seq),
    request.getFieldValues('Proxy-Require').join(','),
    request.getFieldValues('Proxy-Authorization').join(','),
  ]) {
    hash.update(part);
    hash.update('\n');
  }
  return hash.digest('hex').slice(0, 16);
}
