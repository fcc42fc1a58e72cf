// Accounting records (Kamailio's acc module with db_url: the `acc` and `missed_calls` tables), per tenant in
// SQLite (`acc.db` in the data dir, or in memory without one). Rows are keyed by tenant and table; the tenant
// comes from the transaction's script or the admin token, never from a script's argument. Writes never
// block a message for a disk write: records queue and are inserted together in one transaction on the next
// turn of the event loop (prepared statements, at most FLUSH_BATCH per turn), and reads flush the queue
// first, so they see every record written. A tenant keeps at most `maxRowsPerTenant` records over its tables; more are refused and counted.
import { join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { err, ok, type Result } from '../result.ts';
import { byteStringToUtf8 } from '../sip/index.ts';

/** A tenant's acc parameters (config/acc-schema.ts); a flag of -1 is off. */
export interface AccSettings {
  readonly logFlag: number;
  readonly logMissedFlag: number;
  readonly dbFlag: number;
  readonly dbMissedFlag: number;
  readonly failedTransactionFlag: number;
  readonly earlyMedia: boolean;
  readonly reportCancels: boolean;
  readonly detectDirection: boolean;
  readonly logExtra: readonly (readonly [column: string, pv: string])[];
  readonly dbExtra: readonly (readonly [column: string, pv: string])[];
}

export const ACC_OFF: AccSettings = {
  logFlag: -1,
  logMissedFlag: -1,
  dbFlag: -1,
  dbMissedFlag: -1,
  failedTransactionFlag: -1,
  earlyMedia: false,
  reportCancels: false,
  detectDirection: false,
  logExtra: [],
  dbExtra: [],
};

/** One record as the acc module writes it (text as byte strings, as read from the message). */
export interface AccRecord {
  readonly method: string;
  readonly fromTag: string;
  readonly toTag: string;
  readonly callId: string;
  readonly sipCode: string;
  readonly sipReason: string;
  /** Milliseconds since the epoch. */
  readonly time: number;
  readonly extra: Readonly<Record<string, string>>;
}

/** A stored record as the admin API shows it (UTF-8 text, time in ISO 8601). */
export interface AccRow {
  readonly id: number;
  readonly table: string;
  readonly method: string;
  readonly from_tag: string;
  readonly to_tag: string;
  readonly callid: string;
  readonly sip_code: string;
  readonly sip_reason: string;
  readonly time: string;
  readonly extra: Record<string, string>;
}

export interface AccListQuery {
  readonly table: string;
  readonly limit: number;
  readonly offset: number;
  /** Only records at or after this time (ms since the epoch). */
  readonly since?: number;
}

export interface AccStoreOptions {
  readonly dir: string | undefined;
  readonly maxRowsPerTenant: number;
}

/** Longest value of a column kept, in octets (Kamailio's columns are VARCHAR(64) to (255)). */
export const MAX_VALUE_BYTES = 255;
export const ACC_TABLE_NAME = /^[A-Za-z0-9_]{1,64}$/;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS acc_records (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant TEXT NOT NULL,
    tbl TEXT NOT NULL,
    method TEXT NOT NULL,
    from_tag TEXT NOT NULL,
    to_tag TEXT NOT NULL,
    callid TEXT NOT NULL,
    sip_code TEXT NOT NULL,
    sip_reason TEXT NOT NULL,
    time INTEGER NOT NULL,
    extra TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS acc_records_tenant ON acc_records (tenant, tbl, time);
`;

interface Row {
  id: number;
  tbl: string;
  method: string;
  from_tag: string;
  to_tag: string;
  callid: string;
  sip_code: string;
  sip_reason: string;
  time: number;
  extra: string;
}

interface Pending {
  readonly tenant: string;
  readonly table: string;
  readonly record: AccRecord;
}

/**
 * Records one turn of the event loop inserts at most: a few ms of SQLite (a flood's backlog
 * is written over several turns, each short, instead of one long stall: 10 000 at once took 88 ms).
 */
const FLUSH_BATCH = 128;

const text = (value: string) => byteStringToUtf8(value.slice(0, MAX_VALUE_BYTES));

export class AccStore {
  readonly where: string;
  /** Records refused by the cap, by tenant (metrics). */
  readonly refused: Record<string, number> = {};
  /** Records written, by tenant (metrics). */
  readonly written: Record<string, number> = {};
  /** Records lost to a failed insert (a full disk ...): a batch is dropped, never retried without end. */
  lost = 0;
  #closed = false;
  readonly #db: DatabaseSync;
  readonly #maxRows: number;
  readonly #insert: StatementSync;
  readonly #count: StatementSync;
  readonly #list: StatementSync;
  /** Rows per tenant, stored and queued: read from the table on a tenant's first write. */
  readonly #rows = new Map<string, number>();
  #pending: Pending[] = [];
  #scheduled = false;

  private constructor(db: DatabaseSync, where: string, maxRows: number) {
    this.#db = db;
    this.where = where;
    this.#maxRows = maxRows;
    this.#insert = db.prepare(
      `INSERT INTO acc_records (tenant, tbl, method, from_tag, to_tag, callid, sip_code, sip_reason, time, extra)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#count = db.prepare('SELECT count(*) AS n FROM acc_records WHERE tenant = ?');
    this.#list = db.prepare(
      `SELECT id, tbl, method, from_tag, to_tag, callid, sip_code, sip_reason, time, extra FROM acc_records
       WHERE tenant = ? AND tbl = ? AND time >= ? ORDER BY id LIMIT ? OFFSET ?`,
    );
  }

  static open(options: AccStoreOptions): Result<AccStore> {
    const file = options.dir === undefined ? ':memory:' : join(options.dir, 'acc.db');
    try {
      const db = new DatabaseSync(file);
      db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 1000;');
      db.exec(SCHEMA);
      return ok(new AccStore(db, options.dir ?? 'memory', options.maxRowsPerTenant));
    } catch (error) {
      return err(`cannot open the accounting store ${file}: ${(error as Error).message}`);
    }
  }

  /** Queues `record` for `tenant`'s `table`; false (counted) when the tenant holds its cap of records. */
  write(tenant: string, table: string, record: AccRecord): boolean {
    // A transaction that ends while the server stops has nowhere to go.
    if (this.#closed) return false;
    const rows = this.count(tenant);
    if (rows >= this.#maxRows) {
      this.refused[tenant] = (this.refused[tenant] ?? 0) + 1;
      return false;
    }
    this.#rows.set(tenant, rows + 1);
    this.written[tenant] = (this.written[tenant] ?? 0) + 1;
    this.#pending.push({ tenant, table, record });
    this.#schedule();
    return true;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#closed) return;
      try {
        this.#write(FLUSH_BATCH);
      } catch {
        // Counted in `lost` (#write forgot the batch): a disk error must not stop the server.
      }
      if (this.#pending.length > 0) this.#schedule();
    });
  }

  /** Records queued, not yet inserted. */
  get pending(): number {
    return this.#pending.length;
  }

  /** Records of `tenant`, stored and queued. */
  count(tenant: string): number {
    let rows = this.#rows.get(tenant);
    if (rows === undefined) {
      rows = (this.#count.get(tenant) as { n: number }).n;
      this.#rows.set(tenant, rows);
    }
    return rows;
  }

  /** Inserts every queued record (reads and close do, so they see all that was written). */
  flush(): void {
    this.#write(this.#pending.length);
  }

  /** Inserts up to `count` queued records, oldest first, in one transaction. */
  #write(count: number): void {
    if (this.#pending.length === 0 || count <= 0) return;
    const batch = this.#pending.splice(0, count);
    this.#db.exec('BEGIN');
    try {
      for (const { tenant, table, record: r } of batch) {
        const extra = Object.fromEntries(Object.entries(r.extra).map(([k, v]) => [k, text(v)]));
        this.#insert.run(
          tenant,
          table,
          text(r.method),
          text(r.fromTag),
          text(r.toTag),
          text(r.callId),
          text(r.sipCode),
          text(r.sipReason),
          r.time,
          JSON.stringify(extra),
        );
      }
      this.#db.exec('COMMIT');
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      // The batch is lost: forget its rows so the cap counts what is stored.
      this.lost += batch.length;
      this.#rows.clear();
      throw error;
    }
  }

  /** `tenant`'s records of a table, oldest first. */
  list(tenant: string, query: AccListQuery): AccRow[] {
    this.flush();
    const rows = this.#list.all(
      tenant,
      query.table,
      query.since ?? 0,
      query.limit,
      query.offset,
    ) as unknown as Row[];
    return rows.map((r) => ({
      id: r.id,
      table: r.tbl,
      method: r.method,
      from_tag: r.from_tag,
      to_tag: r.to_tag,
      callid: r.callid,
      sip_code: r.sip_code,
      sip_reason: r.sip_reason,
      time: new Date(r.time).toISOString(),
      extra: JSON.parse(r.extra) as Record<string, string>,
    }));
  }

  close(): void {
    if (this.#closed) return;
    try {
      this.flush();
    } finally {
      this.#closed = true;
      this.#db.close();
    }
  }
}
