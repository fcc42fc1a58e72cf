// Kamailio's pike: requests per source address, counted over sampling units, and the verdict of each check
// (1 fine, -2 flooding detected now, -1 flooding detected before). Each address keeps the hits of the
// previous and the current unit; it is hot when either unit, or their mean, reaches reqs_density_per_unit
// (Kamailio's is_hot_leaf). A hot address stays blocked until a unit ends with it no longer hot; it is
// forgotten remove_latency seconds after its last request.
//
// Kamailio swaps every node's counters on a timer; here each entry swaps lazily from the unit number it was
// last touched in, so a check is O(1) and nothing runs between requests. Memory is bounded by two
// generations of at most max_entries / 2 addresses each: a request's address goes to (or moves into) the
// young generation; when it is full, the old generation is forgotten whole and the young one becomes old.
// (One Map in last-request order with eviction from its front would cost O(holes) per eviction in V8.)
// A flood of random source addresses thus costs a fixed amount of memory and only evicts addresses that
// sent nothing while max_entries / 2 new ones arrived: a flooding source, which sends all the time, keeps
// moving into the young generation and is never the one forgotten.
import type { IpValue } from './ip-prefix.ts';

export interface PikeSettings {
  /** Seconds per sampling unit (Kamailio's sampling_time_unit). */
  readonly samplingTimeUnit: number;
  /** Requests per unit from one address before it is blocked (reqs_density_per_unit). */
  readonly reqsDensityPerUnit: number;
  /** Seconds an address is kept after its last request (remove_latency). */
  readonly removeLatency: number;
  /** Addresses tracked at most per table; beyond it the least recently seen is forgotten. */
  readonly maxEntries: number;
}

export const PIKE_DEFAULTS: PikeSettings = {
  samplingTimeUnit: 2,
  reqsDensityPerUnit: 30,
  removeLatency: 120,
  maxEntries: 100_000,
};

/** Kamailio's answers: 1 not blocked, -1 blocked (detected before), -2 detected by this request. */
export const PIKE_OK = 1;
export const PIKE_FLOODING = -1;
export const PIKE_DETECTED = -2;
export type PikeVerdict = typeof PIKE_OK | typeof PIKE_FLOODING | typeof PIKE_DETECTED;

/** Kamailio counts in unsigned shorts and stops below their maximum. */
const MAX_HITS = 0xfffe;

interface Entry {
  previous: number;
  current: number;
  /** The sampling unit `current` counts. */
  unit: number;
  blocked: boolean;
  /** Milliseconds on the clock of the last request. */
  last: number;
}

export type PikeClock = () => number;

/**
 * Several nodes (src/cluster/shared-pike.ts): the hits of the other nodes, as last read from Redis, and
 * where this node's hits are noted for the next push. Checks stay synchronous: the others' hits are at most
 * one push interval old.
 */
export interface PikeRemote {
  /** Notes one local hit of `key` in `unit`. */
  hit(key: string, unit: number): void;
  /** The other nodes' hits of `key` in `unit` (0 when unknown). */
  others(key: string, unit: number): number;
}

export class PikeTable {
  readonly #settings: PikeSettings;
  readonly #clock: PikeClock;
  readonly #generation: number;
  #young = new Map<string, Entry>();
  #old = new Map<string, Entry>();
  /** The last request (ms) of each generation: a generation whose last one is expired holds only expired. */
  #youngLast = Number.NEGATIVE_INFINITY;
  #oldLast = Number.NEGATIVE_INFINITY;
  readonly #unitMs: number;
  readonly #latencyMs: number;
  /** Addresses detected as flooding (each -2); requests answered -1; addresses forgotten at the cap. */
  detected = 0;
  blocked = 0;
  evicted = 0;

  readonly #remote: PikeRemote | undefined;

  constructor(settings: PikeSettings, clock: PikeClock, remote?: PikeRemote) {
    this.#settings = settings;
    this.#clock = clock;
    this.#remote = remote;
    this.#generation = Math.max(1, Math.floor(settings.maxEntries / 2));
    this.#unitMs = settings.samplingTimeUnit * 1000;
    this.#latencyMs = settings.removeLatency * 1000;
  }

  /** Addresses held now (expired ones not yet swept included); at most max_entries. */
  get size(): number {
    return this.#young.size + this.#old.size;
  }

  /** Counts one request from `ip` and answers whether it floods. */
  check(ip: IpValue): PikeVerdict {
    const now = this.#clock();
    const unit = Math.floor(now / this.#unitMs);
    const key = keyOf(ip);
    let entry = this.#young.get(key);
    if (entry === undefined) {
      entry = this.#old.get(key);
      if (entry !== undefined) this.#old.delete(key);
      if (entry === undefined || now - entry.last >= this.#latencyMs) {
        entry = { previous: 0, current: 0, unit, blocked: false, last: now };
      } else this.#advance(entry, unit, key);
      this.#admit(key, entry);
    } else if (now - entry.last >= this.#latencyMs) {
      entry = { previous: 0, current: 0, unit, blocked: false, last: now };
      this.#young.set(key, entry);
    } else this.#advance(entry, unit, key);
    entry.last = now;
    this.#youngLast = now;
    if (entry.current < MAX_HITS) entry.current++;
    this.#remote?.hit(key, unit);
    if (entry.blocked) {
      this.blocked++;
      return PIKE_FLOODING;
    }
    if (this.#hot(entry, key)) {
      entry.blocked = true;
      this.detected++;
      return PIKE_DETECTED;
    }
    return PIKE_OK;
  }

  /** Forgets the generations that hold only expired addresses; how many addresses went. */
  sweep(): number {
    const now = this.#clock();
    let removed = 0;
    if (now - this.#oldLast >= this.#latencyMs) {
      removed += this.#old.size;
      this.#old = new Map();
    }
    if (now - this.#youngLast >= this.#latencyMs) {
      removed += this.#young.size;
      this.#young = new Map();
    }
    return removed;
  }

  /** Puts an address into the young generation, turning generations over when it is full. */
  #admit(key: string, entry: Entry): void {
    if (this.#young.size >= this.#generation) {
      this.evicted += this.#old.size;
      this.#old = this.#young;
      this.#oldLast = this.#youngLast;
      this.#young = new Map();
    }
    this.#young.set(key, entry);
  }

  /** Moves the counters to `unit`: Kamailio's swap at each unit's end, and its unblock of a cooled address. */
  #advance(entry: Entry, unit: number, key: string): void {
    const passed = unit - entry.unit;
    if (passed <= 0) return;
    entry.previous = passed === 1 ? entry.current : 0;
    entry.current = 0;
    entry.unit = unit;
    if (entry.blocked && !this.#hot(entry, key)) entry.blocked = false;
  }

  /** Hot on this node's hits, plus (several nodes) the other nodes' in the same units. */
  #hot(entry: Entry, key: string): boolean {
    const max = this.#settings.reqsDensityPerUnit;
    let { previous, current } = entry;
    if (this.#remote !== undefined) {
      previous = Math.min(MAX_HITS, previous + this.#remote.others(key, entry.unit - 1));
      current = Math.min(MAX_HITS, current + this.#remote.others(key, entry.unit));
    }
    return previous >= max || current >= max || (previous + current) >> 1 >= max;
  }
}

/** A Map key per address: family and value, so 1.2.3.4 and ::102:304 stay apart. */
function keyOf(ip: IpValue): string {
  return `${ip.family}:${ip.value}`;
}

/** Counts of one tenant's table (metrics). */
export interface PikeCounts {
  readonly tenant: string;
  readonly detected: number;
  readonly blocked: number;
  readonly evicted: number;
  readonly entries: number;
}

/**
 * A pike table per tenant, made on a tenant's first check. Counting per tenant keeps a tenant's script from
 * blocking an address for another tenant (pike-check-ip takes any address a script names), at the cost of
 * a flooder being counted separately by each tenant it reaches.
 */
export class PikeStore {
  readonly settings: PikeSettings;
  readonly #clock: PikeClock;
  readonly #tables = new Map<string, PikeTable>();
  /** Several nodes: each tenant's table counts the other nodes' hits too (src/cluster/shared-pike.ts). */
  remote: ((tenant: string) => PikeRemote) | undefined;

  constructor(settings: PikeSettings = PIKE_DEFAULTS, clock: PikeClock = Date.now) {
    this.settings = settings;
    this.#clock = clock;
  }

  table(tenant: string): PikeTable {
    let table = this.#tables.get(tenant);
    if (table === undefined) {
      table = new PikeTable(this.settings, this.#clock, this.remote?.(tenant));
      this.#tables.set(tenant, table);
    }
    return table;
  }

  /** Forgets the expired generations of every tenant; how many addresses went. */
  sweep(): number {
    let removed = 0;
    for (const table of this.#tables.values()) removed += table.sweep();
    return removed;
  }

  counts(): PikeCounts[] {
    return [...this.#tables].map(([tenant, t]) => ({
      tenant,
      detected: t.detected,
      blocked: t.blocked,
      evicted: t.evicted,
      entries: t.size,
    }));
  }
}
