// RFC 3261 16.6 step 3 for a request the proxy forwards: Max-Forwards is decremented, or set to 70 when
// the request has none. Kamailio leaves that to the script (maxfwd's process-maxfwd); when the script did
// not do it (the value is still the one received), the proxy core does, so a loop always ends. Every
// forwarded request (a branch, a stateless ACK) goes through here.
import type { SipRequest } from '../sip/index.ts';

/**
 * Applies step 3 to `request` unless the script changed Max-Forwards from `received` (the value as the
 * request arrived). False when it is 0: the request must not be forwarded (483 Too Many Hops).
 */
export function forwardMaxForwards(request: SipRequest, received: number | undefined): boolean {
  const value = request.maxForwards;
  if (value === undefined) request.setHeader('Max-Forwards', '70');
  else if (value === received) {
    if (value === 0) return false;
    request.setHeader('Max-Forwards', String(value - 1));
  }
  return true;
}
