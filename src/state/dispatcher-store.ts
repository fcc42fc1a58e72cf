// The destinations a tenant provisions through the admin API (`kemi-wasm dispatcher add`), Kamailio's
// dispatcher table: set, URI, flags, priority, attrs. Kept in SQLite (`dispatcher.db` in the data dir, or in
// memory without one), every row keyed by its tenant (from the admin token's scope). The running sets are
// built from these rows and the tenant's config by src/dispatcher/dispatcher.ts on `reload`, as Kamailio
// reads its table at ds_reload; the cap over both is checked there.
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { err, ok, type Result } from '../result.ts';

export interface DispatcherRow {
  readonly id: number;
  readonly set: number;
  readonly uri: string;
  readonly flags: number;
  readonly priority: number;
  readonly attrs: string;
}

export type DispatcherRowInput = Omit<DispatcherRow, 'id'>;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS destinations (
    id INTEGER PRIMARY KEY,
    tenant TEXT NOT NULL,
    setid INTEGER NOT NULL,
    uri TEXT NOT NULL,
    flags INTEGER NOT NULL,
    priority INTEGER NOT NULL,
    attrs TEXT NOT NULL,
    UNIQUE (tenant, setid, uri)
  );
`;

interface Row {
  id: number;
  setid: number;
  uri: string;
  flags: number;
  priority: number;
  attrs: string;
}

const toRow = (r: Row): DispatcherRow => ({
  id: r.id,
  set: r.setid,
  uri: r.uri,
  flags: r.flags,
  priority: r.priority,
  attrs: r.attrs,
});

export class DispatcherStore {
  readonly where: string;
  readonly #db: DatabaseSync;
  readonly #select;
  readonly #insert;
  readonly #exists;
  readonly #delete;
  readonly #tenants;

  private constructor(db: DatabaseSync, where: string) {
    this.#db = db;
    this.where = where;
    this.#select = db.prepare(
      'SELECT id, setid, uri, flags, priority, attrs FROM destinations WHERE tenant = ? ORDER BY id',
    );
    this.#insert = db.prepare(
      'INSERT INTO destinations (tenant, setid, uri, flags, priority, attrs) VALUES (?, ?, ?, ?, ?, ?) RETURNING id',
    );
    this.#exists = db.prepare('SELECT 1 FROM destinations WHERE tenant = ? AND setid = ? AND uri = ?');
    this.#delete = db.prepare('DELETE FROM destinations WHERE tenant = ? AND id = ?');
    this.#tenants = db.prepare('SELECT DISTINCT tenant FROM destinations');
  }

  static open(dir: string | undefined): Result<DispatcherStore> {
    const file = dir === undefined ? ':memory:' : join(dir, 'dispatcher.db');
    try {
      const db = new DatabaseSync(file);
      db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 1000;');
      db.exec(SCHEMA);
      return ok(new DispatcherStore(db, dir ?? 'memory'));
    } catch (error) {
      return err(`cannot open the dispatcher table ${file}: ${(error as Error).message}`);
    }
  }

  /** The tenant's rows, oldest first. */
  list(tenant: string): DispatcherRow[] {
    return (this.#select.all(tenant) as unknown as Row[]).map(toRow);
  }

  /** Tenants holding rows (their sets are loaded at start even without config). */
  tenants(): string[] {
    return (this.#tenants.all() as { tenant: string }[]).map((r) => r.tenant);
  }

  /** Adds a row; undefined when the set already has this URI. */
  add(tenant: string, row: DispatcherRowInput): DispatcherRow | undefined {
    if (this.#exists.get(tenant, row.set, row.uri) !== undefined) return undefined;
    const { id } = this.#insert.get(tenant, row.set, row.uri, row.flags, row.priority, row.attrs) as {
      id: number;
    };
    return { id, ...row };
  }

  remove(tenant: string, id: number): boolean {
    return Number(this.#delete.run(tenant, id).changes) > 0;
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }
}
