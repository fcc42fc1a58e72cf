// The module store's SQLite side: the tables, how the database is opened, and the records its rows map to.
// The queries are in store.ts; the component files themselves in blobs.ts.
import { DatabaseSync } from 'node:sqlite';

export type VersionState = 'ready' | 'corrupt';

export interface VersionRecord {
  readonly tenant: string;
  readonly version: number;
  readonly sha256: string;
  readonly size: number;
  readonly world: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly state: VersionState;
  /** Why the version is corrupt. */
  readonly problem: string | undefined;
}

/**
 * How a version became active: an operator's choice, a rollback, the boot fallback, the config route, or
 * the circuit breaker rolling back from a version whose routes kept failing.
 */
export type ActivationKind = 'activate' | 'rollback' | 'fallback' | 'initial' | 'breaker';

/** A version the circuit breaker tripped on: never a rollback target again until an operator activates it. */
export interface TripRecord {
  readonly tenant: string;
  readonly version: number;
  readonly at: string;
  /** The failure cause of the invocation that tripped it. */
  readonly cause: string;
}

export interface ActivationRecord {
  readonly id: number;
  readonly tenant: string;
  readonly version: number;
  /** The activation this one replaced (followed back by rollback). */
  readonly previous: number | undefined;
  readonly kind: ActivationKind;
  readonly at: string;
  readonly by: string;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS tenants (
    name TEXT PRIMARY KEY,
    last_version INTEGER NOT NULL DEFAULT 0,
    activation INTEGER
  );
  CREATE TABLE IF NOT EXISTS versions (
    tenant TEXT NOT NULL,
    version INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    world TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('ready', 'corrupt')),
    problem TEXT,
    PRIMARY KEY (tenant, version)
  );
  CREATE INDEX IF NOT EXISTS versions_sha256 ON versions (sha256);
  CREATE TABLE IF NOT EXISTS activations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant TEXT NOT NULL,
    version INTEGER NOT NULL,
    previous INTEGER,
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    by TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS activations_tenant ON activations (tenant, id);
  CREATE TABLE IF NOT EXISTS trips (
    tenant TEXT NOT NULL,
    version INTEGER NOT NULL,
    at TEXT NOT NULL,
    cause TEXT NOT NULL,
    PRIMARY KEY (tenant, version)
  );
`;

export interface VersionRow {
  tenant: string;
  version: number;
  sha256: string;
  size: number;
  world: string;
  created_at: string;
  created_by: string;
  state: VersionState;
  problem: string | null;
}

export interface ActivationRow {
  id: number;
  tenant: string;
  version: number;
  previous: number | null;
  kind: ActivationKind;
  at: string;
  by: string;
}

export function openDatabase(path: string): DatabaseSync {
  const db = new DatabaseSync(path);
  // WAL with synchronous=FULL: a committed activation survives power loss, readers never block the writer.
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;');
  db.exec(SCHEMA);
  return db;
}

export function versionRecord(row: VersionRow): VersionRecord {
  return {
    tenant: row.tenant,
    version: row.version,
    sha256: row.sha256,
    size: row.size,
    world: row.world,
    createdAt: row.created_at,
    createdBy: row.created_by,
    state: row.state,
    problem: row.problem ?? undefined,
  };
}

export function activationRecord(row: ActivationRow): ActivationRecord {
  return {
    id: row.id,
    tenant: row.tenant,
    version: row.version,
    previous: row.previous ?? undefined,
    kind: row.kind,
    at: row.at,
    by: row.by,
  };
}
