// /etc/hosts before DNS, as the C library's "files dns" order: a next hop named `localhost` or a name the
// operator pinned there resolves as it did with getaddrinfo. Read once when the server starts.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { Answer } from 'dns-packet';
import { ok } from '../result.ts';
import type { DnsQuery } from './dns-client.ts';

/** name (lower case) -> its addresses, from the text of a hosts file. */
export function parseHosts(text: string): Map<string, string[]> {
  const names = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const [address, ...aliases] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (address === undefined || isIP(address) === 0) continue;
    for (const alias of aliases) {
      const name = alias.toLowerCase().replace(/\.$/, '');
      names.set(name, [...(names.get(name) ?? []), address]);
    }
  }
  return names;
}

/** `query`, with A/AAAA questions for names in `hosts` answered from it (TTL `ttlS`). */
export function withHostsFile(query: DnsQuery, hosts: Map<string, string[]>, ttlS: number): DnsQuery {
  return (name, type) => {
    const listed = hosts.get(name.toLowerCase().replace(/\.$/, ''));
    if (listed === undefined || (type !== 'A' && type !== 'AAAA')) return query(name, type);
    const family = type === 'A' ? 4 : 6;
    const answers = listed
      .filter((address) => isIP(address) === family)
      .map((address) => ({ type, name, ttl: ttlS, data: address }) as Answer);
    return Promise.resolve(ok({ rcode: 'NOERROR', answers, authorities: [] }));
  };
}

export function systemHosts(path = '/etc/hosts'): Map<string, string[]> {
  try {
    return parseHosts(readFileSync(path, 'latin1'));
  } catch {
    return new Map();
  }
}
