// The node's copy of the bindings it last read or wrote per AoR, for `unavailable = "cache"` only: served
// while Redis cannot answer, never while it can (every read then goes to Redis, so a REGISTER through one
// node is seen at once by every other). Bounded by AoR count (least recently used go first); a binding past
// its expiry is never served from it.
import type { Binding } from '../state/index.ts';

export class LocationCache {
  readonly #max: number;
  /** By "<tenant>\n<table>\n<aor>"; Map order is use order (a hit moves the entry to the end). */
  readonly #aors = new Map<string, readonly Binding[]>();

  constructor(maxAors: number) {
    this.#max = maxAors;
  }

  get size(): number {
    return this.#aors.size;
  }

  /** What Redis answered for the AoR (its live bindings, best first); an empty list is remembered too. */
  remember(key: string, bindings: readonly Binding[]): void {
    this.#aors.delete(key);
    this.#aors.set(key, bindings);
    if (this.#aors.size > this.#max) {
      const oldest = this.#aors.keys().next().value;
      if (oldest !== undefined) this.#aors.delete(oldest);
    }
  }

  /** The AoR's remembered bindings still live at `now`, or undefined when this node never saw it. */
  recall(key: string, now: number): Binding[] | undefined {
    const known = this.#aors.get(key);
    if (known === undefined) return undefined;
    this.#aors.delete(key);
    this.#aors.set(key, known);
    return known.filter((b) => b.expiresAt > now);
  }
}
