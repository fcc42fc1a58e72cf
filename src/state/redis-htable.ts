// An htable kept in the cluster's Redis (docs/cluster.md, "htable"): one value per key for every node, so
// a per-tenant counter (a call limit) counts the calls of all nodes. Same operations, caps and results as
// the embedded table (htable.ts), answered as Promises: the KSR functions on such a table suspend the
// guest (JSPI) while Redis answers. Writes are Lua scripts (redis-htable-scripts.ts); autoexpire is a
// Redis TTL. When Redis is down or slower than `timeoutMs`, `unavailable` decides: 'fail' answers the
// operation's failure (refusal 'unavailable'), 'cache' answers from this node's copy of the items it last
// read or wrote (a write-through mirror, an embedded Htable with the same caps), counted either way.
import type { Redis } from 'ioredis';
import { fail, OK, ok } from '../result.ts';
import {
  Htable,
  type HtableSpec,
  type HtClock,
  type HtRefusal,
  type HtValue,
  type HtWrite,
} from './htable.ts';
import { HT_ADD, HT_LIVE_KEYS, HT_REMOVE, HT_REMOVE_IF, HT_RESET, HT_SET } from './redis-htable-scripts.ts';
import { type SharedStoreLink, sharedCall } from './shared-store.ts';

/** Items fetched or removed per command by the pattern operations (sht_rm_name_re, sht_match_name ...). */
const BATCH = 500;

export class RedisHtable {
  readonly name: string;
  readonly spec: HtableSpec;
  readonly #link: SharedStoreLink;
  readonly #refused: (reason: HtRefusal) => void;
  /** `<prefix>tenant:<t>:htable:<name>:`; the index is `...index`, an item `...item:<key>`. */
  readonly #index: Buffer;
  readonly #itemPrefix: string;
  /** This node's copy of the items it last read or wrote: what 'cache' serves while Redis is away. */
  readonly #mirror: Htable;

  constructor(
    name: string,
    spec: HtableSpec,
    base: string,
    link: SharedStoreLink,
    clock: HtClock,
    refused: (reason: HtRefusal) => void = () => {},
  ) {
    this.name = name;
    this.spec = spec;
    this.#link = link;
    this.#refused = refused;
    this.#index = Buffer.from(`${base}index`, 'latin1');
    this.#itemPrefix = `${base}item:`;
    this.#mirror = new Htable(name, spec, clock);
  }

  /** Items in this node's copy (the items themselves are in Redis). */
  get size(): number {
    return this.#mirror.size;
  }

  async get(key: string): Promise<HtValue | undefined> {
    const answer = await this.#call('get', (redis) => redis.getBuffer(this.#item(key)));
    if (!answer.ok) return answer.cached ? this.#mirror.get(key) : undefined;
    const value = answer.value === null ? undefined : decode(answer.value.toString('latin1'));
    if (value === undefined) this.#mirror.remove(key);
    else this.#mirror.set(key, value);
    return value;
  }

  async set(key: string, value: HtValue): Promise<HtWrite> {
    const local = this.#checkSizes(key, value);
    if (local) return local;
    const answer = await this.#call('set', (redis) =>
      this.#link.script(
        redis,
        HT_SET,
        [this.#index, this.#item(key)],
        [bytes(key), bytes(encode(value)), String(this.#ttlMs()), String(this.spec.maxItems)],
      ),
    );
    if (!answer.ok) return answer.cached ? this.#mirror.set(key, value) : this.#unavailable();
    if (answer.value === 'items') return this.#full();
    this.#mirror.set(key, value);
    return OK;
  }

  async add(key: string, delta: number): Promise<HtWrite<number>> {
    const local = this.#checkSizes(key, 0);
    if (local) return local;
    const answer = await this.#call('add', (redis) =>
      this.#link.script(
        redis,
        HT_ADD,
        [this.#index, this.#item(key)],
        [
          bytes(key),
          String(delta),
          String(this.#ttlMs()),
          String(this.spec.maxItems),
          String(this.spec.initval),
        ],
      ),
    );
    if (!answer.ok) return answer.cached ? this.#mirror.add(key, delta) : this.#unavailable();
    if (answer.value === 'items') return this.#full();
    if (answer.value === 'not-integer') {
      this.#refused('not-integer');
      return fail('not-integer', `item '${short(key)}' of htable '${this.name}' holds a string`);
    }
    const value = Number(answer.value);
    this.#mirror.set(key, value);
    return ok(value);
  }

  /** True when an item was removed, false when there was none; undefined when Redis could not be asked. */
  async remove(key: string): Promise<boolean | undefined> {
    const answer = await this.#call('remove', (redis) =>
      this.#link.script(redis, HT_REMOVE, [this.#index, this.#item(key)], [bytes(key)]),
    );
    const removedHere = this.#mirror.remove(key);
    if (!answer.ok) return answer.cached ? removedHere : undefined;
    return answer.value === 1;
  }

  /** False when Redis could not be asked (with 'cache', only this node's copy was emptied). */
  async reset(): Promise<boolean> {
    this.#mirror.reset();
    const answer = await this.#call('reset', (redis) =>
      this.#link.script(redis, HT_RESET, [this.#index], [bytes(this.#itemPrefix)]),
    );
    return answer.ok || answer.cached;
  }

  /** Removes the live items `test` accepts; how many, or undefined when Redis could not be asked. */
  async removeWhere(
    test: (key: string, value: HtValue) => boolean,
    byValue: boolean,
  ): Promise<number | undefined> {
    const matchedHere = this.#mirror.removeWhere(test);
    const answer = await this.#call('remove-matching', async (redis) => {
      const keys = await this.#liveKeys(redis);
      let removed = 0;
      for (let i = 0; i < keys.length; i += BATCH) {
        const batch = keys.slice(i, i + BATCH);
        // By value: the values are read, matched here, and removed only if still unchanged in Redis.
        const values = byValue ? await redis.mgetBuffer(...batch.map((k) => this.#item(k))) : [];
        const pairs: Buffer[] = [];
        batch.forEach((key, j) => {
          const raw = byValue ? values[j] : undefined;
          const value = raw ? decode(raw.toString('latin1')) : undefined;
          if (byValue ? value !== undefined && test(key, value) : test(key, 0)) {
            pairs.push(bytes(key), raw ?? Buffer.alloc(0));
          }
        });
        if (pairs.length > 0) {
          removed += (await this.#link.script(
            redis,
            HT_REMOVE_IF,
            [this.#index],
            [bytes(this.#itemPrefix), ...pairs],
          )) as number;
        }
      }
      return removed;
    });
    if (!answer.ok) return answer.cached ? matchedHere : undefined;
    return answer.value;
  }

  /** True when `test` accepts the key of a live item; undefined when Redis could not be asked. */
  async someKey(test: (key: string) => boolean): Promise<boolean | undefined> {
    const answer = await this.#call('match-name', (redis) => this.#liveKeys(redis));
    if (!answer.ok) return answer.cached ? this.#mirror.someKey(test) : undefined;
    return answer.value.some(test);
  }

  async #liveKeys(redis: Redis): Promise<string[]> {
    const keys = (await this.#link.script(redis, HT_LIVE_KEYS, [this.#index], [], true)) as Buffer[];
    return keys.map((k) => k.toString('latin1'));
  }

  #call<T>(op: string, run: (redis: Redis) => Promise<T>) {
    return sharedCall(this.#link, { htable: this.name, op }, run);
  }

  #item(key: string): Buffer {
    return Buffer.from(this.#itemPrefix + key, 'latin1');
  }

  #ttlMs(): number {
    return this.spec.autoexpire * 1000;
  }

  /** The caps that need no Redis (sizes) are checked here, as the embedded table does. */
  #checkSizes(key: string, value: HtValue): HtWrite<never> | undefined {
    if (key.length > this.spec.maxKeyBytes) {
      this.#refused('key-bytes');
      return fail(
        'key-bytes',
        `key of ${key.length} bytes refused by htable '${this.name}': the limit is ${this.spec.maxKeyBytes}`,
      );
    }
    if (typeof value === 'string' && value.length > this.spec.maxValueBytes) {
      this.#refused('value-bytes');
      return fail(
        'value-bytes',
        `value of ${value.length} bytes refused by htable '${this.name}': the limit is ${this.spec.maxValueBytes}`,
      );
    }
    return undefined;
  }

  #full(): HtWrite<never> {
    this.#refused('items');
    return fail('items', `htable '${this.name}' is full: ${this.spec.maxItems} items`);
  }

  #unavailable(): HtWrite<never> {
    this.#refused('unavailable');
    return fail('unavailable', `htable '${this.name}': the cluster's Redis did not answer`);
  }
}

/** An item's value in Redis: its type, then its text. */
function encode(value: HtValue): string {
  return typeof value === 'number' ? `i${value}` : `s${value}`;
}

function decode(raw: string): HtValue | undefined {
  if (raw.startsWith('i')) return Number(raw.slice(1));
  if (raw.startsWith('s')) return raw.slice(1);
  return undefined;
}

/** A byte string (one char per octet) as the bytes Redis stores. */
function bytes(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

function short(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}...` : text;
}
