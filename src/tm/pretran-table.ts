// The requests whose processing is under way before they have a transaction (Kamailio's tmx "pretran"
// table): a request route that calls t-precheck-trans enters its request's transaction key here, and leaves
// when the request is done with (its route returned and nothing holds the request any more). A second
// copy of the request that comes meanwhile, a retransmission that beat the transaction, finds the key.

/** An entry of the table: leave() removes it once (later calls do nothing). */
export interface PretranEntry {
  leave(): void;
}

export class PretranTable {
  /** Entries by transaction key: more than one when copies came while the first was processed. */
  readonly #live = new Map<string, number>();

  /** Enters `key`; `found` says whether another entry had it already. */
  enter(key: string): { readonly found: boolean; readonly entry: PretranEntry } {
    const before = this.#live.get(key) ?? 0;
    this.#live.set(key, before + 1);
    let left = false;
    const entry = {
      leave: () => {
        if (left) return;
        left = true;
        const n = (this.#live.get(key) ?? 1) - 1;
        if (n > 0) this.#live.set(key, n);
        else this.#live.delete(key);
      },
    };
    return { found: before > 0, entry };
  }

  /** Keys entered and not left (tests, metrics). */
  get size(): number {
    return this.#live.size;
  }
}
