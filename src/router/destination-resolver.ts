// Name resolution for relay destinations: a branch whose next hop is a host name resolves it once, here,
// before its first send, and every retransmission and its CANCEL go to that one address (a name cannot
// answer differently between two sends of one branch). Answers are cached for a bounded time and in a
// bounded number of entries (the OS resolver gives no TTL: the configured one bounds how stale an answer
// may be), concurrent lookups of one name share one query, and a lookup that takes longer than the timeout
// fails the branch instead of holding it.
import { err, type Result } from '../result.ts';
import type { Clock } from '../tm/index.ts';
import type { Resolve, ResolveError } from '../transport/index.ts';

export interface ResolverLimits {
  /** How long an answer (or a "no such name") is reused (ms). */
  readonly cacheTtlMs: number;
  /** Most names kept; the oldest entry goes first. */
  readonly cacheEntries: number;
  /** A lookup that has not answered by then fails (ms). */
  readonly timeoutMs: number;
}

export const DEFAULT_RESOLVER_LIMITS: ResolverLimits = Object.freeze({
  cacheTtlMs: 30_000,
  cacheEntries: 1024,
  timeoutMs: 2000,
});

type Answer = Result<string, ResolveError>;

/** Answers worth remembering: an address, or a name that does not exist (not a timeout, not EAI_AGAIN). */
const CACHED_ERRORS = new Set(['ENOTFOUND', 'ENODATA']);

export class DestinationResolver {
  readonly #resolve: Resolve;
  readonly #limits: ResolverLimits;
  readonly #clock: Clock;
  readonly #cache = new Map<string, { readonly expires: number; readonly answer: Answer }>();
  readonly #pending = new Map<string, Promise<Answer>>();

  constructor(resolve: Resolve, limits: ResolverLimits, clock: Clock) {
    this.#resolve = resolve;
    this.#limits = limits;
    this.#clock = clock;
  }

  /** Names cached now. */
  get size(): number {
    return this.#cache.size;
  }

  /** One address of `host` in one of `families`. Never rejects. */
  resolve(host: string, families: readonly (4 | 6)[]): Promise<Answer> {
    const key = `${families.join(',')} ${host.toLowerCase()}`;
    const cached = this.#cache.get(key);
    if (cached !== undefined) {
      if (cached.expires > this.#clock.now()) return Promise.resolve(cached.answer);
      this.#cache.delete(key);
    }
    const pending = this.#pending.get(key);
    if (pending !== undefined) return pending;
    const lookup = this.#lookup(host, families).then((answer) => {
      this.#pending.delete(key);
      if (answer.ok || CACHED_ERRORS.has(answer.error.systemCode)) this.#remember(key, answer);
      return answer;
    });
    this.#pending.set(key, lookup);
    return lookup;
  }

  #lookup(host: string, families: readonly (4 | 6)[]): Promise<Answer> {
    const { timeoutMs } = this.#limits;
    return new Promise((resolve) => {
      const timer = this.#clock.schedule(timeoutMs, () =>
        resolve(
          err({ systemCode: 'ETIMEOUT', message: `cannot resolve '${host}': no answer in ${timeoutMs} ms` }),
        ),
      );
      this.#resolve(host, families).then(
        (answer) => {
          timer.cancel();
          resolve(answer);
        },
        (error: unknown) => {
          timer.cancel();
          resolve(err({ systemCode: 'EFAIL', message: `cannot resolve '${host}': ${String(error)}` }));
        },
      );
    });
  }

  #remember(key: string, answer: Answer): void {
    if (this.#limits.cacheEntries <= 0) return;
    while (this.#cache.size >= this.#limits.cacheEntries) {
      const oldest = this.#cache.keys().next().value;
      if (oldest === undefined) break;
      this.#cache.delete(oldest);
    }
    this.#cache.set(key, { expires: this.#clock.now() + this.#limits.cacheTtlMs, answer });
  }
}
