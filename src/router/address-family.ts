// Which family an address really is, for the relay allow-list. An IPv6 address can carry an IPv4 address
// that the kernel or the network delivers to IPv4: IPv4-mapped (::ffff:0:0/96, a dual-stack socket sends
// it as IPv4), IPv4-translated (::ffff:0:0:0/96, SIIT), NAT64 (64:ff9b::/96) and the deprecated
// IPv4-compatible form (::/96). Such a destination is checked as the IPv4 address it carries, against IPv4
// entries only; an IPv6 entry covering those ranges (::/0 does) would otherwise admit every IPv4 address.
import { isIP } from 'node:net';
import { ipv6Groups } from '../sip/index.ts';

/** An IP destination as the allow-list checks it. */
export interface FamilyAddress {
  readonly family: 4 | 6;
  readonly address: string;
}

/** The /96 ranges whose last 32 bits are an IPv4 address, with their names for the load warning. */
export const IPV4_CARRYING_RANGES: readonly { readonly name: string; readonly groups: readonly number[] }[] =
  [
    { name: '::ffff:0:0/96 (IPv4-mapped)', groups: [0, 0, 0, 0, 0, 0xffff] },
    { name: '::ffff:0:0:0/96 (IPv4-translated)', groups: [0, 0, 0, 0, 0xffff, 0] },
    { name: '64:ff9b::/96 (NAT64)', groups: [0x64, 0xff9b, 0, 0, 0, 0] },
    { name: '::/96 (IPv4-compatible)', groups: [0, 0, 0, 0, 0, 0] },
  ];

/** `host` (an IP literal, IPv6 with or without brackets) as the family it reaches; undefined for a name. */
export function familyAddress(host: string): FamilyAddress | undefined {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const family = isIP(bare);
  if (family === 4) return { family: 4, address: bare };
  if (family !== 6) return undefined;
  const groups = ipv6Groups(bare.replace(/%.*$/, ''));
  if (groups === undefined) return { family: 6, address: bare };
  const carried = carriedIPv4(groups);
  return carried === undefined ? { family: 6, address: bare } : { family: 4, address: carried };
}

/** The IPv4 address in the last 32 bits when `groups` is in one of the IPv4-carrying ranges. */
function carriedIPv4(groups: readonly number[]): string | undefined {
  const range = IPV4_CARRYING_RANGES.find((r) => r.groups.every((g, i) => groups[i] === g));
  if (range === undefined) return undefined;
  // ::/128 and ::1 are IPv6's own unspecified and loopback addresses, not IPv4-compatible ones.
  if (range.groups[5] === 0 && range.groups[0] === 0 && groups[6] === 0 && groups[7] <= 1) return undefined;
  return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
}

/** The IPv4-carrying ranges an IPv6 prefix overlaps (for a warning at load: IPv4 entries decide those). */
export function carryingRangesIn(address: string, prefix: number): string[] {
  const groups = ipv6Groups(address);
  if (groups === undefined) return [];
  const bits = Math.min(prefix, 96);
  return IPV4_CARRYING_RANGES.filter((r) => samePrefix(groups, [...r.groups, 0, 0], bits)).map((r) => r.name);
}

function samePrefix(a: readonly number[], b: readonly number[], bits: number): boolean {
  for (let i = 0; i < 8 && bits > 0; i++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if ((a[i] & mask) !== (b[i] & mask)) return false;
  }
  return true;
}
