// Content-addressed component bytes: one file per sha256 under the data directory, or a map in memory when
// the server runs without one. A file write is atomic and durable: temp file, fsync, rename, fsync of the
// directory, so after a crash a blob is either absent or whole; leftovers are swept at open.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { err, OK, type Result } from '../result.ts';

/** Steps of a file write, reported to `onStep` (tests stop the process there to simulate a crash). */
export type WriteStep = 'temp-written' | 'renamed';

/** A blob's check: fine, or what is wrong with it (recorded as the version's problem). */
export type BlobCheck = Result<undefined, string>;

export interface BlobStore {
  /** Where blobs live, for log lines ('memory' without a data directory). */
  readonly where: string;
  /** Stores `bytes` under `sha256` (which the caller computed from them); a no-op when already stored. */
  put(sha256: string, bytes: Uint8Array): Promise<void>;
  /** The bytes, or undefined when missing. The caller checks the hash (the compiler computes it anyway). */
  get(sha256: string): Promise<Uint8Array | undefined>;
  /** Reads the blob back and compares its hash. */
  check(sha256: string): Promise<BlobCheck>;
  delete(sha256: string): Promise<void>;
  list(): Promise<string[]>;
}

const SHA256 = /^[0-9a-f]{64}$/;

export class FileBlobs implements BlobStore {
  readonly where: string;
  readonly #onStep: ((step: WriteStep) => void) | undefined;

  private constructor(dir: string, onStep: ((step: WriteStep) => void) | undefined) {
    this.where = dir;
    this.#onStep = onStep;
  }

  /** Opens (creating) `dir` and removes temp files left by a write that did not finish. */
  static async open(
    dir: string,
    onStep?: (step: WriteStep) => void,
  ): Promise<{ blobs: FileBlobs; swept: number }> {
    await mkdir(dir, { recursive: true });
    let swept = 0;
    for (const name of await readdir(dir)) {
      if (!name.startsWith('.tmp-')) continue;
      await rm(join(dir, name), { force: true });
      swept++;
    }
    return { blobs: new FileBlobs(dir, onStep), swept };
  }

  #path(sha256: string): string {
    if (!SHA256.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return join(this.where, `${sha256}.wasm`);
  }

  async put(sha256: string, bytes: Uint8Array): Promise<void> {
    const path = this.#path(sha256);
    if ((await this.check(sha256)).ok) return;
    const temp = join(
      this.where,
      `.tmp-${process.pid}-${sha256.slice(0, 16)}-${Math.random().toString(36).slice(2)}`,
    );
    const file = await open(temp, 'wx', 0o644);
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    this.#onStep?.('temp-written');
    await rename(temp, path);
    await syncDirectory(this.where);
    this.#onStep?.('renamed');
  }

  async get(sha256: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.#path(sha256));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  /** Streams the file through the hash, so a large blob does not hold the event loop. */
  async check(sha256: string): Promise<BlobCheck> {
    const hash = createHash('sha256');
    try {
      for await (const chunk of createReadStream(this.#path(sha256))) hash.update(chunk as Buffer);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return err(code === 'ENOENT' ? 'file missing' : `unreadable (${code ?? e})`);
    }
    return verdict(sha256, hash.digest('hex'));
  }

  async delete(sha256: string): Promise<void> {
    await rm(this.#path(sha256), { force: true });
  }

  async list(): Promise<string[]> {
    const names = await readdir(this.where);
    return names.filter((n) => n.endsWith('.wasm') && SHA256.test(n.slice(0, -5))).map((n) => n.slice(0, -5));
  }
}

function verdict(sha256: string, actual: string): BlobCheck {
  return actual === sha256 ? OK : err(`content hash is ${actual}`);
}

/** Makes a rename durable: the directory entry is on disk once this returns. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class MemoryBlobs implements BlobStore {
  readonly where = 'memory';
  readonly #blobs = new Map<string, Uint8Array>();

  async put(sha256: string, bytes: Uint8Array): Promise<void> {
    if (!this.#blobs.has(sha256)) this.#blobs.set(sha256, bytes.slice());
  }

  async get(sha256: string): Promise<Uint8Array | undefined> {
    return this.#blobs.get(sha256);
  }

  async check(sha256: string): Promise<BlobCheck> {
    const bytes = this.#blobs.get(sha256);
    if (!bytes) return err('missing');
    return verdict(sha256, createHash('sha256').update(bytes).digest('hex'));
  }

  async delete(sha256: string): Promise<void> {
    this.#blobs.delete(sha256);
  }

  async list(): Promise<string[]> {
    return [...this.#blobs.keys()];
  }
}
