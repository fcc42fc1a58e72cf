// Subscribers shared by the nodes of a cluster (docs/cluster.md, "Shared store: subscribers"). Redis holds
// the truth: one hash per tenant (`<prefix>tenant:<t>:subscribers`, field `<table>\0<user>\0<domain>` ->
// the stored row as JSON, digests only) and a version counter beside it. Admin writes run one Lua script
// each (existence, the tenant's quota across nodes, the write, the version and an invalidation published
// to every node). Digest auth never waits for Redis: every node reads its own copy (the SubscriberStore it
// always had), rewritten per tenant on an invalidation, at start, on reconnect and when a heartbeat finds a
// tenant's version changed (an invalidation lost while a node was away).
import { err, ok, type Problem, type Result } from '../result.ts';
import {
  invalidSubscriber,
  type NewSubscriber,
  type SharedStoreLink,
  type StoredSubscriber,
  type SubscriberError,
  type SubscriberStore,
  sharedCall,
  storedSubscriber,
} from '../state/index.ts';

export type SubscriberWriteError = SubscriberError | Problem<'unavailable'>;

/** What the admin routes need of a shared subscriber table. */
export interface SubscriberWriter {
  add(tenant: string, table: string, s: NewSubscriber): Promise<Result<void, SubscriberWriteError>>;
  addAll(
    tenant: string,
    table: string,
    list: readonly NewSubscriber[],
    replace: boolean,
  ): Promise<Result<{ added: number; updated: number }, SubscriberWriteError>>;
  setPassword(tenant: string, table: string, s: NewSubscriber): Promise<Result<void, SubscriberWriteError>>;
  remove(
    tenant: string,
    table: string,
    username: string,
    domain: string,
  ): Promise<Result<void, SubscriberWriteError>>;
  /** Reads the tenant's table from Redis into the copy: false when Redis did not answer (the copy stays). */
  refresh(tenant: string): Promise<boolean>;
}

// KEYS: hash, version. ARGV: mode ('add' | 'replace' | 'update'), quota, channel, tenant, then field/row
// pairs. All or nothing: a refused entry (exists, unknown, quota) writes none. An update keeps createdAt.
const WRITE = `
local mode, quota = ARGV[1], tonumber(ARGV[2])
local added, updated = 0, 0
for i = 5, #ARGV, 2 do
  if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then
    if mode == 'add' then return {'exists', (i - 3) / 2} end
    updated = updated + 1
  else
    if mode == 'update' then return {'unknown', (i - 3) / 2} end
    added = added + 1
  end
end
local count = redis.call('HLEN', KEYS[1])
if count + added > quota then return {'quota', count} end
for i = 5, #ARGV, 2 do
  local row = ARGV[i + 1]
  local old = redis.call('HGET', KEYS[1], ARGV[i])
  if old then
    local decoded = cjson.decode(row)
    decoded.createdAt = cjson.decode(old).createdAt
    row = cjson.encode(decoded)
  end
  redis.call('HSET', KEYS[1], ARGV[i], row)
end
redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return {'ok', added, updated}
`;

// KEYS: hash, version. ARGV: field, channel, tenant.
const REMOVE = `
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
`;

// KEYS: hash, version. ARGV: channel, tenant, then field/row pairs. Refills a table Redis lost (restarted
// empty) or never had (a node's subscribers.db from before the cluster): only while the version key is
// absent, so of several nodes refilling at once the first one's rows are kept.
const REFILL = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[1], ARGV[2])
return 1
`;

export interface SharedSubscribersOptions {
  /** Writes: Redis not answering fails them (503). Reads use the same counters with `cache`. */
  readonly link: SharedStoreLink;
  readonly prefix: string;
  readonly tenants: readonly string[];
  readonly maxSubscribers: number;
  readonly storePasswords: boolean;
  readonly now?: () => number;
}

const fieldOf = (table: string, username: string, domain: string) =>
  `${table}\0${username}\0${domain.toLowerCase()}`;

export class SharedSubscribers implements SubscriberWriter {
  readonly #o: SharedSubscribersOptions;
  readonly #copy: SubscriberStore;
  readonly #reads: SharedStoreLink;
  readonly #tenants: Set<string>;
  /** The version of each tenant's table the copy holds (Redis' counter; '' before the first read). */
  readonly #versions = new Map<string, string>();

  constructor(options: SharedSubscribersOptions, copy: SubscriberStore) {
    this.#o = options;
    this.#copy = copy;
    this.#reads = { ...options.link, unavailable: 'cache' };
    this.#tenants = new Set(options.tenants);
  }

  get channel(): string {
    return `${this.#o.prefix}subscribers`;
  }

  #hash(tenant: string) {
    return `${this.#o.prefix}tenant:${tenant}:subscribers`;
  }

  #version(tenant: string) {
    return `${this.#o.prefix}tenant:${tenant}:subscribers:version`;
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
      redis.mget(tenants.map((t) => this.#version(t))),
    );
    if (!versions.ok) return;
    await Promise.all(
      tenants.map((tenant, i) =>
        all || (versions.value[i] ?? '') !== this.#versions.get(tenant) ? this.refresh(tenant) : undefined,
      ),
    );
  }

  async refresh(tenant: string): Promise<boolean> {
    const read = await sharedCall(this.#reads, { tenant, op: 'read' }, (redis) =>
      redis.multi().get(this.#version(tenant)).hgetall(this.#hash(tenant)).exec(),
    );
    if (!read.ok || read.value === null) return false;
    const [[versionError, version], [hashError, hash]] = read.value as [
      [Error | null, string | null],
      [Error | null, Record<string, string>],
    ];
    if (versionError || hashError) return false;
    if (version === null && Object.keys(hash).length === 0) {
      const mine = this.#copy.rowsOf(tenant);
      if (mine.length > 0) return this.#refill(tenant, mine);
    }
    const rows: StoredSubscriber[] = [];
    for (const [field, json] of Object.entries(hash)) {
      const [table, username, domain] = field.split('\0');
      if (table === undefined || username === undefined || domain === undefined) continue;
      const row = JSON.parse(json) as Omit<StoredSubscriber, 'table' | 'username' | 'domain'>;
      rows.push({ ...row, table, username, domain, password: row.password ?? undefined });
    }
    this.#copy.replaceTenant(tenant, rows);
    this.#versions.set(tenant, version ?? '');
    return true;
  }

  /**
   * Redis has no table for the tenant but this node's copy has rows: Redis restarted empty, or the cluster
   * is new to a node's subscribers.db. The copy goes back to Redis (unless another node refilled first),
   * then is read again.
   */
  async #refill(tenant: string, rows: readonly StoredSubscriber[]): Promise<boolean> {
    const args = rows.flatMap(({ table, username, domain, ...row }) => [
      fieldOf(table, username, domain),
      JSON.stringify(row),
    ]);
    const done = await sharedCall(this.#reads, { tenant, op: 'refill' }, (redis) =>
      this.#o.link.script(
        redis,
        REFILL,
        [this.#hash(tenant), this.#version(tenant)],
        [this.channel, tenant, ...args],
      ),
    );
    if (!done.ok) return false;
    if (done.value === 1)
      this.#o.link.log.warn(
        { store: 'subscribers', tenant, subscribers: rows.length },
        "cluster: subscribers: Redis had no table for the tenant: refilled from this node's copy",
      );
    return this.refresh(tenant);
  }

  async add(tenant: string, table: string, s: NewSubscriber) {
    const done = await this.#write(tenant, table, [s], 'add');
    return done.ok ? ok(undefined) : done;
  }

  addAll(tenant: string, table: string, list: readonly NewSubscriber[], replace: boolean) {
    return this.#write(tenant, table, list, replace ? 'replace' : 'add');
  }

  async setPassword(tenant: string, table: string, s: NewSubscriber) {
    const done = await this.#write(tenant, table, [s], 'update');
    return done.ok ? ok(undefined) : done;
  }

  async remove(
    tenant: string,
    table: string,
    username: string,
    domain: string,
  ): Promise<Result<void, SubscriberWriteError>> {
    const done = await sharedCall(this.#o.link, { tenant, op: 'remove' }, (redis) =>
      this.#o.link.script(
        redis,
        REMOVE,
        [this.#hash(tenant), this.#version(tenant)],
        [fieldOf(table, username, domain), this.channel, tenant],
      ),
    );
    if (!done.ok) return unavailable();
    if (done.value === 0)
      return err({
        code: 'unknown',
        message: `no subscriber ${username}@${domain.toLowerCase()} in table ${table}`,
      });
    await this.refresh(tenant);
    return ok(undefined);
  }

  async #write(
    tenant: string,
    table: string,
    list: readonly NewSubscriber[],
    mode: 'add' | 'replace' | 'update',
  ): Promise<Result<{ added: number; updated: number }, SubscriberWriteError>> {
    const now = (this.#o.now ?? Date.now)();
    const args: string[] = [];
    for (const [i, s] of list.entries()) {
      const invalid = invalidSubscriber(s);
      if (invalid)
        return err({ code: 'invalid', message: list.length > 1 ? `entry ${i + 1}: ${invalid}` : invalid });
      const { table: _t, username, domain, ...row } = storedSubscriber(table, s, this.#o.storePasswords, now);
      args.push(fieldOf(table, username, domain), JSON.stringify(row));
    }
    const done = await sharedCall(this.#o.link, { tenant, op: mode }, (redis) =>
      this.#o.link.script(
        redis,
        WRITE,
        [this.#hash(tenant), this.#version(tenant)],
        [mode, String(this.#o.maxSubscribers), this.channel, tenant, ...args],
      ),
    );
    if (!done.ok) return unavailable();
    const [code, a, b] = done.value as [string, number, number];
    if (code !== 'ok') return err(refusal(code, a, tenant, table, list, this.#o.maxSubscribers));
    // This node's copy at once: what an admin just wrote authenticates here without waiting for the event.
    await this.refresh(tenant);
    return ok({ added: a, updated: b });
  }
}

function unavailable(): Result<never, SubscriberWriteError> {
  return err({
    code: 'unavailable',
    message:
      "the cluster's Redis did not answer: subscriber changes are refused until it is back (every node keeps authenticating from its copy)",
  });
}

function refusal(
  code: string,
  n: number,
  tenant: string,
  table: string,
  list: readonly NewSubscriber[],
  max: number,
): SubscriberError {
  const at = list.length > 1 ? `entry ${n}: ` : '';
  const s = list[n - 1];
  const who = s === undefined ? '' : `${s.username}@${s.domain.toLowerCase()}`;
  if (code === 'exists') return { code: 'exists', message: `${at}${who} already exists in table ${table}` };
  if (code === 'unknown') return { code: 'unknown', message: `${at}no subscriber ${who} in table ${table}` };
  return {
    code: 'quota',
    message: `tenant ${tenant} has ${n} subscribers, the limit is ${max} (auth.max_subscribers)`,
  };
}
