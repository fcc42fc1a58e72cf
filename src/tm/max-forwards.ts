// RFC 3261 16.6 step 3 for a request the proxy forwards: Max-Forwards is decremented, or set to 70 when
// the request has none. Kamailio leaves that to the script (maxfwd's process-maxfwd); the proxy core here
// makes sure of it: whatever the script did to the header (set it higher, removed it), the value forwarded
// is at most one less than the value received (70 when none was), so a loop always ends. Every forwarded
// request (a branch, a stateless ACK) goes through here.
import type { SipRequest } from '../sip/index.ts';

/** What Max-Forwards a request without one starts with (RFC 3261 8.1.1.6). */
export const INITIAL_MAX_FORWARDS = 70;

/**
 * The highest Max-Forwards a request received with `received` may be forwarded with: one less, or 70
 * when it came without one; negative when it must not be forwarded.
 */
export function maxForwardsCeiling(received: number | undefined): number {
  return received === undefined ? INITIAL_MAX_FORWARDS : received - 1;
}

/**
 * Applies step 3 to `request`: a value the script lowered stays, anything else becomes the ceiling. False
 * when the request arrived with 0: it must not be forwarded (483 Too Many Hops).
 */
export function forwardMaxForwards(request: SipRequest, received: number | undefined): boolean {
  const ceiling = maxForwardsCeiling(received);
  if (ceiling < 0) return false;
  const value = request.maxForwards;
  if (value === undefined || value > ceiling) request.setHeader('Max-Forwards', String(ceiling));
  return true;
}
