// Why a relay failed, as Kamailio's tm says it: the negative code t_relay returns (ser's error.h values, so
// scripts ported from Kamailio compare against the same numbers) and the reply sl_reply_error sends for it.

export interface RelayError {
  /** Kamailio's error code (negative). */
  readonly code: number;
  /** The reply `sl.sl-reply-error` sends for it. */
  readonly status: number;
  readonly reason: string;
  /** One line for the log: what was refused and why. */
  readonly detail: string;
}

export const E_UNSPEC = -1;
export const E_TOO_MANY_BRANCHES = -12;
export const E_BAD_REQ = -400;
export const E_SEND = -477;
export const E_BAD_ADDRESS = -478;
export const E_BAD_URI = -479;
export const E_BAD_PROTO = -480;
export const E_CANCELED = -487;
/** The destination is not on the tenant's allow-list (Kamailio's E_ADM_PROHIBITED). */
export const E_ADM_PROHIBITED = -510;

const REPLIES: Record<number, readonly [number, string]> = {
  [E_UNSPEC]: [500, 'Server Internal Error'],
  [E_TOO_MANY_BRANCHES]: [500, 'Too Many Branches'],
  [E_BAD_REQ]: [400, 'Bad Request'],
  [E_SEND]: [503, 'Service Unavailable'],
  [E_BAD_ADDRESS]: [500, 'Unresolvable Destination'],
  [E_BAD_URI]: [400, 'Bad Request-URI'],
  [E_BAD_PROTO]: [500, 'Unsupported Transport'],
  [E_CANCELED]: [487, 'Request Terminated'],
  [E_ADM_PROHIBITED]: [403, 'Destination Not Allowed'],
};

export function relayError(code: number, detail: string): RelayError {
  const [status, reason] = REPLIES[code] ?? REPLIES[E_UNSPEC];
  return { code, status, reason, detail };
}
