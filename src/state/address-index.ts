// One tenant's address table in memory, for the permissions functions: entries by family and prefix
// length, each length a Map from the masked network to its entries. A lookup masks the address once per
// length the tenant uses (at most 32 + 128) and reads one Map each, so its cost does not grow with the
// number of entries. Names (entries that are no IP address) are matched as written, as Kamailio's
// domain_name table compares them.
import { FAMILY_BITS, type IpFamily, type IpPrefix, type IpValue, maskValue } from './ip-prefix.ts';

/** One row of the address table (Kamailio's `address` table: grp, ip_addr + mask, port, tag). */
export interface AddressEntry {
  readonly id: number;
  /** Kamailio's grp. */
  readonly group: number;
  /** `10.0.0.0/8`, `192.0.2.7`, `2001:db8::/32`, or a host name. */
  readonly address: string;
  /** 0 matches any port. */
  readonly port: number;
  readonly tag: string | undefined;
}

/** An entry with its address read: a prefix, or a name. */
export type IndexedEntry = AddressEntry & { readonly net: IpPrefix | undefined };

/** Networks by their value: a number for IPv4 (BigInt arithmetic costs ~10x more), a bigint for IPv6. */
type NetworkKey = number | bigint;
type ByNetwork = Map<NetworkKey, IndexedEntry[]>;

interface FamilyIndex {
  /** Prefix lengths in use, longest first: host entries (Kamailio's address hash) are looked at first. */
  lengths: number[];
  byLength: Map<number, ByNetwork>;
}

const portMatches = (entry: AddressEntry, port: number) => entry.port === 0 || entry.port === port;

/** Lower group first, then the older entry: the order every lookup answers in. */
const byGroup = (a: AddressEntry, b: AddressEntry) => a.group - b.group || a.id - b.id;

export class AddressIndex {
  readonly #families: Record<IpFamily, FamilyIndex> = {
    4: { lengths: [], byLength: new Map() },
    6: { lengths: [], byLength: new Map() },
  };
  readonly #names = new Map<string, IndexedEntry[]>();
  readonly size: number;

  constructor(entries: readonly IndexedEntry[]) {
    this.size = entries.length;
    for (const entry of [...entries].sort(byGroup)) {
      if (entry.net === undefined) {
        push(this.#names, entry.address, entry);
        continue;
      }
      const family = this.#families[entry.net.family];
      let networks = family.byLength.get(entry.net.prefix);
      if (networks === undefined) {
        networks = new Map();
        family.byLength.set(entry.net.prefix, networks);
        family.lengths.push(entry.net.prefix);
      }
      push(networks, networkKey(entry.net, entry.net.prefix), entry);
    }
    for (const family of Object.values(this.#families)) family.lengths.sort((a, b) => b - a);
  }

  /** The entry of `group` covering the address and port (Kamailio's allow_address), if any. */
  match(group: number, ip: IpValue, port: number): IndexedEntry | undefined {
    for (const entries of this.#candidates(ip)) {
      const found = entries.find((e) => e.group === group && portMatches(e, port));
      if (found) return found;
    }
    return undefined;
  }

  /**
   * The group of the entries covering the address and port (allow_address_group): a host entry's before a
   * range's, as Kamailio looks in its address hash before its subnet table; among several, the lowest group.
   */
  findGroup(ip: IpValue, port: number): IndexedEntry | undefined {
    let best: IndexedEntry | undefined;
    const host = FAMILY_BITS[ip.family];
    for (const entries of this.#candidates(ip)) {
      const found = entries.find((e) => portMatches(e, port));
      if (found === undefined) continue;
      if (found.net?.prefix === host) return found;
      if (best === undefined || byGroup(found, best) < 0) best = found;
    }
    return best;
  }

  /** The entry of `group` naming `name` and the port, if any. */
  matchName(group: number, name: string, port: number): IndexedEntry | undefined {
    return this.#names.get(name)?.find((e) => e.group === group && portMatches(e, port));
  }

  /** The first entry naming `name` with the port, lowest group first. */
  findGroupByName(name: string, port: number): IndexedEntry | undefined {
    return this.#names.get(name)?.find((e) => portMatches(e, port));
  }

  /** The entry lists whose network covers the address, longest prefix first. */
  *#candidates(ip: IpValue): Generator<IndexedEntry[]> {
    const family = this.#families[ip.family];
    const v4 = ip.family === 4 ? Number(ip.value) : 0;
    for (const length of family.lengths) {
      const key = ip.family === 4 ? v4Network(v4, length) : maskValue(ip.value, 6, length);
      const entries = family.byLength.get(length)!.get(key);
      if (entries !== undefined) yield entries;
    }
  }
}

/** The key of the network of `ip` with `length` prefix bits. */
function networkKey(ip: IpValue, length: number): NetworkKey {
  return ip.family === 4 ? v4Network(Number(ip.value), length) : maskValue(ip.value, 6, length);
}

/** The first `length` bits of an IPv4 address as a number (unsigned: `>>>` would not do at /0 or /32). */
function v4Network(value: number, length: number): number {
  const host = 2 ** (32 - length);
  return value - (value % host);
}

function push<K>(map: Map<K, IndexedEntry[]>, key: K, entry: IndexedEntry): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [entry]);
  else list.push(entry);
}
