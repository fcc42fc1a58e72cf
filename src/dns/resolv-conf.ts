// The system's recursive resolvers: the `nameserver` lines of /etc/resolv.conf (port 53), as the C
// library reads them; 127.0.0.1 when the file has none (resolv.conf(5)).
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { err, ok, type Result } from '../result.ts';
import type { DnsServer } from './dns-client.ts';

export function systemDnsServers(path = '/etc/resolv.conf'): DnsServer[] {
  let text = '';
  try {
    text = readFileSync(path, 'latin1');
  } catch {
    text = '';
  }
  const servers: DnsServer[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    const address = m?.[1].replace(/%.*$/, '');
    if (address !== undefined && isIP(address) !== 0) servers.push({ address, port: 53 });
  }
  return servers.length > 0 ? servers : [{ address: '127.0.0.1', port: 53 }];
}

/** `192.0.2.53`, `192.0.2.53:5353`, `[2001:db8::53]:53` or `2001:db8::53`. */
export function parseDnsServer(spec: string): Result<DnsServer, string> {
  if (isIP(spec) !== 0) return ok({ address: spec, port: 53 });
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(spec);
  const address = m?.[1] ?? m?.[2];
  const port = Number(m?.[3]);
  if (address === undefined || isIP(address) === 0 || !(port >= 1 && port <= 65535)) {
    return err(`'${spec}' is not an address or address:port`);
  }
  return ok({ address, port });
}

/** The configured DNS servers (validated by the schema); undefined when none: the system's. */
export function dnsServersOf(specs: readonly string[]): DnsServer[] | undefined {
  if (specs.length === 0) return undefined;
  return specs.flatMap((spec) => {
    const parsed = parseDnsServer(spec);
    return parsed.ok ? [parsed.value] : [];
  });
}
