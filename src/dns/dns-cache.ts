// The DNS answers kept between lookups: records by (name, type) for their TTL (the smallest of the answer,
// capped by `maxTtlMs`), "no such name" and "no such record" for the SOA's negative TTL (RFC 2308, capped
// by `negativeTtlMs`, which is also the TTL when no SOA came). A timeout or a SERVFAIL is not kept: the
// next branch asks again. At most `entries` answers, the oldest dropped first; concurrent lookups of one
// (name, type) share one query.
import type { Answer, RecordType } from 'dns-packet';
import { err, ok, type Result } from '../result.ts';
import type { Clock } from '../tm/index.ts';
import type { DnsQuery } from './dns-client.ts';

export interface DnsCacheLimits {
  readonly entries: number;
  readonly maxTtlMs: number;
  readonly negativeTtlMs: number;
}

/** Records of one type found for a name (empty: the name or the type does not exist), or why none could be had. */
export type Lookup = Result<readonly Answer[], string>;

/** Counts for the metrics. */
export interface DnsCounters {
  queries: number;
  cacheHits: number;
  failures: number;
}

export class DnsCache {
  readonly counters: DnsCounters = { queries: 0, cacheHits: 0, failures: 0 };
  readonly #query: DnsQuery;
  readonly #limits: DnsCacheLimits;
  readonly #clock: Clock;
  readonly #entries = new Map<string, { readonly expires: number; readonly records: readonly Answer[] }>();
  readonly #pending = new Map<string, Promise<Lookup>>();

  constructor(query: DnsQuery, limits: DnsCacheLimits, clock: Clock) {
    this.#query = query;
    this.#limits = limits;
    this.#clock = clock;
  }

  get size(): number {
    return this.#entries.size;
  }

  lookup(name: string, type: RecordType): Promise<Lookup> {
    const key = `${type} ${name.toLowerCase().replace(/\.$/, '')}`;
    const kept = this.#entries.get(key);
    if (kept !== undefined) {
      if (kept.expires > this.#clock.now()) {
        this.counters.cacheHits++;
        return Promise.resolve(ok(kept.records));
      }
      this.#entries.delete(key);
    }
    const pending = this.#pending.get(key);
    if (pending !== undefined) return pending;
    this.counters.queries++;
    const asked = this.#ask(key, name, type).finally(() => this.#pending.delete(key));
    this.#pending.set(key, asked);
    return asked;
  }

  async #ask(key: string, name: string, type: RecordType): Promise<Lookup> {
    const reply = await this.#query(name, type);
    if (!reply.ok) {
      this.counters.failures++;
      return reply;
    }
    const { rcode, answers, authorities } = reply.value;
    if (rcode !== 'NOERROR' && rcode !== 'NXDOMAIN') {
      this.counters.failures++;
      return err(`${type} ${name}: the resolver answered ${rcode}`);
    }
    const records = rcode === 'NXDOMAIN' ? [] : answers.filter((a) => a.type === type);
    const ttlMs =
      records.length > 0
        ? Math.min(this.#limits.maxTtlMs, ...answers.map((a) => ((a as { ttl?: number }).ttl ?? 0) * 1000))
        : Math.min(this.#limits.negativeTtlMs, negativeTtlMs(authorities));
    this.#remember(key, records, ttlMs);
    return ok(records);
  }

  #remember(key: string, records: readonly Answer[], ttlMs: number): void {
    if (this.#limits.entries <= 0 || ttlMs <= 0) return;
    while (this.#entries.size >= this.#limits.entries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    this.#entries.set(key, { expires: this.#clock.now() + ttlMs, records });
  }
}

/** RFC 2308 5: the smaller of the SOA's TTL and its MINIMUM field; Infinity without an SOA. */
function negativeTtlMs(authorities: readonly Answer[]): number {
  for (const a of authorities) {
    if (a.type === 'SOA') return Math.min(a.ttl ?? 0, a.data.minimum ?? 0) * 1000;
  }
  return Number.POSITIVE_INFINITY;
}
