// The secret that seals digest nonces (state/nonces.ts). Given in the configuration (`auth.secret`, or the
// variable `auth.secret_env`), it is shared by every server given it (a client may then answer a
// challenge of one server to another). Else it is made once and kept in `auth-secret` in the data dir
// (mode 0600), so a restart does not make every nonce in flight invalid; without a data dir it is random
// per process.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { err, ok, type Result } from '../result.ts';

const SECRET_BYTES = 32;
export const SECRET_FILE = 'auth-secret';

export interface SecretSource {
  /** From the configuration or its environment variable. */
  readonly given: string | undefined;
  readonly dataDir: string | undefined;
}

export function loadAuthSecret(source: SecretSource): Result<Uint8Array> {
  if (source.given !== undefined) return ok(Buffer.from(source.given, 'utf8'));
  if (source.dataDir === undefined) return ok(randomBytes(SECRET_BYTES));
  const file = join(source.dataDir, SECRET_FILE);
  try {
    const text = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(text))
      return err(`${file}: expected 64 hex digits; remove it to make a new secret`);
    return ok(Buffer.from(text, 'hex'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      return err(`cannot read ${file}: ${(error as Error).message}`);
  }
  const secret = randomBytes(SECRET_BYTES);
  try {
    // 'wx': two servers racing on one data dir cannot both write (the data dir lock normally prevents it).
    writeFileSync(file, `${secret.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    return err(`cannot write ${file}: ${(error as Error).message}`);
  }
  return ok(secret);
}
