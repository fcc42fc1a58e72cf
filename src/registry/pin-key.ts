// The key of the dialog pin MACs (dialog-pin.ts). Dialogs outlive a restart, so the key must too: with a
// data_dir it is 32 random bytes in `<data_dir>/dialog-pin.key` (mode 0600), made on the first start and
// read on every later one (the data dir lock keeps a second process out while it is made). Without a
// data_dir the versions live in memory and die with the process, so the key does as well: random per
// process. Deleting the file rotates the key: dialogs made before it then run on the active version.
import { createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok, type Result } from '../result.ts';

export const PIN_KEY_FILE = 'dialog-pin.key';
const KEY_BYTES = 32;

export interface PinKey {
  readonly key: KeyObject;
  /** The key file, or `process` for a key that lives in memory only. */
  readonly where: string;
}

/** The pin key of `dataDir` (made when absent), or a per-process one without a data dir. */
export async function loadPinKey(dataDir: string | undefined): Promise<Result<PinKey, string>> {
  if (dataDir === undefined) return ok({ key: createSecretKey(randomBytes(KEY_BYTES)), where: 'process' });
  const path = join(dataDir, PIN_KEY_FILE);
  try {
    const bytes = await readFile(path);
    if (bytes.length < KEY_BYTES)
      return err(
        `${path} holds ${bytes.length} bytes, not a ${KEY_BYTES}-byte key: delete it to make a new one`,
      );
    return ok({ key: createSecretKey(bytes), where: path });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      return err(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  const bytes = randomBytes(KEY_BYTES);
  const temp = `${path}.${process.pid}.tmp`;
  try {
    // Written whole and synced before it gets its name: a crash never leaves a short key behind.
    const file = await open(temp, 'wx', 0o600);
    await file.writeFile(bytes);
    await file.sync();
    await file.close();
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    return err(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  return ok({ key: createSecretKey(bytes), where: path });
}
