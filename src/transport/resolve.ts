// Host name resolution for listen specs and send targets. Only the OS resolver (A/AAAA via getaddrinfo):
// RFC 3263 NAPTR/SRV selection belongs to the layer that picks targets, not here. Injectable for tests.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { err, ok, type Result } from '../result.ts';
import { normalizeAddress } from './endpoint.ts';

/** The resolver's own error code (`ENOTFOUND`, `EAI_AGAIN`, `ENODATA` ...), mapped by the sender to a send error. */
export interface ResolveError {
  readonly systemCode: string;
  readonly message: string;
}

/** Resolves `host` to one IP literal of an allowed family, in the resolver's order of preference. */
export type Resolve = (host: string, families: readonly (4 | 6)[]) => Promise<Result<string, ResolveError>>;

export const resolveHost: Resolve = async (host, families) => {
  if (isIP(host)) return ok(normalizeAddress(host));
  try {
    const found = await lookup(host, { all: true });
    const usable = found.find((entry) => families.includes(entry.family as 4 | 6));
    if (usable) return ok(normalizeAddress(usable.address));
    return err({
      systemCode: 'ENODATA',
      message: `'${host}' has no IPv${families.join('/IPv')} address (found ${found.map((e) => e.address).join(', ')})`,
    });
  } catch (error) {
    const systemCode = (error as NodeJS.ErrnoException).code ?? 'ENOTFOUND';
    return err({ systemCode, message: `cannot resolve '${host}': ${systemCode}` });
  }
};
