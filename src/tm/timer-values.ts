// The timer values of RFC 3261 17 (table 4), with Kamailio's tm names where Kamailio replaces one:
//
//   A, E, G   retransmission intervals: T1, doubling (E and G capped at T2); unreliable transports only
//   B, F      no final response (INVITE: no response at all):          fr      (Kamailio fr_timer)
//   C         proxy INVITE branch after a provisional (16.6 step 11):  frInv   (Kamailio fr_inv_timer)
//   H         wait for the ACK of a non-2xx final response:            64*T1
//   I, K      absorb ACK / response retransmissions:                   T4 (0 on reliable transports)
//   D, J, L, M  linger after completion to absorb late messages:       wait    (Kamailio wt_timer; RFC 3261
//             and RFC 6026 say 32 s / 64*T1, Kamailio 5 s: a busy proxy keeps far fewer transactions)
//
// A script's t-set-fr is capped at maxFr / maxFrInv, and nothing of a proxy transaction outlives its
// lifetime (maxInviteLifetime / maxNonInviteLifetime): every branch still running then is ended.
//
// Timer G sends a final response at most maxReplyRetransmissions times more (issue 11): the request's UDP
// source may be spoofed, so every retransmission the ACK does not stop is a datagram sent to a third party.

export interface TimerValues {
  /** RTT estimate (ms). */
  readonly t1: number;
  /** Longest retransmission interval for non-INVITE requests and INVITE responses (ms). */
  readonly t2: number;
  /** Longest time a message stays in the network (ms). */
  readonly t4: number;
  /** Timers B and F: no final response for a request (ms). */
  readonly fr: number;
  /** Timer C: no final response for an INVITE after a provisional one (ms). */
  readonly frInv: number;
  /** Timers D, J, L, M: how long a finished transaction absorbs late messages (ms). */
  readonly wait: number;
  /** Longest life of a proxy transaction before it is answered 408 (Kamailio max_inv_lifetime) (ms). */
  readonly maxInviteLifetime: number;
  /** The same for non-INVITE transactions (Kamailio max_noninv_lifetime) (ms). */
  readonly maxNonInviteLifetime: number;
  /** The most a script may set timers B/F to with t-set-fr (ms). */
  readonly maxFr: number;
  /** The most a script may set timer C to with t-set-fr (ms). */
  readonly maxFrInv: number;
  /**
   * How many times timer G retransmits a final response (non-2xx, or a 2xx made here) over UDP; the first
   * send is not counted. RFC 3261 has no cap (about 10 until timer H at the defaults); past this one the
   * transaction stays Completed until timer H, absorbing the ACK and answering a retransmitted request.
   */
  readonly maxReplyRetransmissions: number;
}

export const DEFAULT_TIMER_VALUES: TimerValues = Object.freeze({
  t1: 500,
  t2: 4000,
  t4: 5000,
  fr: 30_000,
  frInv: 120_000,
  wait: 5000,
  maxInviteLifetime: 180_000,
  maxNonInviteLifetime: 32_000,
  maxFr: 60_000,
  maxFrInv: 180_000,
  // 1 + 4 sends over 7.5 s (T1 500 ms doubling): all lost only at a loss rate few calls survive anyway.
  maxReplyRetransmissions: 4,
});
