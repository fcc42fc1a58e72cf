// The module store: component files by content (blobs.ts) and their metadata in SQLite (store-schema.ts):
// per tenant the versions (number, sha256, size, world, created, by whom, state) and the history of
// activations. The database is the truth: a version row is written only after its file is durable, and the
// active version is the one the last committed activation names, so a crash at any point leaves a
// consistent store.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { err, ok, type Result } from '../result.ts';
import { type BlobCheck, type BlobStore, FileBlobs, MemoryBlobs, type WriteStep } from './blobs.ts';
import { lockDataDir } from './data-dir-lock.ts';
import {
  type ActivationKind,
  type ActivationRecord,
  type ActivationRow,
  activationRecord,
  openDatabase,
  type TripRecord,
  type VersionRecord,
  type VersionRow,
  versionRecord,
} from './store-schema.ts';

export interface NewVersion {
  readonly sha256: string;
  readonly size: number;
  readonly world: string;
  readonly createdBy: string;
}

/** What opening the store found and repaired. */
export interface OpenReport {
  /** Temp files of writes that never finished, removed. */
  readonly sweptTemp: number;
  /** Blobs no version refers to (a crash after the file write, before the row), removed. */
  readonly orphans: number;
  /** Versions whose file is missing or does not hash to its sha256, marked corrupt. */
  readonly corrupt: readonly { tenant: string; version: number; problem: string }[];
}

export interface StoreOptions {
  /** Data directory; undefined keeps everything in memory (lost at exit). */
  readonly dir: string | undefined;
  /** Reports each step of a blob write (tests stop the process there). */
  readonly onWriteStep?: (step: WriteStep) => void;
}

/** An open store, and what opening it found and repaired. */
export interface OpenedStore {
  readonly store: ModuleStore;
  readonly report: OpenReport;
}

/** Activation history kept per tenant; rollback follows it back at most this far. */
const HISTORY = 200;

export class ModuleStore {
  readonly blobs: BlobStore;
  /** Where the store lives, for log lines. */
  readonly where: string;
  readonly #db: DatabaseSync;
  readonly #release: () => Promise<void>;
  /** Prepared once per SQL text: a server booting 10 000 tenants runs the same few queries 10 000 times. */
  readonly #statements = new Map<string, StatementSync>();

  private constructor(db: DatabaseSync, blobs: BlobStore, where: string, release: () => Promise<void>) {
    this.#db = db;
    this.blobs = blobs;
    this.where = where;
    this.#release = release;
  }

  /** Opens (creating) the store; the error is a start-up message for the operator. */
  static async open(options: StoreOptions): Promise<Result<OpenedStore, string>> {
    const { dir } = options;
    if (dir === undefined) {
      const store = new ModuleStore(openDatabase(':memory:'), new MemoryBlobs(), 'memory', async () => {});
      return ok({ store, report: { sweptTemp: 0, orphans: 0, corrupt: [] } });
    }
    try {
      await mkdir(dir, { recursive: true });
    } catch (e) {
      return err(`cannot create data_dir ${dir}: ${(e as NodeJS.ErrnoException).code ?? e}`);
    }
    const lock = await lockDataDir(dir);
    if (!lock.ok) return lock;
    const { release } = lock.value;
    let db: DatabaseSync;
    let opened: Awaited<ReturnType<typeof FileBlobs.open>>;
    try {
      opened = await FileBlobs.open(join(dir, 'modules'), options.onWriteStep);
      db = openDatabase(join(dir, 'registry.db'));
    } catch (e) {
      await release();
      return err(`cannot open the module store in ${dir}: ${(e as Error).message}`);
    }
    const store = new ModuleStore(db, opened.blobs, dir, release);
    const { orphans, corrupt } = await store.#check();
    return ok({ store, report: { sweptTemp: opened.swept, orphans, corrupt } });
  }

  /** Boot check: every ready version's file must hash to its sha256; files no version names are removed. */
  async #check(): Promise<{ orphans: number; corrupt: OpenReport['corrupt'] }> {
    const corrupt: { tenant: string; version: number; problem: string }[] = [];
    const rows = this.#sql(`SELECT * FROM versions WHERE state = 'ready'`).all() as unknown as VersionRow[];
    const verdicts = new Map<string, Promise<BlobCheck>>();
    for (const row of rows) {
      if (!verdicts.has(row.sha256)) verdicts.set(row.sha256, this.blobs.check(row.sha256));
      const verdict = await verdicts.get(row.sha256)!;
      if (verdict.ok) continue;
      this.markCorrupt(row.tenant, row.version, verdict.error);
      corrupt.push({ tenant: row.tenant, version: row.version, problem: verdict.error });
    }
    const named = new Set(
      (this.#sql('SELECT DISTINCT sha256 FROM versions').all() as { sha256: string }[]).map((r) => r.sha256),
    );
    let orphans = 0;
    for (const sha of await this.blobs.list()) {
      if (named.has(sha)) continue;
      await this.blobs.delete(sha);
      orphans++;
    }
    return { orphans, corrupt };
  }

  /** Stores the component's bytes durably (call before addVersion). */
  putBlob(sha256: string, bytes: Uint8Array): Promise<void> {
    return this.blobs.put(sha256, bytes);
  }

  readBlob(sha256: string): Promise<Uint8Array | undefined> {
    return this.blobs.get(sha256);
  }

  /**
   * Records a new version with the tenant's next number, or with `number` when a cluster numbered it
   * (src/cluster/: the numbers are cluster-wide). Its blob must already be stored.
   */
  addVersion(tenant: string, v: NewVersion, number?: number): VersionRecord {
    return this.#transaction(() => {
      this.#sql('INSERT OR IGNORE INTO tenants (name) VALUES (?)').run(tenant);
      const { last_version } =
        number === undefined
          ? (this.#sql(
              'UPDATE tenants SET last_version = last_version + 1 WHERE name = ? RETURNING last_version',
            ).get(tenant) as { last_version: number })
          : (this.#sql(
              'UPDATE tenants SET last_version = MAX(last_version, ?) WHERE name = ? RETURNING ? AS last_version',
            ).get(number, tenant, number) as { last_version: number });
      const createdAt = new Date().toISOString();
      this.#sql(
        `INSERT INTO versions (tenant, version, sha256, size, world, created_at, created_by, state)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'ready')`,
      ).run(tenant, last_version, v.sha256, v.size, v.world, createdAt, v.createdBy);
      return this.version(tenant, last_version)!;
    });
  }

  version(tenant: string, version: number): VersionRecord | undefined {
    const row = this.#sql('SELECT * FROM versions WHERE tenant = ? AND version = ?').get(tenant, version);
    return row ? versionRecord(row as unknown as VersionRow) : undefined;
  }

  /** The tenant's retained versions, newest first. */
  versions(tenant: string): VersionRecord[] {
    const rows = this.#sql('SELECT * FROM versions WHERE tenant = ? ORDER BY version DESC').all(tenant);
    return (rows as unknown as VersionRow[]).map(versionRecord);
  }

  /** Tenants the store has seen. */
  tenants(): string[] {
    return (this.#sql('SELECT name FROM tenants ORDER BY name').all() as { name: string }[]).map(
      (r) => r.name,
    );
  }

  /** The tenant's current activation (its active version), if it has one. */
  current(tenant: string): ActivationRecord | undefined {
    const row = this.#sql(
      'SELECT a.* FROM tenants t JOIN activations a ON a.id = t.activation WHERE t.name = ?',
    ).get(tenant);
    return row ? activationRecord(row as unknown as ActivationRow) : undefined;
  }

  activation(id: number): ActivationRecord | undefined {
    const row = this.#sql('SELECT * FROM activations WHERE id = ?').get(id);
    return row ? activationRecord(row as unknown as ActivationRow) : undefined;
  }

  /**
   * Makes `version` the tenant's active one, in one transaction. `previous` is what a later rollback returns
   * to: by default the activation being replaced; a rollback passes its target's own previous (undo), null
   * for none.
   */
  activate(
    tenant: string,
    version: number,
    kind: ActivationKind,
    by: string,
    previous?: number | null,
  ): ActivationRecord {
    return this.#transaction(() => {
      if (previous === undefined) previous = this.current(tenant)?.id;
      const record = this.version(tenant, version);
      if (record?.state !== 'ready') throw new Error(`${tenant} v${version} is not a ready version`);
      const { id } = this.#sql(
        'INSERT INTO activations (tenant, version, previous, kind, at, by) VALUES (?, ?, ?, ?, ?, ?) RETURNING id',
      ).get(tenant, version, previous ?? null, kind, new Date().toISOString(), by) as { id: number };
      this.#sql('UPDATE tenants SET activation = ? WHERE name = ?').run(id, tenant);
      this.#sql(
        `DELETE FROM activations WHERE tenant = ? AND id < (
             SELECT id FROM activations WHERE tenant = ? ORDER BY id DESC LIMIT 1 OFFSET ${HISTORY - 1})`,
      ).run(tenant, tenant);
      return this.activation(id)!;
    });
  }

  /** The tenant's activations, newest first (at most `limit`). */
  activations(tenant: string, limit = 50): ActivationRecord[] {
    const rows = this.#sql('SELECT * FROM activations WHERE tenant = ? ORDER BY id DESC LIMIT ?').all(
      tenant,
      limit,
    );
    return (rows as unknown as ActivationRow[]).map(activationRecord);
  }

  /** Records that the circuit breaker tripped on `version`. */
  markTripped(tenant: string, version: number, cause: string): void {
    this.#sql('INSERT OR REPLACE INTO trips (tenant, version, at, cause) VALUES (?, ?, ?, ?)').run(
      tenant,
      version,
      new Date().toISOString(),
      cause,
    );
  }

  /** An operator activated the version again: it may be a rollback target again. */
  clearTrip(tenant: string, version: number): void {
    this.#sql('DELETE FROM trips WHERE tenant = ? AND version = ?').run(tenant, version);
  }

  /** The tenant's versions the breaker tripped on. */
  trips(tenant: string): TripRecord[] {
    return this.#sql('SELECT * FROM trips WHERE tenant = ? ORDER BY version').all(
      tenant,
    ) as unknown as TripRecord[];
  }

  /**
   * Where a rollback goes: the activation before the current one whose version is still retained, ready
   * and different from the active version; undefined when history holds none.
   */
  rollbackTarget(
    tenant: string,
    usable: (v: VersionRecord) => boolean = () => true,
  ): ActivationRecord | undefined {
    const current = this.current(tenant);
    if (!current) return undefined;
    let at = current.previous === undefined ? undefined : this.activation(current.previous);
    while (at) {
      const record = this.version(tenant, at.version);
      if (record?.state === 'ready' && at.version !== current.version && usable(record)) return at;
      at = at.previous === undefined ? undefined : this.activation(at.previous);
    }
    return undefined;
  }

  /**
   * The tenant's last good version: the rollback target, skipping versions the circuit breaker tripped on.
   * The breaker rolls back to it, and fail-open runs failed routes on it.
   */
  lastGood(tenant: string): ActivationRecord | undefined {
    const tripped = new Set(this.trips(tenant).map((trip) => trip.version));
    return this.rollbackTarget(tenant, (v) => !tripped.has(v.version));
  }

  markCorrupt(tenant: string, version: number, problem: string): void {
    this.#sql(`UPDATE versions SET state = 'corrupt', problem = ? WHERE tenant = ? AND version = ?`).run(
      problem,
      tenant,
      version,
    );
  }

  /**
   * Keeps the newest `keep` versions of the tenant plus those in `protect` (the active one); deletes the
   * other rows, then the files no remaining row names. Returns the versions removed.
   */
  async prune(tenant: string, keep: number, protect: ReadonlySet<number>): Promise<number[]> {
    const doomed = this.versions(tenant)
      .slice(keep)
      .filter((v) => !protect.has(v.version));
    if (doomed.length === 0) return [];
    this.#transaction(() => {
      const del = this.#sql('DELETE FROM versions WHERE tenant = ? AND version = ?');
      const untrip = this.#sql('DELETE FROM trips WHERE tenant = ? AND version = ?');
      for (const v of doomed) {
        del.run(tenant, v.version);
        untrip.run(tenant, v.version);
      }
    });
    const stillNamed = this.#sql('SELECT 1 FROM versions WHERE sha256 = ? LIMIT 1');
    for (const sha of new Set(doomed.map((v) => v.sha256))) {
      if (!stillNamed.get(sha)) await this.blobs.delete(sha);
    }
    return doomed.map((v) => v.version).sort((a, b) => a - b);
  }

  async close(): Promise<void> {
    if (!this.#db.isOpen) return;
    this.#db.close();
    await this.#release();
  }

  #sql(text: string): StatementSync {
    let statement = this.#statements.get(text);
    if (statement === undefined) {
      statement = this.#db.prepare(text);
      this.#statements.set(text, statement);
    }
    return statement;
  }

  #transaction<T>(body: () => T): T {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const result = body();
      this.#db.exec('COMMIT');
      return result;
    } catch (err) {
      this.#db.exec('ROLLBACK');
      throw err;
    }
  }
}
