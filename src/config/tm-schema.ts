// Configuration of the transaction layer and of the scripts' defines: the `tm` section (Kamailio's tm
// timer parameters, same names, milliseconds) and `defines` (Kamailio's `#!define NAME value`).
import { z } from 'zod';
import {
  DEFAULT_TIMER_VALUES,
  DEFAULT_TRANSACTION_CAPS,
  type TimerValues,
  type TransactionCapLimits,
} from '../tm/index.ts';

const ms = z.number().int().positive();

export const tmSchema = z
  .object({
    /** T1: first retransmission interval, RTT estimate (500). */
    retr_timer1: ms.optional(),
    /** T2: longest retransmission interval (4000). */
    retr_timer2: ms.optional(),
    /** T4: how long a message may linger in the network (5000). */
    t4: ms.optional(),
    /** No final response (no response at all for INVITE): timers B and F (30000). */
    fr_timer: ms.optional(),
    /** No final response to an INVITE after a provisional one: timer C (120000). */
    fr_inv_timer: ms.optional(),
    /** How long a finished transaction absorbs late messages (5000). */
    wt_timer: ms.optional(),
    /** Longest life of an INVITE transaction before it is answered 408 (180000). */
    max_inv_lifetime: ms.optional(),
    /** The same for other methods (32000). */
    max_noninv_lifetime: ms.optional(),
    /** The most a script may set fr_timer to with t-set-fr (60000). */
    max_fr_timer: ms.optional(),
    /** The most a script may set fr_inv_timer to with t-set-fr (180000). */
    max_fr_inv_timer: ms.optional(),
    /**
     * Timer G retransmissions of a final response to a UDP source, which may be spoofed (4; 0: sent once).
     * Timer H is unchanged: a late ACK or retransmitted INVITE is still answered (docs/sandbox.md).
     */
    max_reply_retransmissions: z.number().int().min(0).max(64).optional(),
    /**
     * Live transactions in all (100 000) and of one tenant (20 000); a request whose route asks for one
     * more gets 503 with Retry-After, statelessly (src/tm/transaction-caps.ts has the sizing).
     */
    max_transactions: z.number().int().positive().max(10_000_000).optional(),
    max_transactions_per_tenant: z.number().int().positive().max(10_000_000).optional(),
    /** The Retry-After of that 503, in seconds (5). */
    retry_after_s: z.number().int().min(0).max(86_400).optional(),
  })
  .strict()
  // Timer G doubles from T1 up to T2 until timer H (64*T1): with T2 >= T1 a final response is sent at most
  // 64 times per INVITE (11 at the defaults). A T2 below T1 would retransmit it 64*T1/T2 times, to a UDP
  // source nobody verified (docs/sandbox.md, reply amplification).
  .superRefine((tm, ctx) => {
    const t1 = tm.retr_timer1 ?? DEFAULT_TIMER_VALUES.t1;
    const t2 = tm.retr_timer2 ?? DEFAULT_TIMER_VALUES.t2;
    if (t2 < t1) {
      ctx.addIssue({
        code: 'custom',
        path: [tm.retr_timer2 === undefined ? 'retr_timer1' : 'retr_timer2'],
        message: `retr_timer2 (T2, ${t2}) must be at least retr_timer1 (T1, ${t1}): retransmissions are bounded by 64*T1/T2`,
      });
    }
    // The configured timers are what t-reset-fr restores: they must be within the maxima scripts get.
    const pairs = [
      ['fr_timer', tm.fr_timer, 'max_fr_timer', tm.max_fr_timer ?? DEFAULT_TIMER_VALUES.maxFr],
      [
        'fr_inv_timer',
        tm.fr_inv_timer,
        'max_fr_inv_timer',
        tm.max_fr_inv_timer ?? DEFAULT_TIMER_VALUES.maxFrInv,
      ],
    ] as const;
    for (const [key, value, maxKey, max] of pairs) {
      if (value !== undefined && value > max)
        ctx.addIssue({ code: 'custom', path: [key], message: `${key} ${value} is above ${maxKey} ${max}` });
    }
  })
  .default({});

export type TmConfig = z.infer<typeof tmSchema>;

export const definesSchema = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a define name is a C identifier'), z.string())
  .default({});

/** The timer values the config sets (the others keep their defaults). */
export function tmTimers(tm: TmConfig): Partial<TimerValues> {
  const values: { -readonly [K in keyof TimerValues]?: number } = {};
  if (tm.retr_timer1 !== undefined) values.t1 = tm.retr_timer1;
  if (tm.retr_timer2 !== undefined) values.t2 = tm.retr_timer2;
  if (tm.t4 !== undefined) values.t4 = tm.t4;
  if (tm.fr_timer !== undefined) values.fr = tm.fr_timer;
  if (tm.fr_inv_timer !== undefined) values.frInv = tm.fr_inv_timer;
  if (tm.wt_timer !== undefined) values.wait = tm.wt_timer;
  if (tm.max_inv_lifetime !== undefined) values.maxInviteLifetime = tm.max_inv_lifetime;
  if (tm.max_noninv_lifetime !== undefined) values.maxNonInviteLifetime = tm.max_noninv_lifetime;
  if (tm.max_fr_timer !== undefined) values.maxFr = tm.max_fr_timer;
  if (tm.max_fr_inv_timer !== undefined) values.maxFrInv = tm.max_fr_inv_timer;
  if (tm.max_reply_retransmissions !== undefined)
    values.maxReplyRetransmissions = tm.max_reply_retransmissions;
  return values;
}

/** The transaction caps the config sets, with the defaults for those absent. */
export function tmCaps(tm: TmConfig): TransactionCapLimits {
  return {
    global: tm.max_transactions ?? DEFAULT_TRANSACTION_CAPS.global,
    perTenant: tm.max_transactions_per_tenant ?? DEFAULT_TRANSACTION_CAPS.perTenant,
    retryAfterS: tm.retry_after_s ?? DEFAULT_TRANSACTION_CAPS.retryAfterS,
  };
}
