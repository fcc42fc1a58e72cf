// Why a relay failed, as Kamailio's tm says it: the negative code t_relay returns (ser's error.h values, so
// scripts ported from Kamailio compare against the same numbers) and the reply sl_reply_error sends for it.
// Shaped as a Problem (src/result.ts), with Kamailio's numbers as its closed code union.

export const E_UNSPEC = -1;
/**
 * No transaction could be made: Kamailio's code when tm cannot allocate one; here when a transaction cap
 * is full (transaction-caps.ts). Kamailio answers it 500; here 503 with Retry-After (RFC 3261 21.5.4).
 */
export const E_OUT_OF_MEM = -2;
export const E_TOO_MANY_BRANCHES = -12;
export const E_BAD_REQ = -400;
export const E_SEND = -477;
export const E_BAD_ADDRESS = -478;
export const E_BAD_URI = -479;
export const E_BAD_PROTO = -480;
export const E_CANCELED = -487;
/** The destination is not on the tenant's allow-list (Kamailio's E_ADM_PROHIBITED). */
export const E_ADM_PROHIBITED = -510;

export type RelayCode =
  | typeof E_UNSPEC
  | typeof E_OUT_OF_MEM
  | typeof E_TOO_MANY_BRANCHES
  | typeof E_BAD_REQ
  | typeof E_SEND
  | typeof E_BAD_ADDRESS
  | typeof E_BAD_URI
  | typeof E_BAD_PROTO
  | typeof E_CANCELED
  | typeof E_ADM_PROHIBITED;

/** The reply `sl.sl-reply-error` sends for a relay failure. */
export interface RelayReply {
  readonly status: number;
  readonly reason: string;
}

export interface RelayError extends RelayReply {
  /** Kamailio's error code (negative): what t_relay returns to the script. */
  readonly code: RelayCode;
  /** One line for the log: what was refused and why. */
  readonly message: string;
}

const REPLIES: Record<RelayCode, RelayReply> = {
  [E_UNSPEC]: { status: 500, reason: 'Server Internal Error' },
  [E_OUT_OF_MEM]: { status: 503, reason: 'Service Unavailable' },
  [E_TOO_MANY_BRANCHES]: { status: 500, reason: 'Too Many Branches' },
  [E_BAD_REQ]: { status: 400, reason: 'Bad Request' },
  [E_SEND]: { status: 503, reason: 'Service Unavailable' },
  [E_BAD_ADDRESS]: { status: 500, reason: 'Unresolvable Destination' },
  [E_BAD_URI]: { status: 400, reason: 'Bad Request-URI' },
  [E_BAD_PROTO]: { status: 500, reason: 'Unsupported Transport' },
  [E_CANCELED]: { status: 487, reason: 'Request Terminated' },
  [E_ADM_PROHIBITED]: { status: 403, reason: 'Destination Not Allowed' },
};

export function relayError(code: RelayCode, message: string): RelayError {
  return { code, ...REPLIES[code], message };
}

/** The reply for what t_relay returned (a code it does not know answers as E_UNSPEC). */
export function relayReply(code: number): RelayReply {
  return REPLIES[code as RelayCode] ?? REPLIES[E_UNSPEC];
}
