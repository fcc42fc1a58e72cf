// Subscribers shared by the nodes of a cluster (docs/cluster.md, "Shared store: subscribers"). Redis holds
// the truth (shared-table.ts: a hash per tenant, field `<table>\0<user>\0<domain>` -> the stored row as
// JSON, digests only). Admin writes run one Lua script each (existence, the tenant's quota across nodes,
// the write, the version and an invalidation published to every node). Digest auth never waits for Redis:
// every node reads its own copy (the SubscriberStore it always had), kept by the SharedTable.
import { err, ok, type Problem, type Result } from '../result.ts';
import {
  invalidSubscriber,
  type NewSubscriber,
  type SharedStoreLink,
  type StoredSubscriber,
  type SubscriberError,
  type SubscriberStore,
  storedSubscriber,
} from '../state/index.ts';
import { REMOVE, SharedTableStore, type TableCopy } from './shared-table.ts';

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

/** The SubscriberStore as the copy of the shared table (field `<table>\0<user>\0<domain>` -> row JSON). */
function subscriberCopy(store: SubscriberStore): TableCopy {
  return {
    replace(tenant, hash) {
      const rows: StoredSubscriber[] = [];
      for (const [field, json] of Object.entries(hash)) {
        const [table, username, domain] = field.split('\0');
        if (table === undefined || username === undefined || domain === undefined) continue;
        const row = JSON.parse(json) as Omit<StoredSubscriber, 'table' | 'username' | 'domain'>;
        rows.push({ ...row, table, username, domain, password: row.password ?? undefined });
      }
      store.replaceTenant(tenant, rows);
    },
    fields: (tenant) =>
      store
        .rowsOf(tenant)
        .flatMap(({ table, username, domain, ...row }) => [
          fieldOf(table, username, domain),
          JSON.stringify(row),
        ]),
  };
}

export class SharedSubscribers extends SharedTableStore implements SubscriberWriter {
  readonly #o: SharedSubscribersOptions;

  constructor(options: SharedSubscribersOptions, copy: SubscriberStore) {
    super(
      { link: options.link, prefix: options.prefix, name: 'subscribers', tenants: options.tenants },
      subscriberCopy(copy),
    );
    this.#o = options;
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
    const done = await this.table.write(tenant, 'remove', REMOVE, [
      fieldOf(table, username, domain),
      this.table.channel,
      tenant,
    ]);
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
    const done = await this.table.write(tenant, mode, WRITE, [
      mode,
      String(this.#o.maxSubscribers),
      this.table.channel,
      tenant,
      ...args,
    ]);
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
