// An admin-managed table kept in the cluster's Redis and copied into every node (docs/cluster.md, "Shared
// store: subscribers" and "Shared store: addresses"): one hash per tenant (`<prefix>tenant:<t>:<name>`)
// with a version counter beside it (`...:<name>:version`, +1 per write) and invalidations on the channel
// `<prefix><name>` (message: the tenant). Reads never wait for Redis: the node's copy (its SQLite store) is
// rewritten per tenant on an invalidation, at start, when a connection is back and when a heartbeat finds a
// tenant's version changed. A table Redis lost (restarted empty) is refilled from a node's copy.
import { type SharedAnswer, type SharedStoreLink, sharedCall } from '../state/index.ts';

/** The node's copy of a table, in the hash's terms (field -> value). */
export interface TableCopy {
  /** Makes the copy's rows of `tenant` exactly those of Redis' hash. */
  replace(tenant: string, hash: Record<string, string>): void;
  /** The copy's rows of `tenant` as field/value pairs (to refill a Redis that lost them). */
  fields(tenant: string): string[];
}

// KEYS: hash, version, [last id]. ARGV: field, channel, tenant.
export const REMOVE = `
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
`;

// KEYS: hash, version, [last id]. ARGV: channel, tenant, then field/value pairs. Refills a table Redis lost
// (restarted empty) or never had (a node's SQLite table from before the cluster): only while the version
// key is absent, so of several nodes refilling at once the first one's rows are kept. With a third key
// (rows numbered by id) the counter is set past the highest id.
const REFILL = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local top = 0
for i = 3, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  local n = tonumber(ARGV[i])
  if n and n > top then top = n end
end
if KEYS[3] then redis.call('SET', KEYS[3], math.max(top, tonumber(redis.call('GET', KEYS[3]) or '0'))) end
redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[1], ARGV[2])
return 1
`;

export interface SharedTableOptions {
  /** Writes: Redis not answering fails them. Reads use the same counters with `cache`. */
  readonly link: SharedStoreLink;
  readonly prefix: string;
  /** The table's name in keys and the channel (`subscribers`). */
  readonly name: string;
  readonly tenants: readonly string[];
  /** Rows numbered by a counter (`<prefix><name>:last-id`, one for all tenants): addresses. */
  readonly numbered?: boolean;
}

export class SharedTable {
  readonly #o: SharedTableOptions;
  readonly #copy: TableCopy;
  readonly #reads: SharedStoreLink;
  readonly #tenants: Set<string>;
  /** The version of each tenant's table the copy holds (Redis' counter; '' when it had none). */
  readonly #versions = new Map<string, string>();

  constructor(options: SharedTableOptions, copy: TableCopy) {
    this.#o = options;
    this.#copy = copy;
    this.#reads = { ...options.link, unavailable: 'cache' };
    this.#tenants = new Set(options.tenants);
  }

  get channel(): string {
    return `${this.#o.prefix}${this.#o.name}`;
  }

  /** The tenant's keys, for the write scripts: hash, version, and the id counter of a numbered table. */
  keys(tenant: string): string[] {
    const base = `${this.#o.prefix}tenant:${tenant}:${this.#o.name}`;
    // Ids come from one counter for all tenants: the nodes' copies hold every tenant in one SQLite table.
    return [
      base,
      `${base}:version`,
      ...(this.#o.numbered ? [`${this.#o.prefix}${this.#o.name}:last-id`] : []),
    ];
  }

  /** Runs a write script (the link's timeout, counted and logged when Redis does not answer). */
  write(tenant: string, op: string, lua: string, args: string[]): Promise<SharedAnswer<unknown>> {
    return sharedCall(this.#o.link, { tenant, op }, (redis) =>
      this.#o.link.script(redis, lua, this.keys(tenant), args),
    );
  }

  /**
   * Follows the invalidations (a connection of its own, subscribed again by ioredis on reconnect), reads
   * every tenant on each reconnect, then reads them all once now. Answers what stops it.
   */
  async start(): Promise<{ close(): void }> {
    const redis = this.#o.link.redis;
    const subscriber = redis.duplicate({ enableOfflineQueue: true });
    subscriber.on('error', () => {});
    subscriber.on('message', (_channel: string, tenant: string) => {
      if (this.#tenants.has(tenant)) void this.refresh(tenant);
    });
    // The invalidations sent while this node was away (or before its subscription) are lost: every tenant
    // is read again when either connection is back.
    const again = () => void this.catchUp(true);
    redis.on('ready', again);
    subscriber.on('ready', again);
    void subscriber.subscribe(this.channel).then(again, () => {});
    await this.catchUp(true);
    return {
      close: () => {
        redis.off('ready', again);
        subscriber.disconnect();
      },
    };
  }

  /** Reads the tenants whose version changed (all of them with `all`): start, reconnect, every heartbeat. */
  async catchUp(all = false): Promise<void> {
    const tenants = [...this.#tenants];
    if (tenants.length === 0) return;
    const versions = await sharedCall(this.#reads, { op: 'versions' }, (redis) =>
      redis.mget(tenants.map((t) => this.keys(t)[1]!)),
    );
    if (!versions.ok) return;
    await Promise.all(
      tenants.map((tenant, i) =>
        all || (versions.value[i] ?? '') !== this.#versions.get(tenant) ? this.refresh(tenant) : undefined,
      ),
    );
  }

  /** Reads the tenant's table from Redis into the copy: false when Redis did not answer (the copy stays). */
  async refresh(tenant: string): Promise<boolean> {
    const [hashKey, versionKey] = this.keys(tenant) as [string, string];
    const read = await sharedCall(this.#reads, { tenant, op: 'read' }, (redis) =>
      redis.multi().get(versionKey).hgetall(hashKey).exec(),
    );
    if (!read.ok || read.value === null) return false;
    const [[versionError, version], [hashError, hash]] = read.value as [
      [Error | null, string | null],
      [Error | null, Record<string, string>],
    ];
    if (versionError || hashError) return false;
    if (version === null && Object.keys(hash).length === 0) {
      const mine = this.#copy.fields(tenant);
      if (mine.length > 0) return this.#refill(tenant, mine);
    }
    this.#copy.replace(tenant, hash);
    this.#versions.set(tenant, version ?? '');
    return true;
  }

  /**
   * Redis has no table for the tenant but this node's copy has rows: Redis restarted empty, or the cluster
   * is new to the node's SQLite table. The copy goes back to Redis (unless another node refilled first),
   * then is read again.
   */
  async #refill(tenant: string, fields: string[]): Promise<boolean> {
    const done = await sharedCall(this.#reads, { tenant, op: 'refill' }, (redis) =>
      this.#o.link.script(redis, REFILL, this.keys(tenant), [this.channel, tenant, ...fields]),
    );
    if (!done.ok) return false;
    if (done.value === 1)
      this.#o.link.log.warn(
        { store: this.#o.name, tenant, rows: fields.length / 2 },
        `cluster: ${this.#o.name}: Redis had no table for the tenant: refilled from this node's copy`,
      );
    return this.refresh(tenant);
  }
}

/**
 * A store kept as a SharedTable: what every such store offers (following Redis, catching up, reading a
 * tenant again); the subclass adds its writes, run through `table`.
 */
export abstract class SharedTableStore {
  protected readonly table: SharedTable;

  constructor(options: SharedTableOptions, copy: TableCopy) {
    this.table = new SharedTable(options, copy);
  }

  start(): Promise<{ close(): void }> {
    return this.table.start();
  }

  catchUp(all = false): Promise<void> {
    return this.table.catchUp(all);
  }

  refresh(tenant: string): Promise<boolean> {
    return this.table.refresh(tenant);
  }
}
