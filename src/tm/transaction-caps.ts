// How many proxy transactions are live, in all and per tenant, against the caps of issue 11 ("reply
// amplification and table growth"): without them one peer flooding INVITEs to a destination that never
// answers grows the table by every request for the transactions' whole lifetime (timer B 30 s, then timer H
// 32 s for the 408's ACK) and starves every other tenant of memory. A proxy transaction counts its server
// transaction and the client transactions it owns (at most MAX_BRANCHES branches and their CANCELs), so
// counting proxy transactions bounds the table. Counted when made, released when the transaction ends (the
// single end of ProxyTransaction: #maybeEnd, reached from every path: final response and linger, timer H,
// lifetime, abandon after a failed route, CANCEL).

/**
 * The caps: at most `global` live transactions in all, and `perTenant` of any one tenant; a request refused
 * one is answered 503 with `Retry-After: retryAfterS`.
 */
export interface TransactionCapLimits {
  readonly global: number;
  readonly perTenant: number;
  readonly retryAfterS: number;
}

/**
 * Defaults sized for 1000+ new transactions per second with timer B/F lifetimes: a transaction whose
 * destination never answers lives fr_timer (30 s) until its 408, then up to timer H (64*T1, 32 s) until
 * its ACK; one answered lives its ringing time plus wt_timer (5 s). 1000 black-holed requests per second
 * thus hold 30 000-60 000 transactions, 1000 answered calls ringing 15 s about 20 000. A tenant gets
 * 20 000 (1000 cps of ordinary calls, or a flood of ~600/s held for the whole of timer B), the server
 * 100 000 (five such tenants), a few hundred MB at most of requests and branch copies. Retry-After 5 s:
 * transactions end all the time, so a short wait spreads the retries without idling the capacity freed.
 */
export const DEFAULT_TRANSACTION_CAPS: TransactionCapLimits = Object.freeze({
  global: 100_000,
  perTenant: 20_000,
  retryAfterS: 5,
});

/** Which cap refused a transaction. */
export type TransactionCap = 'global' | 'tenant';

export class TransactionCaps {
  readonly limits: TransactionCapLimits;
  readonly #byTenant = new Map<string, number>();
  #total = 0;

  constructor(limits: TransactionCapLimits = DEFAULT_TRANSACTION_CAPS) {
    this.limits = limits;
  }

  /** Live transactions in all. */
  get total(): number {
    return this.#total;
  }

  /** Live transactions of `tenant`. */
  liveOf(tenant: string): number {
    return this.#byTenant.get(tenant) ?? 0;
  }

  /** Live transactions by tenant (tenants with none left out), for the metrics. */
  byTenant(): Record<string, number> {
    return Object.fromEntries(this.#byTenant);
  }

  /**
   * Counts a new transaction of `tenant`; when a cap is full, counts nothing and names the cap (the
   * tenant's first: a tenant's own flood is its own). `force` counts past the caps: a CANCEL of a known
   * INVITE (one per INVITE, it ends with it) is never refused.
   */
  acquire(tenant: string, force = false): TransactionCap | undefined {
    const live = this.liveOf(tenant);
    if (!force) {
      if (live >= this.limits.perTenant) return 'tenant';
      if (this.#total >= this.limits.global) return 'global';
    }
    this.#byTenant.set(tenant, live + 1);
    this.#total++;
    return undefined;
  }

  /** A transaction counted by acquire() ended. */
  release(tenant: string): void {
    const live = this.liveOf(tenant);
    if (live <= 0) throw new Error(`transaction caps: release for ${tenant} without a live transaction`);
    if (live === 1) this.#byTenant.delete(tenant);
    else this.#byTenant.set(tenant, live - 1);
    this.#total--;
  }
}
