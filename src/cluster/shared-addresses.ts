// The permissions address table shared by the nodes of a cluster (docs/cluster.md, "Shared store:
// addresses"). Redis holds the truth (shared-table.ts: a hash per tenant, field `<id>` -> the row as JSON,
// ids from one counter). An add or import is one Lua script (the tenant's cap across nodes, duplicates,
// the ids, the version and the invalidation); allow_address and friends never wait for Redis: they read
// the node's AddressStore, kept by the SharedTable.
import { err, ok, type Problem, type Result } from '../result.ts';
import {
  type AddressEntry,
  type AddressInput,
  type AddressProblem,
  type AddressStore,
  checkAddress,
  type SharedStoreLink,
} from '../state/index.ts';
import { REMOVE, SharedTableStore, type TableCopy } from './shared-table.ts';

export type AddressWriteError = AddressProblem | Problem<'unavailable'>;

/** What the admin address routes need of a shared table. */
export interface AddressWriter {
  addMany(
    tenant: string,
    inputs: readonly AddressInput[],
  ): Promise<Result<AddressEntry[], AddressWriteError>>;
  /** false: the tenant has no row `id`. */
  remove(tenant: string, id: number): Promise<Result<boolean, AddressWriteError>>;
  refresh(tenant: string): Promise<boolean>;
}

// KEYS: hash, version, last id. ARGV: cap, channel, tenant, then the checked rows as JSON. All or none.
const ADD = `
local cap = tonumber(ARGV[1])
local held = redis.call('HVALS', KEYS[1])
local n = #ARGV - 3
if #held + n > cap then return {'full', #held} end
local seen = {}
local function key(r) return tostring(r.group) .. '\\0' .. r.address .. '\\0' .. tostring(r.port) end
for _, v in ipairs(held) do seen[key(cjson.decode(v))] = true end
for i = 4, #ARGV do
  local k = key(cjson.decode(ARGV[i]))
  if seen[k] then return {'duplicate', i - 4} end
  seen[k] = true
end
local ids = {'ok'}
for i = 4, #ARGV do
  local id = redis.call('INCR', KEYS[3])
  redis.call('HSET', KEYS[1], id, ARGV[i])
  ids[#ids + 1] = id
end
redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return ids
`;

interface StoredRow {
  readonly group: number;
  readonly address: string;
  readonly port: number;
  readonly tag: string | null;
}

function addressCopy(store: AddressStore): TableCopy {
  return {
    replace(tenant, hash) {
      const rows: AddressEntry[] = Object.entries(hash).map(([id, json]) => {
        const r = JSON.parse(json) as StoredRow;
        return { id: Number(id), group: r.group, address: r.address, port: r.port, tag: r.tag ?? undefined };
      });
      store.replaceTenant(tenant, rows);
    },
    fields: (tenant) =>
      store.list(tenant).flatMap((r) => {
        const row: StoredRow = { group: r.group, address: r.address, port: r.port, tag: r.tag ?? null };
        return [String(r.id), JSON.stringify(row)];
      }),
  };
}

export interface SharedAddressesOptions {
  readonly link: SharedStoreLink;
  readonly prefix: string;
  readonly tenants: readonly string[];
  readonly maxPerTenant: number;
}

export class SharedAddresses extends SharedTableStore implements AddressWriter {
  readonly #o: SharedAddressesOptions;

  constructor(options: SharedAddressesOptions, copy: AddressStore) {
    super(
      {
        link: options.link,
        prefix: options.prefix,
        name: 'addresses',
        tenants: options.tenants,
        numbered: true,
      },
      addressCopy(copy),
    );
    this.#o = options;
  }

  async addMany(
    tenant: string,
    inputs: readonly AddressInput[],
  ): Promise<Result<AddressEntry[], AddressWriteError>> {
    const rows: StoredRow[] = [];
    for (const [index, input] of inputs.entries()) {
      const row = checkAddress(input);
      if (!row.ok) return err({ ...row.error, index });
      rows.push(row.value);
    }
    const done = await this.table.write(tenant, 'add', ADD, [
      String(this.#o.maxPerTenant),
      this.table.channel,
      tenant,
      ...rows.map((r) => JSON.stringify(r)),
    ]);
    if (!done.ok) return unavailable();
    const [code, ...rest] = done.value as [string, ...number[]];
    if (code === 'full')
      return err({
        code: 'full',
        message: `tenant ${tenant} holds ${rest[0]} addresses; ${rows.length} more would pass the limit of ${this.#o.maxPerTenant} (permissions.max_addresses_per_tenant)`,
      });
    if (code === 'duplicate') {
      const index = rest[0] ?? 0;
      const row = rows[index];
      return err({
        code: 'duplicate',
        message: `group ${row?.group} already has ${row?.address} port ${row?.port}`,
        index,
      });
    }
    await this.table.refresh(tenant);
    return ok(
      rows.map((r, i) => ({
        id: rest[i] ?? 0,
        group: r.group,
        address: r.address,
        port: r.port,
        tag: r.tag ?? undefined,
      })),
    );
  }

  async remove(tenant: string, id: number): Promise<Result<boolean, AddressWriteError>> {
    const done = await this.table.write(tenant, 'remove', REMOVE, [String(id), this.table.channel, tenant]);
    if (!done.ok) return unavailable();
    if (done.value === 1) await this.table.refresh(tenant);
    return ok(done.value === 1);
  }
}

function unavailable(): Result<never, AddressWriteError> {
  return err({
    code: 'unavailable',
    message:
      "the cluster's Redis did not answer: address changes are refused until it is back (every node keeps checking against its copy)",
  });
}
