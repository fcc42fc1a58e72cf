// The circuit breaker of one tenant: it trips when `failures` invocations of the active version failed
// within `windowMs`. The last failure times are kept in a ring, so recording one costs the same whatever
// the rate (a hostile tenant fails as fast as it can be invoked).
import type { BreakerSettings } from './tenant-spec.ts';

/**
 * Several nodes (src/cluster/shared-breaker.ts): where a node reports each failure of a tenant's active
 * version, so failures seen by all nodes count together. Resolves true when the cluster's count within
 * the window reached `settings.failures`: this node then trips as if it had counted them all.
 */
export interface SharedFailures {
  report(tenant: string, version: number, settings: BreakerSettings): Promise<boolean>;
}

export class CircuitBreaker {
  readonly settings: BreakerSettings;
  readonly #ring: Float64Array;
  #next = 0;
  #count = 0;

  constructor(settings: BreakerSettings) {
    this.settings = settings;
    this.#ring = new Float64Array(settings.failures);
  }

  /** Records a failure at `now` (ms, monotonic); true when it is the N-th within the window. */
  record(now: number): boolean {
    const n = this.#ring.length;
    this.#ring[this.#next] = now;
    this.#next = (this.#next + 1) % n;
    if (this.#count < n) this.#count++;
    if (this.#count < n) return false;
    // Full: the slot written next holds the oldest of the last N failures.
    return now - this.#ring[this.#next] <= this.settings.windowMs;
  }

  /** Failures recorded within the window that ends at `now`. */
  recent(now: number): number {
    let count = 0;
    for (let i = 0; i < this.#count; i++) if (now - this.#ring[i] <= this.settings.windowMs) count++;
    return count;
  }

  /** Forgets every failure (a new version is active, or an operator cleared the breaker). */
  reset(): void {
    this.#next = 0;
    this.#count = 0;
  }
}
