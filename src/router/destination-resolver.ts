// Name resolution for relay destinations (RFC 3263, src/dns/rfc3263.ts): a branch whose next hop is a host
// name asks here once, before its first send, for the ordered list of targets it may fail over through;
// every retransmission and its CANCEL go to the target it settled on. DNS answers are cached for their TTL
// (src/dns/dns-cache.ts); one lookup, all its queries together, is bounded by `timeoutMs` and fails the
// branch then instead of holding it. Tests may give a getaddrinfo-like Resolve instead of DNS servers: it
// answers A/AAAA only, cached for `cacheTtlMs`.
import type { Answer } from 'dns-packet';
import { DnsCache, type DnsCounters, type Lookup } from '../dns/dns-cache.ts';
import { type DnsQuery, type DnsServer, dnsQuery } from '../dns/dns-client.ts';
import { systemHosts, withHostsFile } from '../dns/hosts-file.ts';
import { type DnsTarget, type LookupFn, resolveTargets, type TargetQuery } from '../dns/rfc3263.ts';
import { err, ok, type Result } from '../result.ts';
import type { Clock } from '../tm/index.ts';
import type { Proto, Resolve } from '../transport/index.ts';

export interface ResolverLimits {
  /** The longest a DNS answer is reused, whatever its TTL (ms). */
  readonly cacheTtlMs: number;
  /** Most answers kept; the oldest entry goes first. */
  readonly cacheEntries: number;
  /** How long "no such name/record" is kept at most, and without an SOA (ms). */
  readonly negativeTtlMs: number;
  /** One lookup (NAPTR, SRV and address queries together) that has not ended by then fails (ms). */
  readonly timeoutMs: number;
  /** One query to one DNS server (ms); the next server is asked after it. */
  readonly queryTimeoutMs: number;
  /** Most targets one name gives a branch to fail over through. */
  readonly maxTargets: number;
}

export const DEFAULT_RESOLVER_LIMITS: ResolverLimits = Object.freeze({
  cacheTtlMs: 3_600_000,
  cacheEntries: 1024,
  negativeTtlMs: 30_000,
  timeoutMs: 4000,
  queryTimeoutMs: 1000,
  maxTargets: 16,
});

/**
 * Where answers come from: DNS servers (a query per record type; `hosts`, /etc/hosts by default, answers
 * A/AAAA for the names it lists first), or a getaddrinfo-like function.
 */
export type ResolverSource =
  | { readonly servers: readonly DnsServer[]; readonly hosts?: Map<string, string[]> }
  | { readonly query: DnsQuery }
  | { readonly resolve: Resolve };

export class DestinationResolver {
  readonly #cache: DnsCache;
  readonly #limits: ResolverLimits;
  readonly #clock: Clock;
  readonly #random: () => number;

  constructor(
    source: ResolverSource,
    limits: ResolverLimits,
    clock: Clock,
    random: () => number = Math.random,
  ) {
    this.#limits = limits;
    this.#clock = clock;
    this.#random = random;
    const query =
      'servers' in source
        ? withHostsFile(
            dnsQuery(source.servers, limits.queryTimeoutMs),
            source.hosts ?? systemHosts(),
            Math.ceil(limits.cacheTtlMs / 1000),
          )
        : 'query' in source
          ? source.query
          : addressQuery(source.resolve, limits.cacheTtlMs);
    this.#cache = new DnsCache(
      query,
      { entries: limits.cacheEntries, maxTtlMs: limits.cacheTtlMs, negativeTtlMs: limits.negativeTtlMs },
      clock,
    );
  }

  /** Answers cached now. */
  get size(): number {
    return this.#cache.size;
  }

  get counters(): DnsCounters {
    return this.#cache.counters;
  }

  /** The targets of `query` in `families` over `protos`, best first. Never rejects. */
  resolve(
    query: TargetQuery,
    families: readonly (4 | 6)[],
    protos: readonly Proto[],
  ): Promise<Result<DnsTarget[], string>> {
    const { timeoutMs, maxTargets } = this.#limits;
    const lookup: LookupFn = (name, type) => this.#cache.lookup(name, type);
    return new Promise((resolve) => {
      const timer = this.#clock.schedule(timeoutMs, () =>
        resolve(err(`cannot resolve '${query.host}': no answer in ${timeoutMs} ms`)),
      );
      resolveTargets(query, lookup, { protos, families, maxTargets, random: this.#random }).then(
        (found) => {
          timer.cancel();
          resolve(found.ok ? found : err(`cannot resolve '${query.host}': ${found.error}`));
        },
        (error: unknown) => {
          timer.cancel();
          resolve(err(`cannot resolve '${query.host}': ${String(error)}`));
        },
      );
    });
  }
}

/** A DnsQuery answering A/AAAA from `resolve` (one address, `ttlMs`), and nothing else. */
function addressQuery(resolve: Resolve, ttlMs: number): DnsQuery {
  const ttl = Math.ceil(ttlMs / 1000);
  return async (name, type) => {
    if (type !== 'A' && type !== 'AAAA') return ok({ rcode: 'NOERROR', answers: [], authorities: [] });
    const found = await resolve(name, [type === 'A' ? 4 : 6]);
    if (found.ok) {
      const answer = { type, name, ttl, data: found.value } as Answer;
      return ok({ rcode: 'NOERROR', answers: [answer], authorities: [] });
    }
    if (found.error.systemCode === 'ENOTFOUND' || found.error.systemCode === 'ENODATA') {
      return ok({ rcode: 'NXDOMAIN', answers: [], authorities: [] });
    }
    return err(found.error.message);
  };
}

export type { DnsTarget, Lookup };
