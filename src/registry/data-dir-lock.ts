// One server per data directory: two processes sweeping and pruning the same store would delete each
// other's blobs. The lock file holds the owner's PID; a lock whose process is gone (kill -9) is taken over.
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok, type Result } from '../result.ts';

/** Lock files this process holds: its own PID in a file it did not write is a previous life (PID 1 in a
 *  restarted container), not this process. */
const held = new Set<string>();

/** A held lock: `release` removes the lock file. */
export interface DataDirLock {
  release(): Promise<void>;
}

/** Takes the data directory's lock, or says (for the operator) who holds it. */
export async function lockDataDir(dir: string): Promise<Result<DataDirLock, string>> {
  const path = join(dir, 'lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(path, 'wx', 0o644);
      await file.writeFile(`${process.pid}\n`);
      await file.sync();
      await file.close();
      held.add(path);
      return ok({
        release: async () => {
          held.delete(path);
          await rm(path, { force: true });
        },
      });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
        return err(`cannot lock data_dir ${dir}: ${(e as NodeJS.ErrnoException).code ?? e}`);
    }
    const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    const ours = owner === process.pid && held.has(path);
    if (ours || (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner))) {
      return err(
        `data_dir ${dir} is in use by process ${owner}: stop it or give this server another data_dir`,
      );
    }
    await rm(path, { force: true });
  }
  return err(`cannot lock data_dir ${dir}: another process keeps taking the lock`);
}

/** Whether process `pid` exists (signal 0 checks without sending; EPERM: it exists, owned by another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
