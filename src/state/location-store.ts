// The location service (Kamailio's usrloc): bindings of an address-of-record to contacts, kept in SQLite
// (`location.db` in the data dir, or an in-memory database without one). Every row is keyed by
// (tenant, table, aor, contact): the tenant comes from the route context, never from the script, so no
// lookup can reach another tenant's bindings. Expired bindings are never returned nor counted (every read
// filters on expires_at) and are removed only by the periodic sweep, in bounded batches (sweep()), as
// Kamailio's usrloc timer does: a lookup is one indexed SELECT, no write on the message path.
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { err, ok, type Problem, type Result } from '../result.ts';
import type { LocationBackend } from './location-backend.ts';

/** One binding as stored. Times are milliseconds of the wall clock (bindings outlive the process). */
export interface Binding {
  readonly contact: string;
  /** q value 0..1; undefined ranks below every given value (Kamailio's Q_UNSPECIFIED). */
  readonly q: number | undefined;
  /** When the binding expires. */
  readonly expiresAt: number;
  readonly callId: string;
  readonly cseq: number;
  /** Where the REGISTER came from: "udp:192.0.2.1:5060". */
  readonly source: string;
  readonly userAgent: string | undefined;
  /** When the binding was last refreshed (newest first among equal q). */
  readonly updatedAt: number;
  /** Where to send requests for the contact when it is behind a NAT (usrloc's received): a SIP URI. */
  readonly received?: string;
  /** The REGISTER's Path header values, comma-separated (usrloc's path): requests go through it. */
  readonly path?: string;
  /** Methods the UA accepts (Contact methods parameter, else Allow), upper case, comma-separated; all when absent. */
  readonly methods?: string;
  /**
   * The branch flags set when the REGISTER was saved (usrloc's cflags): lookup gives them back to the
   * branch, and the NAT keepalive pings the bindings whose nat_bflag is set. 0 when absent.
   */
  readonly flags?: number;
}

/** A binding as the NAT keepalive reads it (LocationStore.pingBatch). */
export interface PingEntry {
  readonly id: number;
  readonly table: string;
  readonly aor: string;
  readonly contact: string;
  readonly received?: string;
  /** "udp:192.0.2.1:5060": where the REGISTER came from. */
  readonly source: string;
  readonly updatedAt: number;
  /** The branch flags saved with it (0 when none). */
  readonly flags: number;
}

interface PingRow {
  id: number;
  tbl: string;
  aor: string;
  contact: string;
  received: string | null;
  source: string;
  updated_at: number;
  cflags: number | null;
}

/** What one REGISTER changes for one AoR, applied all at once. */
export interface BindingChanges {
  /** Contacts removed (expires 0, or every contact for `*`). */
  readonly remove: readonly string[];
  /** Bindings added or refreshed (keyed by contact). */
  readonly put: readonly Binding[];
}

export interface LocationLimits {
  /** Bindings per AoR (Kamailio's max_contacts). */
  readonly maxContacts: number;
  /** Bindings per tenant over all its tables. */
  readonly maxBindings: number;
}

/** An apply refused because the AoR (max_contacts) or the tenant (max_bindings) would hold too many bindings. */
export interface LocationFull extends Problem<'aor-full' | 'tenant-full'> {
  /** Bindings held before the apply. */
  readonly count: number;
  readonly limit: number;
}

export type Clock = () => number;

export interface LocationOptions {
  /** Data directory; undefined keeps the bindings in memory (lost at exit). */
  readonly dir: string | undefined;
  /** Milliseconds since the epoch; Date.now unless a test injects one. */
  readonly now?: Clock;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS bindings (
    tenant TEXT NOT NULL,
    tbl TEXT NOT NULL,
    aor TEXT NOT NULL,
    contact TEXT NOT NULL,
    q INTEGER,
    expires_at INTEGER NOT NULL,
    call_id TEXT NOT NULL,
    cseq INTEGER NOT NULL,
    source TEXT NOT NULL,
    user_agent TEXT,
    updated_at INTEGER NOT NULL,
    received TEXT,
    path TEXT,
    methods TEXT,
    cflags INTEGER,
    PRIMARY KEY (tenant, tbl, aor, contact)
  );
  CREATE INDEX IF NOT EXISTS bindings_expiry ON bindings (expires_at);
  CREATE INDEX IF NOT EXISTS bindings_tenant ON bindings (tenant, expires_at);
`;

interface Row {
  contact: string;
  q: number | null;
  expires_at: number;
  call_id: string;
  cseq: number;
  source: string;
  user_agent: string | null;
  updated_at: number;
  received: string | null;
  path: string | null;
  methods: string | null;
  cflags: number | null;
}

/** Columns added after the first release: a location.db written before them gets them on open. */
const ADDED_COLUMNS: readonly [name: string, type: string][] = [
  ['received', 'TEXT'],
  ['path', 'TEXT'],
  ['methods', 'TEXT'],
  ['cflags', 'INTEGER'],
];

function addMissingColumns(db: DatabaseSync): void {
  const have = new Set(
    (db.prepare('PRAGMA table_info(bindings)').all() as { name: string }[]).map((c) => c.name),
  );
  for (const [column, type] of ADDED_COLUMNS)
    if (!have.has(column)) db.exec(`ALTER TABLE bindings ADD COLUMN ${column} ${type}`);
}

const toBinding = (r: Row): Binding => ({
  contact: r.contact,
  q: r.q === null ? undefined : r.q / 1000,
  expiresAt: r.expires_at,
  callId: r.call_id,
  cseq: r.cseq,
  source: r.source,
  userAgent: r.user_agent ?? undefined,
  updatedAt: r.updated_at,
  ...(r.received !== null && { received: r.received }),
  ...(r.path !== null && { path: r.path }),
  ...(r.methods !== null && { methods: r.methods }),
  ...(r.cflags !== null && r.cflags !== 0 && { flags: r.cflags }),
});

export class LocationStore implements LocationBackend {
  /** Where the bindings live, for log lines. */
  readonly where: string;
  readonly now: Clock;
  readonly #db: DatabaseSync;
  readonly #select;
  readonly #countAor;
  readonly #countTenant;
  readonly #countByTenant;
  readonly #delete;
  readonly #upsert;
  readonly #deleteAor;
  readonly #sweep;
  readonly #pingBatch;
  readonly #deleteStale;

  private constructor(db: DatabaseSync, where: string, now: Clock) {
    this.#db = db;
    this.where = where;
    this.now = now;
    // Highest q first (unspecified last), then the newest refresh: the order lookup forks in. `+expires_at`
    // keeps the expiry out of index choice: the AoR's rows come by the primary key (tenant, tbl, aor); on
    // `expires_at > ?` SQLite would take bindings_tenant and scan every live binding of the tenant per lookup.
    this.#select = db.prepare(
      `SELECT contact, q, expires_at, call_id, cseq, source, user_agent, updated_at, received, path, methods, cflags
       FROM bindings
       WHERE tenant = ? AND tbl = ? AND aor = ? AND +expires_at > ?
       ORDER BY coalesce(q, -1) DESC, updated_at DESC, contact`,
    );
    this.#countAor = db.prepare(
      'SELECT count(*) AS n FROM bindings WHERE tenant = ? AND tbl = ? AND aor = ? AND +expires_at > ?',
    );
    this.#countTenant = db.prepare('SELECT count(*) AS n FROM bindings WHERE tenant = ? AND expires_at > ?');
    this.#countByTenant = db.prepare(
      'SELECT tenant, count(*) AS n FROM bindings WHERE expires_at > ? GROUP BY tenant',
    );
    this.#delete = db.prepare(
      'DELETE FROM bindings WHERE tenant = ? AND tbl = ? AND aor = ? AND contact = ?',
    );
    this.#upsert = db.prepare(
      `INSERT INTO bindings (tenant, tbl, aor, contact, q, expires_at, call_id, cseq, source, user_agent, updated_at,
         received, path, methods, cflags)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant, tbl, aor, contact) DO UPDATE SET q = excluded.q, expires_at = excluded.expires_at,
         call_id = excluded.call_id, cseq = excluded.cseq, source = excluded.source,
         user_agent = excluded.user_agent, updated_at = excluded.updated_at, received = excluded.received,
         path = excluded.path, methods = excluded.methods, cflags = excluded.cflags`,
    );
    this.#deleteAor = db.prepare('DELETE FROM bindings WHERE tenant = ? AND tbl = ? AND aor = ?');
    this.#sweep = db.prepare(
      `DELETE FROM bindings WHERE rowid IN
         (SELECT rowid FROM bindings WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)`,
    );
    // The NAT keepalive walks a tenant's live bindings by rowid, a batch per round (nat-keepalive.ts).
    this.#pingBatch = db.prepare(
      `SELECT rowid AS id, tbl, aor, contact, received, source, updated_at, cflags FROM bindings
       WHERE tenant = ? AND rowid > ? AND expires_at > ? ORDER BY rowid LIMIT ?`,
    );
    // Only while the binding is the one pinged: a REGISTER since then (updated_at) keeps it.
    this.#deleteStale = db.prepare(
      'DELETE FROM bindings WHERE tenant = ? AND tbl = ? AND aor = ? AND contact = ? AND updated_at <= ?',
    );
  }

  static open(options: LocationOptions): Result<LocationStore> {
    const now = options.now ?? Date.now;
    const file = options.dir === undefined ? ':memory:' : join(options.dir, 'location.db');
    try {
      const db = new DatabaseSync(file);
      db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 1000;');
      db.exec(SCHEMA);
      addMissingColumns(db);
      return ok(new LocationStore(db, options.dir ?? 'memory', now));
    } catch (error) {
      return err(`cannot open the location store ${file}: ${(error as Error).message}`);
    }
  }

  /** The AoR's live bindings, best first (its expired ones stay until the sweep, never returned). */
  bindings(tenant: string, table: string, aor: string): Binding[] {
    return (this.#select.all(tenant, table, aor, this.now()) as unknown as Row[]).map(toBinding);
  }

  /** Live bindings per tenant (metrics). */
  countsByTenant(): Record<string, number> {
    const rows = this.#countByTenant.all(this.now()) as { tenant: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.tenant, r.n]));
  }

  /** Live bindings of the tenant over all its tables. */
  count(tenant: string): number {
    return (this.#countTenant.get(tenant, this.now()) as { n: number }).n;
  }

  /**
   * Applies one REGISTER's changes to an AoR in one transaction: nothing changes when the AoR would hold
   * more than `maxContacts` bindings, or the tenant more than `maxBindings`.
   */
  apply(
    tenant: string,
    table: string,
    aor: string,
    changes: BindingChanges,
    limits: LocationLimits,
  ): Result<Binding[], LocationFull> {
    const now = this.now();
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      // An expired binding is not counted, and one REGISTER refreshes in place (the upsert).
      const before = (this.#countAor.get(tenant, table, aor, now) as { n: number }).n;
      for (const contact of changes.remove) this.#delete.run(tenant, table, aor, contact);
      for (const b of changes.put) {
        this.#upsert.run(
          tenant,
          table,
          aor,
          b.contact,
          b.q === undefined ? null : Math.round(b.q * 1000),
          b.expiresAt,
          b.callId,
          b.cseq,
          b.source,
          b.userAgent ?? null,
          b.updatedAt,
          b.received ?? null,
          b.path ?? null,
          b.methods ?? null,
          b.flags ?? null,
        );
      }
      const after = (this.#countAor.get(tenant, table, aor, now) as { n: number }).n;
      if (after > before) {
        if (after > limits.maxContacts) {
          this.#db.exec('ROLLBACK');
          return full('aor-full', `the AoR ${aor}`, before, limits.maxContacts);
        }
        const total = (this.#countTenant.get(tenant, now) as { n: number }).n;
        if (total > limits.maxBindings) {
          this.#db.exec('ROLLBACK');
          return full('tenant-full', `tenant ${tenant}`, total - (after - before), limits.maxBindings);
        }
      }
      const bindings = (this.#select.all(tenant, table, aor, now) as unknown as Row[]).map(toBinding);
      this.#db.exec('COMMIT');
      return ok(bindings);
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  /** Removes every binding of the AoR; how many there were. */
  removeAor(tenant: string, table: string, aor: string): number {
    return Number(this.#deleteAor.run(tenant, table, aor).changes);
  }

  /**
   * At most `limit` live bindings of `tenant` with a rowid above `after`, by rowid: the NAT keepalive's
   * batch for one round (it goes on from the last id next round, and from 0 when a batch comes back short).
   */
  pingBatch(tenant: string, after: number, limit: number): PingEntry[] {
    const rows = this.#pingBatch.all(tenant, after, this.now(), limit) as unknown as PingRow[];
    return rows.map((r) => ({
      id: r.id,
      table: r.tbl,
      aor: r.aor,
      contact: r.contact,
      ...(r.received !== null && { received: r.received }),
      source: r.source,
      updatedAt: r.updated_at,
      flags: r.cflags ?? 0,
    }));
  }

  /** Removes a binding unless a REGISTER refreshed it after `updatedAt`; whether it was removed. */
  removeStale(tenant: string, table: string, aor: string, contact: string, updatedAt: number): boolean {
    return Number(this.#deleteStale.run(tenant, table, aor, contact, updatedAt).changes) > 0;
  }

  /** Removes at most `limit` expired bindings (every tenant); how many it removed. */
  sweep(limit = 1000): number {
    return Number(this.#sweep.run(this.now(), limit).changes);
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }
}

function full(
  code: LocationFull['code'],
  what: string,
  count: number,
  limit: number,
): Result<never, LocationFull> {
  const setting = code === 'aor-full' ? 'max_contacts' : 'max_bindings';
  return err({
    code,
    message: `${what} has ${count} bindings, the limit is ${limit} (${setting})`,
    count,
    limit,
  });
}
