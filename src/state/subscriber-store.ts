// Subscribers (Kamailio's auth_db `subscriber` table): who may authenticate, per tenant, in SQLite
// (`subscribers.db` in the data dir, or in memory without one). Every row is keyed by (tenant, table,
// username, domain); the tenant comes from the route context or the admin token, never from a script.
// Passwords are kept as HA1 digests for MD5 and SHA-256 (H(user:domain:password), and the `ha1b` form
// H(user@domain:domain:password) for clients that put the domain in the username); the plaintext password
// only when `storePasswords` is on (it then works for any realm). A tenant holds at most `maxSubscribers`.
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { err, ok, type Problem, type Result } from '../result.ts';
import { computeHa1, type DigestHash } from '../sip/digest.ts';
import { byteStringToUtf8, utf8ToByteString } from '../sip/index.ts';

export interface SubscriberOptions {
  readonly dir: string | undefined;
  readonly maxSubscribers: number;
  readonly storePasswords: boolean;
  readonly now?: () => number;
}

/** One subscriber as stored (text as UTF-8 JS strings). */
export interface Subscriber {
  readonly username: string;
  readonly domain: string;
  readonly ha1: string;
  readonly ha1b: string;
  readonly ha1Sha256: string;
  readonly ha1bSha256: string;
  readonly password: string | undefined;
}

/** What the admin API shows of a subscriber: never a digest or a password. */
export interface SubscriberInfo {
  readonly table: string;
  readonly username: string;
  readonly domain: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface NewSubscriber {
  readonly username: string;
  readonly domain: string;
  readonly password: string;
}

export type SubscriberError = Problem<'exists' | 'unknown' | 'quota' | 'invalid'>;

/** A subscriber row as a cluster's Redis keeps it (src/cluster/shared-subscribers.ts): digests, no quota. */
export interface StoredSubscriber extends Subscriber {
  readonly table: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export const MAX_NAME_BYTES = 128;
export const MAX_PASSWORD_BYTES = 256;
const NAME = /^[^\s:@"\\<>]+$/u;
const DOMAIN = /^[A-Za-z0-9.[\]:-]+$/;
export const TABLE_NAME = /^[A-Za-z0-9_]{1,64}$/;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS subscribers (
    tenant TEXT NOT NULL,
    tbl TEXT NOT NULL,
    username TEXT NOT NULL,
    domain TEXT NOT NULL,
    ha1 TEXT NOT NULL,
    ha1b TEXT NOT NULL,
    ha1_sha256 TEXT NOT NULL,
    ha1b_sha256 TEXT NOT NULL,
    password TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant, tbl, username, domain)
  );
`;

interface Row {
  username: string;
  domain: string;
  ha1: string;
  ha1b: string;
  ha1_sha256: string;
  ha1b_sha256: string;
  password: string | null;
}

/** Why a subscriber's fields are refused, or undefined when they are fine. */
export function invalidSubscriber(s: NewSubscriber): string | undefined {
  if (!NAME.test(s.username) || Buffer.byteLength(s.username) > MAX_NAME_BYTES)
    return `username: 1-${MAX_NAME_BYTES} bytes without spaces, ':', '@', quotes or angle brackets`;
  if (!DOMAIN.test(s.domain) || s.domain.length > MAX_NAME_BYTES)
    return `domain: a host name or address of at most ${MAX_NAME_BYTES} characters`;
  if (s.password.length === 0 || Buffer.byteLength(s.password) > MAX_PASSWORD_BYTES)
    return `password: 1-${MAX_PASSWORD_BYTES} bytes`;
  return undefined;
}

/** The four HA1 forms of a password, over its UTF-8 bytes. */
function digestsOf(s: NewSubscriber): [string, string, string, string] {
  const user = utf8ToByteString(s.username);
  const domain = utf8ToByteString(s.domain.toLowerCase());
  const password = utf8ToByteString(s.password);
  const forms: [DigestHash, string][] = [
    ['MD5', user],
    ['MD5', `${user}@${domain}`],
    ['SHA-256', user],
    ['SHA-256', `${user}@${domain}`],
  ];
  return forms.map(([hash, name]) => computeHa1(hash, name, domain, password)) as [
    string,
    string,
    string,
    string,
  ];
}

/** The row `s` is stored as (its digests computed here, the password kept only with `storePasswords`). */
export function storedSubscriber(
  table: string,
  s: NewSubscriber,
  storePasswords: boolean,
  now: number,
): StoredSubscriber {
  const [ha1, ha1b, ha1Sha256, ha1bSha256] = digestsOf(s);
  return {
    table,
    username: s.username,
    domain: s.domain.toLowerCase(),
    ha1,
    ha1b,
    ha1Sha256,
    ha1bSha256,
    password: storePasswords ? s.password : undefined,
    createdAt: now,
    updatedAt: now,
  };
}

export class SubscriberStore {
  readonly where: string;
  readonly options: SubscriberOptions;
  readonly #db: DatabaseSync;
  readonly #now: () => number;
  readonly #byDomain;
  readonly #byUser;
  readonly #count;
  readonly #countAll;
  readonly #insert;
  readonly #update;
  readonly #delete;
  readonly #list;
  readonly #clearTenant;
  readonly #tenantRows;

  private constructor(db: DatabaseSync, where: string, options: SubscriberOptions) {
    this.#db = db;
    this.where = where;
    this.options = options;
    this.#now = options.now ?? Date.now;
    const columns = 'username, domain, ha1, ha1b, ha1_sha256, ha1b_sha256, password';
    this.#byDomain = db.prepare(
      `SELECT ${columns} FROM subscribers WHERE tenant = ? AND tbl = ? AND username = ? AND domain = ?`,
    );
    // Without use_domain (Kamailio's default) the username alone selects; a name in several domains
    // takes the row whose domain is the realm, else the first by domain.
    this.#byUser = db.prepare(
      `SELECT ${columns} FROM subscribers WHERE tenant = ? AND tbl = ? AND username = ?
       ORDER BY domain = ? DESC, domain LIMIT 1`,
    );
    this.#count = db.prepare('SELECT count(*) AS n FROM subscribers WHERE tenant = ?');
    this.#countAll = db.prepare('SELECT tenant, count(*) AS n FROM subscribers GROUP BY tenant');
    this.#insert = db.prepare(
      `INSERT INTO subscribers (tenant, tbl, username, domain, ha1, ha1b, ha1_sha256, ha1b_sha256, password,
         created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#update = db.prepare(
      `UPDATE subscribers SET ha1 = ?, ha1b = ?, ha1_sha256 = ?, ha1b_sha256 = ?, password = ?, updated_at = ?
       WHERE tenant = ? AND tbl = ? AND username = ? AND domain = ?`,
    );
    this.#delete = db.prepare(
      'DELETE FROM subscribers WHERE tenant = ? AND tbl = ? AND username = ? AND domain = ?',
    );
    this.#list = db.prepare(
      `SELECT tbl, username, domain, created_at, updated_at FROM subscribers WHERE tenant = ?
       ORDER BY tbl, domain, username LIMIT ? OFFSET ?`,
    );
    this.#clearTenant = db.prepare('DELETE FROM subscribers WHERE tenant = ?');
    this.#tenantRows = db.prepare(
      `SELECT tbl, ${columns}, created_at, updated_at FROM subscribers WHERE tenant = ?`,
    );
  }

  static open(options: SubscriberOptions): Result<SubscriberStore> {
    const file = options.dir === undefined ? ':memory:' : join(options.dir, 'subscribers.db');
    try {
      const db = new DatabaseSync(file);
      db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 1000;');
      db.exec(SCHEMA);
      return ok(new SubscriberStore(db, options.dir ?? 'memory', options));
    } catch (error) {
      return err(`cannot open the subscriber store ${file}: ${(error as Error).message}`);
    }
  }

  /** The subscriber `username` (a byte string from a message); `domain` undefined looks by username only. */
  find(tenant: string, table: string, username: string, domain: string | undefined, realm: string) {
    const rows = (
      domain === undefined
        ? this.#byUser.get(tenant, table, fromBytes(username), fromBytes(realm).toLowerCase())
        : this.#byDomain.get(tenant, table, fromBytes(username), fromBytes(domain).toLowerCase())
    ) as Row | undefined;
    if (rows === undefined) return undefined;
    const subscriber: Subscriber = {
      username: rows.username,
      domain: rows.domain,
      ha1: rows.ha1,
      ha1b: rows.ha1b,
      ha1Sha256: rows.ha1_sha256,
      ha1bSha256: rows.ha1b_sha256,
      password: rows.password ?? undefined,
    };
    return subscriber;
  }

  count(tenant: string): number {
    return (this.#count.get(tenant) as { n: number }).n;
  }

  /** Subscribers per tenant (metrics). */
  countsByTenant(): Record<string, number> {
    const rows = this.#countAll.all() as { tenant: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.tenant, r.n]));
  }

  add(tenant: string, table: string, s: NewSubscriber): Result<void, SubscriberError> {
    return this.#transaction(() => {
      const added = this.#addOne(tenant, table, s, false);
      return added.ok ? ok(undefined) : added;
    });
  }

  /**
   * Adds or (with `replace`) updates every subscriber in one transaction: nothing changes when one is
   * invalid, exists without `replace`, or the tenant would pass its quota. Counts added and updated.
   */
  addAll(
    tenant: string,
    table: string,
    list: readonly NewSubscriber[],
    replace: boolean,
  ): Result<{ added: number; updated: number }, SubscriberError> {
    return this.#transaction(() => {
      let added = 0;
      let updated = 0;
      for (const [i, s] of list.entries()) {
        const done = this.#addOne(tenant, table, s, replace);
        if (!done.ok) return err({ ...done.error, message: `entry ${i + 1}: ${done.error.message}` });
        if (done.value === 'added') added++;
        else updated++;
      }
      return ok({ added, updated });
    });
  }

  setPassword(tenant: string, table: string, s: NewSubscriber): Result<void, SubscriberError> {
    const invalid = invalidSubscriber(s);
    if (invalid) return err({ code: 'invalid', message: invalid });
    const [ha1, ha1b, sha, shab] = digestsOf(s);
    const changed = this.#update.run(
      ha1,
      ha1b,
      sha,
      shab,
      this.options.storePasswords ? s.password : null,
      this.#now(),
      tenant,
      table,
      s.username,
      s.domain.toLowerCase(),
    ).changes;
    return Number(changed) > 0 ? ok(undefined) : err(unknown(s, table));
  }

  remove(tenant: string, table: string, username: string, domain: string): Result<void, SubscriberError> {
    const changed = this.#delete.run(tenant, table, username, domain.toLowerCase()).changes;
    return Number(changed) > 0 ? ok(undefined) : err(unknown({ username, domain }, table));
  }

  list(tenant: string, limit: number, offset: number): SubscriberInfo[] {
    const rows = this.#list.all(tenant, limit, offset) as {
      tbl: string;
      username: string;
      domain: string;
      created_at: number;
      updated_at: number;
    }[];
    return rows.map((r) => ({
      table: r.tbl,
      username: r.username,
      domain: r.domain,
      createdAt: new Date(r.created_at).toISOString(),
      updatedAt: new Date(r.updated_at).toISOString(),
    }));
  }

  /**
   * Makes the tenant's rows exactly `rows`, in one transaction (a node's copy of the cluster's table:
   * the quota was checked where the rows were written).
   */
  replaceTenant(tenant: string, rows: readonly StoredSubscriber[]): void {
    this.#transaction(() => {
      this.#clearTenant.run(tenant);
      for (const r of rows)
        this.#insert.run(
          tenant,
          r.table,
          r.username,
          r.domain,
          r.ha1,
          r.ha1b,
          r.ha1Sha256,
          r.ha1bSha256,
          r.password ?? null,
          r.createdAt,
          r.updatedAt,
        );
      return ok(undefined);
    });
  }

  /** Every row of the tenant with its digests (a cluster refilling a Redis that lost them). */
  rowsOf(tenant: string): StoredSubscriber[] {
    const rows = this.#tenantRows.all(tenant) as unknown as (Row & {
      tbl: string;
      created_at: number;
      updated_at: number;
    })[];
    return rows.map((r) => ({
      table: r.tbl,
      username: r.username,
      domain: r.domain,
      ha1: r.ha1,
      ha1b: r.ha1b,
      ha1Sha256: r.ha1_sha256,
      ha1bSha256: r.ha1b_sha256,
      password: r.password ?? undefined,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  #addOne(
    tenant: string,
    table: string,
    s: NewSubscriber,
    replace: boolean,
  ): Result<'added' | 'updated', SubscriberError> {
    const invalid = invalidSubscriber(s);
    if (invalid) return err({ code: 'invalid', message: invalid });
    const domain = s.domain.toLowerCase();
    if (this.#byDomain.get(tenant, table, s.username, domain) !== undefined) {
      if (!replace)
        return err({ code: 'exists', message: `${s.username}@${domain} already exists in table ${table}` });
      const updated = this.setPassword(tenant, table, s);
      return updated.ok ? ok('updated') : updated;
    }
    const count = this.count(tenant);
    if (count >= this.options.maxSubscribers)
      return err({
        code: 'quota',
        message: `tenant ${tenant} has ${count} subscribers, the limit is ${this.options.maxSubscribers} (auth.max_subscribers)`,
      });
    const now = this.#now();
    this.#insert.run(
      tenant,
      table,
      s.username,
      domain,
      ...digestsOf(s),
      this.options.storePasswords ? s.password : null,
      now,
      now,
    );
    return ok('added');
  }

  #transaction<T>(run: () => Result<T, SubscriberError>): Result<T, SubscriberError> {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const result = run();
      this.#db.exec(result.ok ? 'COMMIT' : 'ROLLBACK');
      return result;
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw error;
    }
  }
}

function unknown(s: { username: string; domain: string }, table: string): SubscriberError {
  return {
    code: 'unknown',
    message: `no subscriber ${s.username}@${s.domain.toLowerCase()} in table ${table}`,
  };
}

/** A byte string from a message as the UTF-8 text the store keys on. */
const fromBytes = byteStringToUtf8;
