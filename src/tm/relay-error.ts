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

/**
 * Kamailio 5.6's err2reason_phrase (src/core/error.c): the status and text for each internal error. The
 * reason phrase is "text (N/SIG)" with SIG "SL" from sl_reply_error and "TM" when tm ends a branch
 * (kill_transaction). Codes it does not list answer 500 "I'm terribly sorry, server error occurred".
 */
const ERR2REASON: Partial<Record<RelayCode, { status: number; text: string }>> = {
  [E_SEND]: { status: 477, text: 'Unfortunately error on sending to next hop occurred' },
  [E_BAD_ADDRESS]: { status: 478, text: 'Unresolvable destination' },
  [E_BAD_REQ]: { status: 400, text: 'Bad Request' },
  [E_BAD_URI]: { status: 479, text: 'Regretfully, we were not able to process the URI' },
  [E_TOO_MANY_BRANCHES]: { status: 500, text: 'Forking capacity exceeded' },
  [E_CANCELED]: { status: 487, text: 'Transaction canceled' },
};
const SERVER_ERROR = { status: 500, text: "I'm terribly sorry, server error occurred" };

/** Who answers: sl_reply_error ("SL") or the transaction layer ("TM"), as err2reason_phrase's signature. */
export type ErrorSignature = 'SL' | 'TM';

/** The reply for what t_relay returned (a code err2reason does not list answers 500). */
export function relayReply(code: number, signature: ErrorSignature = 'SL'): RelayReply {
  // The tenant's allow-list is kemi-wasm's (docs/ksr-api.md, Differences from Kamailio): it says so.
  if (code === E_ADM_PROHIBITED) return { status: 403, reason: 'Destination Not Allowed' };
  // A full transaction cap asks the peer to come back (503 + Retry-After), where Kamailio's 500 says nothing.
  if (code === E_OUT_OF_MEM) return { status: 503, reason: 'Service Unavailable' };
  const { status, text } = ERR2REASON[code as RelayCode] ?? SERVER_ERROR;
  return { status, reason: `${text} (${-code}/${signature})` };
}

/** A relay failure; its reply is the one the transaction layer sends when it ends a branch with it. */
export function relayError(code: RelayCode, message: string): RelayError {
  return { code, ...relayReply(code, 'TM'), message };
}
