// Kamailio's htable in memory: named tables of items (string or integer values) that outlive a message and
// a module version, one set of tables per tenant. Tables exist only when the configuration declares them
// (Kamailio's modparam("htable", "htable", "a=>autoexpire=60")); each has caps on items, key and value
// bytes, so a script cannot make the host keep more than the operator allowed, and an optional autoexpire.
// Expiry is lazy (an expired item reads as absent) plus a bounded sweep on writes: items are kept in the
// order of their last write, which with one autoexpire per table is the order they expire in.

import { fail, OK, ok, type Problem, type Result } from '../result.ts';
import { RedisHtable } from './redis-htable.ts';
import type { SharedStoreLink } from './shared-store.ts';

/** An item's value: strings are byte strings (one char per octet), integers are s32. */
export type HtValue = string | number;

/** One table as declared in the configuration, with the defaults filled in. */
export interface HtableSpec {
  /** Items the table holds at most; writing a new key beyond it fails. */
  readonly maxItems: number;
  /** Longest key, in bytes. */
  readonly maxKeyBytes: number;
  /** Longest string value, in bytes. */
  readonly maxValueBytes: number;
  /** Seconds an item lives after its last write; 0: until removed. */
  readonly autoexpire: number;
  /** Where sht-inc / sht-dec start from for a missing item. */
  readonly initval: number;
  /** Kept in this node only even when the cluster's htables are in Redis (a per-node cache, say). */
  readonly nodeLocal: boolean;
}

export const HTABLE_DEFAULTS: HtableSpec = {
  maxItems: 10_000,
  maxKeyBytes: 256,
  maxValueBytes: 1024,
  autoexpire: 0,
  initval: 0,
  nodeLocal: false,
};

/** Why a write was refused; each counted per tenant. */
export type HtRefusal = 'items' | 'key-bytes' | 'value-bytes' | 'not-integer' | 'unavailable';

/** A write: the value written, or why it was refused (`code`) and what was refused, for the log. */
export type HtWrite<T = undefined> = Result<T, Problem<HtRefusal>>;

/** Milliseconds since some epoch; injected so tests run on virtual time. */
export type HtClock = () => number;

interface Item {
  value: HtValue;
  /** When the item expires (ms on the clock); Infinity without autoexpire. */
  expires: number;
}

/** Expired items removed per write at most (an item at the cap sweeps all expired ones first). */
const SWEEP_BATCH = 16;

export class Htable {
  readonly name: string;
  readonly spec: HtableSpec;
  readonly #clock: HtClock;
  readonly #refused: (reason: HtRefusal) => void;
  /** In the order of the last write: the first items are the first to expire. */
  readonly #items = new Map<string, Item>();

  constructor(
    name: string,
    spec: HtableSpec,
    clock: HtClock,
    refused: (reason: HtRefusal) => void = () => {},
  ) {
    this.name = name;
    this.spec = spec;
    this.#clock = clock;
    this.#refused = refused;
  }

  /** Items held, expired ones not yet swept included. */
  get size(): number {
    return this.#items.size;
  }

  /** The value, or undefined when absent or expired. */
  get(key: string): HtValue | undefined {
    const item = this.#items.get(key);
    if (item === undefined) return undefined;
    if (item.expires <= this.#clock()) {
      this.#items.delete(key);
      return undefined;
    }
    return item.value;
  }

  /** Stores `value` under `key` (its expiry starts again). */
  set(key: string, value: HtValue): HtWrite {
    const refused = this.#check(key, value);
    if (refused) return refused;
    this.#write(key, value);
    return OK;
  }

  /** Adds `delta` to an integer item (a missing one starts at initval); the new value (s32, wrapping). */
  add(key: string, delta: number): HtWrite<number> {
    const current = this.get(key);
    if (typeof current === 'string') {
      return this.#refuse('not-integer', `item '${short(key)}' of htable '${this.name}' holds a string`);
    }
    const value = ((current ?? this.spec.initval) + delta) | 0;
    const refused = this.#check(key, value);
    if (refused) return refused;
    this.#write(key, value);
    return ok(value);
  }

  /** Removes the item; false when there was none. */
  remove(key: string): boolean {
    return this.#items.delete(key);
  }

  /** Removes every item; true (a table in Redis answers false when it could not). */
  reset(): boolean {
    this.#items.clear();
    return true;
  }

  /** Removes the live items `test` accepts; how many. */
  removeWhere(test: (key: string, value: HtValue) => boolean): number {
    const now = this.#clock();
    let removed = 0;
    for (const [key, item] of this.#items) {
      if (item.expires <= now) this.#items.delete(key);
      else if (test(key, item.value)) {
        this.#items.delete(key);
        removed++;
      }
    }
    return removed;
  }

  /** True when `test` accepts the key of a live item. */
  someKey(test: (key: string) => boolean): boolean {
    const now = this.#clock();
    for (const [key, item] of this.#items) if (item.expires > now && test(key)) return true;
    return false;
  }

  /** Removes expired items from the front, `limit` at most. */
  sweep(limit = Number.POSITIVE_INFINITY): number {
    const now = this.#clock();
    let removed = 0;
    for (const [key, item] of this.#items) {
      if (removed >= limit || item.expires > now) break;
      this.#items.delete(key);
      removed++;
    }
    return removed;
  }

  #check(key: string, value: HtValue): HtWrite<never> | undefined {
    const { maxKeyBytes, maxValueBytes, maxItems } = this.spec;
    if (key.length > maxKeyBytes) {
      return this.#refuse(
        'key-bytes',
        `key of ${key.length} bytes refused by htable '${this.name}': the limit is ${maxKeyBytes}`,
      );
    }
    if (typeof value === 'string' && value.length > maxValueBytes) {
      return this.#refuse(
        'value-bytes',
        `value of ${value.length} bytes refused by htable '${this.name}': the limit is ${maxValueBytes}`,
      );
    }
    if (this.#items.has(key)) return undefined;
    this.sweep(this.#items.size >= maxItems ? undefined : SWEEP_BATCH);
    if (this.#items.size >= maxItems) {
      return this.#refuse('items', `htable '${this.name}' is full: ${maxItems} items`);
    }
    return undefined;
  }

  #write(key: string, value: HtValue): void {
    const autoexpire = this.spec.autoexpire;
    const expires = autoexpire > 0 ? this.#clock() + autoexpire * 1000 : Number.POSITIVE_INFINITY;
    // Delete first so the item moves to the end: the map stays in expiry order.
    this.#items.delete(key);
    this.#items.set(key, { value, expires });
  }

  #refuse(code: HtRefusal, message: string): HtWrite<never> {
    this.#refused(code);
    return fail(code, message);
  }
}

/** A table of this node (Htable) or of the cluster's Redis (RedisHtable, whose operations answer Promises). */
export type AnyHtable = Htable | RedisHtable;

/** Where the tables of a cluster whose htable store is Redis live (docs/cluster.md, "htable"). */
export interface SharedHtables {
  readonly link: SharedStoreLink;
  /** The Redis key prefix of a tenant's table (`<prefix>tenant:<t>:htable:<name>:`). */
  base(tenant: string, table: string): string;
}

/** Refused writes of one tenant, by reason. */
export type HtRefusalCounts = Record<HtRefusal, number>;

/** The tables of one tenant. */
export class TenantHtables {
  readonly tenant: string;
  readonly refused: HtRefusalCounts = {
    items: 0,
    'key-bytes': 0,
    'value-bytes': 0,
    'not-integer': 0,
    unavailable: 0,
  };
  readonly #tables = new Map<string, AnyHtable>();

  constructor(
    tenant: string,
    specs: Readonly<Record<string, HtableSpec>>,
    clock: HtClock,
    shared?: SharedHtables,
  ) {
    this.tenant = tenant;
    const count = (reason: HtRefusal) => {
      this.refused[reason]++;
    };
    for (const [name, spec] of Object.entries(specs))
      this.#tables.set(
        name,
        shared === undefined || spec.nodeLocal
          ? new Htable(name, spec, clock, count)
          : new RedisHtable(name, spec, shared.base(tenant, name), shared.link, clock, count),
      );
  }

  /** The declared table `name`, or undefined. */
  table(name: string): AnyHtable | undefined {
    return this.#tables.get(name);
  }

  get names(): string[] {
    return [...this.#tables.keys()];
  }

  /** Items held in all the tenant's tables (expired ones not yet swept included; a Redis table: its copy here). */
  get items(): number {
    let n = 0;
    for (const table of this.#tables.values()) n += table.size;
    return n;
  }
}

/**
 * Every tenant's tables, made once from the configuration and kept for the life of the server: they belong
 * to the tenant, not to a module version, so they survive activations and rollbacks.
 */
export class HtableStore {
  readonly #tenants = new Map<string, TenantHtables>();

  constructor(
    specs: Readonly<Record<string, Readonly<Record<string, HtableSpec>>>>,
    clock: HtClock = Date.now,
    shared?: SharedHtables,
  ) {
    for (const [tenant, tables] of Object.entries(specs)) {
      this.#tenants.set(tenant, new TenantHtables(tenant, tables, clock, shared));
    }
  }

  /** True when some table is in Redis: its KSR functions answer Promises (the guest suspends). */
  get anyShared(): boolean {
    return this.tenants.some((t) => t.names.some((name) => t.table(name) instanceof RedisHtable));
  }

  /** The tables of `tenant`; undefined when it has none (or for no tenant). */
  tenant(tenant: string | undefined): TenantHtables | undefined {
    return tenant === undefined ? undefined : this.#tenants.get(tenant);
  }

  get tenants(): TenantHtables[] {
    return [...this.#tenants.values()];
  }
}

function short(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}...` : text;
}
