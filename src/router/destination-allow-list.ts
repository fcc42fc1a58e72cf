// A tenant's relay allow-list: where its script may send SIP (every branch, failover, fork and stateless
// ACK passes authorizeDestination, which asks this). Addresses are checked against CIDRs of their own
// family only: IPv4 (and an IPv6 address carrying IPv4, address-family.ts) against IPv4 entries, IPv6
// against IPv6 entries, so `::/0` never admits 127.0.0.1. Host names are checked against name patterns (a
// name is never resolved here: the branch resolves it when it sends, so a listed name is trusted with
// whatever its DNS answers); a name that looks like a number (`127.1`, `0x7f.1`) is no name. The port is
// checked against port ranges.
import { BlockList, isIP } from 'node:net';
import { err, OK, ok, type Result } from '../result.ts';
import { looksNumeric, type NextHop } from '../tm/index.ts';
import { carryingRangesIn, familyAddress } from './address-family.ts';

/** relay_allow as configured. */
export interface AllowListSpec {
  /** Host names: `sip.example.com`, `*.example.com` (any subdomain), `*` (any name); addresses also work. */
  readonly hosts?: readonly string[];
  /** Address ranges: `10.0.0.0/8`, `2001:db8::/32`, or one address. */
  readonly cidrs?: readonly string[];
  /** Ports or ranges (`5060`, `"5060-5080"`); absent: any port. */
  readonly ports?: readonly (number | string)[];
}

/** Whether a tenant may send somewhere; a refusal's error says which part of the list failed (for the log). */
export type AllowDecision = Result<void, string>;

export class DestinationAllowList {
  /** IPv4 entries; IPv6 entries. Two lists: one BlockList would match IPv4 against `::ffff:0:0/96`. */
  readonly #v4 = new BlockList();
  readonly #v6 = new BlockList();
  /** What the operator should know about the list (IPv6 entries covering IPv4-carrying ranges). */
  readonly warnings: string[] = [];
  readonly #names = new Set<string>();
  /** Parent domains of `*.domain` patterns, with their leading dot (".example.com"). */
  readonly #suffixes: string[] = [];
  #anyName = false;
  #ranges: [number, number][] | undefined;
  readonly #text: string;

  private constructor(text: string) {
    this.#text = text;
  }

  /** The list of a tenant without relay_allow: it may not relay anywhere. */
  static nowhere(): DestinationAllowList {
    return new DestinationAllowList('none: the tenant has no relay_allow');
  }

  /** Parses a configured allow-list; the error names the entry (`cidrs[1]: ...`). */
  static parse(spec: AllowListSpec): Result<DestinationAllowList, string> {
    const list = new DestinationAllowList(describe(spec));
    for (const [i, host] of (spec.hosts ?? []).entries()) {
      const error = list.#addHost(host);
      if (error) return err(`hosts[${i}]: ${error}`);
    }
    for (const [i, cidr] of (spec.cidrs ?? []).entries()) {
      const error = list.#addCidr(cidr);
      if (error) return err(`cidrs[${i}]: ${error}`);
    }
    if (spec.ports !== undefined) {
      list.#ranges = [];
      for (const [i, port] of spec.ports.entries()) {
        const range = portRange(port);
        if (!range.ok) return err(`ports[${i}]: ${range.error}`);
        list.#ranges.push(range.value);
      }
    }
    return ok(list);
  }

  /** Whether the tenant may send to `hop`; a refusal says which part failed. */
  check(hop: NextHop): AllowDecision {
    const ranges = this.#ranges;
    if (ranges !== undefined && !ranges.some(([low, high]) => hop.port >= low && hop.port <= high)) {
      return err(`port ${hop.port} is not in relay_allow: ${this.#text}`);
    }
    const ip = familyAddress(hop.host);
    if (ip !== undefined) {
      let inside = false;
      try {
        inside = ip.family === 4 ? this.#v4.check(ip.address, 'ipv4') : this.#v6.check(ip.address, 'ipv6');
      } catch {
        inside = false; // an address BlockList cannot read (a zone id): not on the list
      }
      const as = ip.address === hop.host ? '' : ` (IPv${ip.family} ${ip.address})`;
      return inside ? OK : err(`${hop.host}${as} is not in relay_allow: ${this.#text}`);
    }
    if (looksNumeric(hop.host)) return err(`'${hop.host}' is an address in disguise, not a host name`);
    return this.#nameAllowed(hop.host)
      ? OK
      : err(`host name ${hop.host} is not in relay_allow: ${this.#text}`);
  }

  toString(): string {
    return this.#text;
  }

  #nameAllowed(host: string): boolean {
    if (this.#anyName) return true;
    const name = host.toLowerCase().replace(/\.$/, '');
    if (this.#names.has(name)) return true;
    return this.#suffixes.some((suffix) => name.length > suffix.length && name.endsWith(suffix));
  }

  #addHost(host: string): string | undefined {
    if (isIP(host) !== 0) return this.#addCidr(host);
    if (host === '*') {
      this.#anyName = true;
      return undefined;
    }
    const name = host.toLowerCase();
    if (!/^(\*\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(name)) {
      return `'${host}' is not a host name, *.domain or *`;
    }
    if (looksNumeric(name)) return `'${host}' looks like a number: list addresses in cidrs`;
    if (name.startsWith('*.')) this.#suffixes.push(name.slice(1));
    else this.#names.add(name);
    return undefined;
  }

  #addCidr(cidr: string): string | undefined {
    const slash = cidr.indexOf('/');
    const address = slash < 0 ? cidr : cidr.slice(0, slash);
    const family = isIP(address);
    if (family === 0) return `'${cidr}' is not an address or address/prefix`;
    const max = family === 4 ? 32 : 128;
    const prefix = slash < 0 ? max : Number(cidr.slice(slash + 1));
    if (!/^\d{1,3}$/.test(slash < 0 ? String(max) : cidr.slice(slash + 1)) || prefix > max) {
      return `'${cidr}': the prefix length must be 0 to ${max}`;
    }
    if (family === 4) this.#v4.addSubnet(address, prefix, 'ipv4');
    else {
      this.#v6.addSubnet(address, prefix, 'ipv6');
      const carrying = carryingRangesIn(address, prefix);
      if (carrying.length > 0) {
        this.warnings.push(
          `${cidr} covers ${carrying.join(', ')}: IPv6 addresses there carry IPv4 and are checked as IPv4, against the IPv4 entries only`,
        );
      }
    }
    return undefined;
  }
}

function portRange(port: number | string): Result<[number, number], string> {
  const valid = (n: number) => Number.isInteger(n) && n >= 1 && n <= 65535;
  if (typeof port === 'number')
    return valid(port) ? ok([port, port]) : err(`${port} is not a port (1-65535)`);
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(port);
  if (!m) return err(`'${port}' is not a port or a range such as 5060-5080`);
  const low = Number(m[1]);
  const high = m[2] === undefined ? low : Number(m[2]);
  if (!valid(low) || !valid(high) || high < low) return err(`'${port}' is not a range of ports (1-65535)`);
  return ok([low, high]);
}

function describe(spec: AllowListSpec): string {
  const parts = [
    `hosts ${JSON.stringify(spec.hosts ?? [])}`,
    `cidrs ${JSON.stringify(spec.cidrs ?? [])}`,
    spec.ports === undefined ? 'any port' : `ports ${JSON.stringify(spec.ports)}`,
  ];
  return parts.join(', ');
}
