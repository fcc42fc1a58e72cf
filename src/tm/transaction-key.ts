// Transaction matching keys (RFC 3261 17.1.3, 17.2.3). A server transaction is found by the top Via's
// branch and sent-by plus the method (an ACK belongs to its INVITE); requests whose branch lacks the magic
// cookie come from RFC 2543 elements and match by Request-URI, From tag, Call-ID, CSeq number and top Via
// (the To tag is checked after the lookup: serverMatches). A client transaction is found by the branch it
// put in its own Via plus the CSeq method of the response.
import { BRANCH_MAGIC_COOKIE, type SipRequest, type SipResponse } from '../sip/index.ts';

const SEP = '\u0000';

/** The key of the server transaction `request` belongs to, matched as if its method were `method`. */
export function serverKey(request: SipRequest, method: string = request.method): string {
  const via = request.via;
  const own = method === 'ACK' ? 'INVITE' : method;
  const branch = via.branch;
  if (branch?.startsWith(BRANCH_MAGIC_COOKIE)) {
    const port = via.port ?? (via.transport === 'TLS' ? 5061 : 5060);
    // Joined: one flat string for the table to hash and keep (concatenated, a tree of cons strings).
    return [branch, SEP, via.host.toLowerCase(), ':', port, SEP, own].join('');
  }
  return [
    '2543',
    request.uri,
    request.from?.tag ?? '',
    request.callId,
    request.cseq.seq,
    request.get('Via') ?? '',
    own,
  ].join(SEP);
}

/** True for a request whose top Via branch has the RFC 3261 magic cookie. */
export function hasMagicCookie(request: SipRequest): boolean {
  return request.via.branch?.startsWith(BRANCH_MAGIC_COOKIE) === true;
}

/**
 * The To tag rule of RFC 2543 matching (17.2.3): an ACK carries the tag of the final response; any other
 * request the tag of the request that created the transaction. Always true for RFC 3261 requests.
 */
export function serverMatches(
  request: SipRequest,
  original: SipRequest,
  finalToTag: string | undefined,
): boolean {
  if (hasMagicCookie(request)) return true;
  const tag = request.to?.tag;
  return request.method === 'ACK' ? tag === finalToTag : tag === original.to?.tag;
}

/** The key of the client transaction that sent `branch` with `method`. */
export function clientKey(branch: string, method: string): string {
  return [branch, SEP, method].join('');
}

/** The key of the client transaction `response` answers, or undefined without a branch. */
export function responseKey(response: SipResponse): string | undefined {
  const branch = response.via.branch;
  return branch === undefined ? undefined : clientKey(branch, response.cseq.method);
}
