// The address table of the permissions functions (Kamailio's `address` table: group, IP or range, port,
// tag), one per tenant, kept in SQLite (`addresses.db` in the data dir, or an in-memory database without
// one). Every row is keyed by its tenant, which comes from the admin token's scope or the route context,
// never from a script. Lookups go to an in-memory index per tenant (address-index.ts), built on first use
// and dropped when the tenant's rows change, so a check never touches SQLite.
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { err, fail, ok, type Problem, type Result } from '../result.ts';
import { type AddressEntry, AddressIndex, type IndexedEntry } from './address-index.ts';
import { formatPrefix, type IpPrefix, parsePrefix } from './ip-prefix.ts';

/** A row as given to add: the address is an IP, a range (`10.0.0.0/8`) or a host name. */
export interface AddressInput {
  readonly group: number;
  readonly address: string;
  readonly port?: number;
  readonly tag?: string;
}

export type AddressRefusal = 'invalid' | 'duplicate' | 'full';

/** Why rows were refused; `index` is the row of a bulk add that was (0-based). */
export interface AddressProblem extends Problem<AddressRefusal> {
  readonly index?: number;
}

export interface AddressStoreOptions {
  /** Data directory; undefined keeps the table in memory (lost at exit). */
  readonly dir: string | undefined;
  /** Rows a tenant may hold at most. */
  readonly maxPerTenant: number;
}

export const MAX_TAG_BYTES = 64;
const MAX_GROUP = 0x7fffffff;
/** A host name as Kamailio's domain_name table holds it (compared as written). */
const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS addresses (
    id INTEGER PRIMARY KEY,
    tenant TEXT NOT NULL,
    grp INTEGER NOT NULL,
    address TEXT NOT NULL,
    port INTEGER NOT NULL,
    tag TEXT,
    UNIQUE (tenant, grp, address, port)
  );
`;

interface Row {
  id: number;
  grp: number;
  address: string;
  port: number;
  tag: string | null;
}

const toEntry = (r: Row): AddressEntry => ({
  id: r.id,
  group: r.grp,
  address: r.address,
  port: r.port,
  tag: r.tag ?? undefined,
});

/** A row checked and in its stored spelling (a range's network with host bits cleared). */
export interface CheckedInput {
  readonly group: number;
  readonly address: string;
  readonly port: number;
  readonly tag: string | null;
}

export class AddressStore {
  readonly where: string;
  readonly maxPerTenant: number;
  readonly #db: DatabaseSync;
  readonly #indexes = new Map<string, AddressIndex>();
  readonly #select;
  readonly #selectGroup;
  readonly #insert;
  readonly #exists;
  readonly #delete;
  readonly #count;
  readonly #countByTenant;
  readonly #clearTenant;
  readonly #insertWithId;

  private constructor(db: DatabaseSync, where: string, maxPerTenant: number) {
    this.#db = db;
    this.where = where;
    this.maxPerTenant = maxPerTenant;
    this.#select = db.prepare(
      'SELECT id, grp, address, port, tag FROM addresses WHERE tenant = ? ORDER BY id',
    );
    this.#selectGroup = db.prepare(
      'SELECT id, grp, address, port, tag FROM addresses WHERE tenant = ? AND grp = ? ORDER BY id',
    );
    this.#insert = db.prepare(
      'INSERT INTO addresses (tenant, grp, address, port, tag) VALUES (?, ?, ?, ?, ?) RETURNING id',
    );
    this.#exists = db.prepare(
      'SELECT 1 FROM addresses WHERE tenant = ? AND grp = ? AND address = ? AND port = ?',
    );
    this.#delete = db.prepare('DELETE FROM addresses WHERE tenant = ? AND id = ?');
    this.#count = db.prepare('SELECT count(*) AS n FROM addresses WHERE tenant = ?');
    this.#countByTenant = db.prepare('SELECT tenant, count(*) AS n FROM addresses GROUP BY tenant');
    this.#clearTenant = db.prepare('DELETE FROM addresses WHERE tenant = ?');
    // A cluster's ids come from one counter in Redis; OR REPLACE only matters for tables refilled from
    // several nodes' own files at once (docs/cluster.md, "Shared store: addresses").
    this.#insertWithId = db.prepare(
      'INSERT OR REPLACE INTO addresses (id, tenant, grp, address, port, tag) VALUES (?, ?, ?, ?, ?, ?)',
    );
  }

  static open(options: AddressStoreOptions): Result<AddressStore> {
    const file = options.dir === undefined ? ':memory:' : join(options.dir, 'addresses.db');
    try {
      const db = new DatabaseSync(file);
      db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 1000;');
      db.exec(SCHEMA);
      return ok(new AddressStore(db, options.dir ?? 'memory', options.maxPerTenant));
    } catch (error) {
      return err(`cannot open the address table ${file}: ${(error as Error).message}`);
    }
  }

  /** The tenant's rows, oldest first; only those of `group` when given. */
  list(tenant: string, group?: number): AddressEntry[] {
    const rows = group === undefined ? this.#select.all(tenant) : this.#selectGroup.all(tenant, group);
    return (rows as unknown as Row[]).map(toEntry);
  }

  /** Adds one row. */
  add(tenant: string, input: AddressInput): Result<AddressEntry, AddressProblem> {
    const added = this.addMany(tenant, [input]);
    if (!added.ok) return err({ code: added.error.code, message: added.error.message });
    return ok(added.value[0]);
  }

  /**
   * Adds every row or none (a bulk import): the first invalid or duplicate row, or the tenant's cap,
   * refuses the whole batch and says which row.
   */
  addMany(tenant: string, inputs: readonly AddressInput[]): Result<AddressEntry[], AddressProblem> {
    const checked: CheckedInput[] = [];
    for (const [index, input] of inputs.entries()) {
      const row = checkAddress(input);
      if (!row.ok) return err({ ...row.error, index });
      checked.push(row.value);
    }
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const held = (this.#count.get(tenant) as { n: number }).n;
      if (held + checked.length > this.maxPerTenant) {
        this.#db.exec('ROLLBACK');
        return fail(
          'full',
          `tenant ${tenant} holds ${held} addresses; ${checked.length} more would pass the limit of ${this.maxPerTenant} (permissions.max_addresses_per_tenant)`,
        );
      }
      const added: AddressEntry[] = [];
      for (const [index, row] of checked.entries()) {
        if (this.#exists.get(tenant, row.group, row.address, row.port) !== undefined) {
          this.#db.exec('ROLLBACK');
          return err({
            code: 'duplicate',
            message: `group ${row.group} already has ${row.address} port ${row.port}`,
            index,
          });
        }
        const { id } = this.#insert.get(tenant, row.group, row.address, row.port, row.tag) as { id: number };
        added.push(toEntry({ id, grp: row.group, address: row.address, port: row.port, tag: row.tag }));
      }
      this.#db.exec('COMMIT');
      this.#indexes.delete(tenant);
      return ok(added);
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  /** Removes the tenant's row `id`; false when it has none of that id. */
  remove(tenant: string, id: number): boolean {
    const removed = Number(this.#delete.run(tenant, id).changes) > 0;
    if (removed) this.#indexes.delete(tenant);
    return removed;
  }

  /** The tenant's table as the permissions functions read it, built once per change. */
  index(tenant: string): AddressIndex {
    let index = this.#indexes.get(tenant);
    if (index === undefined) {
      index = new AddressIndex(this.list(tenant).map(indexed));
      this.#indexes.set(tenant, index);
    }
    return index;
  }

  /**
   * Makes the tenant's rows exactly `rows`, ids kept, in one transaction (a node's copy of the cluster's
   * table: the rows were checked and counted where they were written).
   */
  replaceTenant(tenant: string, rows: readonly AddressEntry[]): void {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      this.#clearTenant.run(tenant);
      for (const r of rows) this.#insertWithId.run(r.id, tenant, r.group, r.address, r.port, r.tag ?? null);
      this.#db.exec('COMMIT');
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw error;
    }
    this.#indexes.delete(tenant);
  }

  /** Rows per tenant (metrics). */
  countsByTenant(): Record<string, number> {
    const rows = this.#countByTenant.all() as { tenant: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.tenant, r.n]));
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }
}

function indexed(entry: AddressEntry): IndexedEntry {
  const net = parsePrefix(entry.address);
  return { ...entry, net: net.ok ? net.value : undefined };
}

/** The row as stored (a range's network with host bits cleared, port 0 for any), or why it is refused. */
export function checkAddress(input: AddressInput): Result<CheckedInput, AddressProblem> {
  const { group, address } = input;
  const port = input.port ?? 0;
  const tag = input.tag === undefined || input.tag === '' ? null : input.tag;
  if (!Number.isInteger(group) || group < 0 || group > MAX_GROUP) {
    return fail('invalid', `group ${group}: expected an integer 0-${MAX_GROUP}`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    return fail('invalid', `port ${port}: expected 0 (any) to 65535`);
  }
  if (tag !== null && (tag.length > MAX_TAG_BYTES || hasControl(tag))) {
    return fail('invalid', `tag: at most ${MAX_TAG_BYTES} characters, no control characters`);
  }
  const prefix = addressOf(address);
  if (!prefix.ok) return prefix;
  return ok({ group, address: prefix.value, port, tag });
}

/** The stored spelling of an address: a range's network, or the host name as written. */
function addressOf(address: string): Result<string, AddressProblem> {
  const net: Result<IpPrefix, string> = parsePrefix(address);
  if (net.ok) return ok(formatPrefix(net.value));
  if (address.includes('/') || address.includes(':') || /^[\d.]+$/.test(address)) {
    return fail('invalid', `address '${address}': ${net.error}`);
  }
  if (!HOST_NAME.test(address)) {
    return fail(
      'invalid',
      `address '${address}': expected an IP address, a range (10.0.0.0/8) or a host name`,
    );
  }
  return ok(address);
}

/** True when `text` holds a control character (C0 or DEL): a tag is printed in listings and logs. */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}
