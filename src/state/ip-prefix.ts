// IP addresses and prefixes as numbers, for the address table (permissions) and pike: an address is its
// family and its value (32 or 128 bits in a bigint), so a prefix match is one mask and one Map lookup.
// An IPv4-mapped IPv6 address (::ffff:1.2.3.4) is the IPv4 address it maps, as the transport reports a
// source on a dual-stack socket (src/transport/endpoint.ts); every other IPv6 address stays IPv6 and never
// matches an IPv4 entry (nor the reverse), as Kamailio's ip_addr_match_net compares families first.
import { SocketAddress } from 'node:net';
import { err, ok, type Result } from '../result.ts';
import { ipAddressKey } from '../sip/index.ts';

export type IpFamily = 4 | 6;

export interface IpValue {
  readonly family: IpFamily;
  readonly value: bigint;
}

/** An address range: the network (host bits zero) and its prefix length. */
export interface IpPrefix extends IpValue {
  readonly prefix: number;
}

export const FAMILY_BITS: Readonly<Record<IpFamily, number>> = { 4: 32, 6: 128 };

/** `text` (IPv4, IPv6 with or without brackets; a zone id is ignored) as a number; undefined for a name. */
export function parseIp(text: string): IpValue | undefined {
  const key = ipAddressKey(text);
  if (key === undefined) return undefined;
  if (key.includes('.')) {
    let value = 0n;
    for (const part of key.split('.')) value = (value << 8n) | BigInt(Number(part));
    return { family: 4, value };
  }
  let value = 0n;
  for (const group of key.split(':')) value = (value << 16n) | BigInt(Number.parseInt(group, 16));
  return { family: 6, value };
}

/** The first `prefix` bits of `value` (the rest zero). */
export function maskValue(value: bigint, family: IpFamily, prefix: number): bigint {
  const bits = BigInt(FAMILY_BITS[family]);
  const host = bits - BigInt(prefix);
  return (value >> host) << host;
}

/** `10.0.0.0/8`, `2001:db8::/32` or one address (a host prefix); host bits set are cleared. */
export function parsePrefix(text: string): Result<IpPrefix, string> {
  const slash = text.lastIndexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const ip = parseIp(address);
  if (ip === undefined || address.includes('%')) return err(`'${address}' is not an IP address`);
  const bits = FAMILY_BITS[ip.family];
  let prefix = bits;
  if (slash >= 0) {
    const given = text.slice(slash + 1);
    // A mapped IPv6 prefix (::ffff:10.0.0.0/104) counts its bits from the IPv4 part.
    const mapped = ip.family === 4 && address.includes(':') ? 96 : 0;
    prefix = /^\d{1,3}$/.test(given) ? Number(given) - mapped : Number.NaN;
    if (!(prefix >= 1 && prefix <= bits)) {
      return err(`'/${given}' is not a prefix length of IPv${ip.family} (1-${bits + mapped})`);
    }
  }
  return ok({ family: ip.family, value: maskValue(ip.value, ip.family, prefix), prefix });
}

/** The address in its usual spelling: dotted IPv4, compressed lower-case IPv6. */
export function formatIp(ip: IpValue): string {
  if (ip.family === 4) {
    const v = Number(ip.value);
    return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  }
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((ip.value >> shift) & 0xffffn).toString(16));
  return new SocketAddress({ address: groups.join(':'), family: 'ipv6' }).address;
}

/** `10.0.0.0/8`, or the bare address for a host prefix. */
export function formatPrefix(p: IpPrefix): string {
  return p.prefix === FAMILY_BITS[p.family] ? formatIp(p) : `${formatIp(p)}/${p.prefix}`;
}
