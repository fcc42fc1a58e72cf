// Host name resolution for listen specs and send targets. Only the OS resolver (A/AAAA via getaddrinfo):
// RFC 3263 NAPTR/SRV selection belongs to the layer that picks targets, not here. Injectable for tests.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { normalizeAddress } from './endpoint.ts';

export type ResolveResult = { ok: true; address: string } | { ok: false; code: string; message: string };

/** Resolves `host` to one IP literal of an allowed family, in the resolver's order of preference. */
export type Resolve = (host: string, families: readonly (4 | 6)[]) => Promise<ResolveResult>;

export const resolveHost: Resolve = async (host, families) => {
  if (isIP(host)) return { ok: true, address: normalizeAddress(host) };
  try {
    const found = await lookup(host, { all: true });
    const usable = found.find((entry) => families.includes(entry.family as 4 | 6));
    if (usable) return { ok: true, address: normalizeAddress(usable.address) };
    return {
      ok: false,
      code: 'ENODATA',
      message: `'${host}' has no IPv${families.join('/IPv')} address (found ${found.map((e) => e.address).join(', ')})`,
    };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'ENOTFOUND';
    return { ok: false, code, message: `cannot resolve '${host}': ${code}` };
  }
};
