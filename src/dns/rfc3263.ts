// RFC 3263 4: the ordered targets of a SIP URI's host name. A port given: the name's A/AAAA addresses. A
// transport given without a port: its SRV records (_sip._udp, _sip._tcp), else A/AAAA on the default port.
// Neither: the name's NAPTR records for the SIP services this server has listeners for ("s" flag,
// by order then preference), each leading to SRV records; no NAPTR: SRV for each transport in turn (the
// first that has records, as Kamailio's dns_srv_sip_resolve); no SRV: A/AAAA on 5060 over UDP. SRV records
// go by priority, and within one by RFC 2782's weighted random pick. The whole list is what a branch may
// fail over through (4.3), bounded by `maxTargets`.

import { isIP } from 'node:net';
import type { Answer, NaptrData, SrvData } from 'dns-packet';
import { err, ok, type Result } from '../result.ts';
import type { Proto } from '../transport/index.ts';
import type { Lookup } from './dns-cache.ts';

export interface TargetQuery {
  readonly host: string;
  /** The URI's port, if it gave one. */
  readonly port?: number;
  /** The URI's transport parameter, if it gave one. */
  readonly proto?: Proto;
}

/** One place to send to: an address (IP literal), the port and transport, and the name it came from. */
export interface DnsTarget {
  readonly proto: Proto;
  readonly address: string;
  readonly port: number;
  readonly name: string;
}

export interface TargetOptions {
  /** Transports this server sends over, in the order tried without NAPTR. */
  readonly protos: readonly Proto[];
  readonly families: readonly (4 | 6)[];
  readonly maxTargets: number;
  /** [0, 1): the SRV weight draw (seeded in tests). */
  readonly random: () => number;
}

export type LookupFn = (name: string, type: 'A' | 'AAAA' | 'SRV' | 'NAPTR') => Promise<Lookup>;

// RFC 3263 4.1 and RFC 7118 11: each service names a transport; one the server has no listener for (TLS,
// WebSocket, SCTP here) is discarded, as 4.1 asks, and taken once such a listener exists.
const NAPTR_SERVICES: Record<string, string> = {
  'sip+d2u': 'udp',
  'sip+d2t': 'tcp',
  'sips+d2t': 'tls',
  'sip+d2w': 'ws',
  'sips+d2w': 'wss',
  'sip+d2s': 'sctp',
};
const SRV_PREFIX: Record<string, string> = { udp: '_sip._udp', tcp: '_sip._tcp', tls: '_sips._tcp' };

/** The targets of `query`, best first; an error when none (no record, or every lookup failed). */
export async function resolveTargets(
  query: TargetQuery,
  lookup: LookupFn,
  options: TargetOptions,
): Promise<Result<DnsTarget[], string>> {
  const host = query.host.replace(/\.$/, '');
  if (query.port !== undefined) {
    return addresses(host, query.proto ?? 'udp', query.port, lookup, options);
  }
  if (query.proto !== undefined && SRV_PREFIX[query.proto] !== undefined) {
    const srv = await srvTargets(host, query.proto, lookup, options);
    if (!srv.ok || srv.value.length > 0) return srv;
    return addresses(host, query.proto, defaultPort(query.proto), lookup, options);
  }
  // A transport with no SRV convention (WebSocket): the name's addresses on the default port.
  if (query.proto !== undefined)
    return addresses(host, query.proto, defaultPort(query.proto), lookup, options);
  const naptr = await lookup(host, 'NAPTR');
  const services = naptr.ok ? naptrServices(naptr.value, options.protos) : [];
  const rounds: { proto: Proto; replacement: string }[][] =
    services.length > 0
      ? [services]
      : options.protos
          .filter((proto) => SRV_PREFIX[proto] !== undefined)
          .map((proto) => [{ proto, replacement: `${SRV_PREFIX[proto]}.${host}` }]);
  for (const round of rounds) {
    const targets: DnsTarget[] = [];
    for (const s of round) {
      const found = await srvTargets(host, s.proto, lookup, options, s.replacement);
      if (found.ok) targets.push(...found.value);
      if (targets.length >= options.maxTargets) break;
    }
    if (targets.length > 0 || services.length > 0) {
      return targets.length > 0
        ? ok(targets.slice(0, options.maxTargets))
        : err(`${host}: no usable SRV target`);
    }
  }
  return addresses(host, 'udp', 5060, lookup, options);
}

/** RFC 3261 19.1.2: 5061 for SIP over TLS, 5060 otherwise. */
function defaultPort(proto: Proto): number {
  return (proto as string) === 'tls' ? 5061 : 5060;
}

/** NAPTR records for services we speak, in order then preference (RFC 3403), as SRV names. */
export function naptrServices(
  records: readonly Answer[],
  protos: readonly Proto[],
): { proto: Proto; replacement: string }[] {
  const usable: (NaptrData & { proto: Proto })[] = [];
  for (const r of records) {
    if (r.type !== 'NAPTR') continue;
    const proto = NAPTR_SERVICES[r.data.services.toLowerCase()] as Proto | undefined;
    if (proto === undefined || !protos.includes(proto) || r.data.flags.toLowerCase() !== 's') continue;
    usable.push({ ...r.data, proto });
  }
  usable.sort((a, b) => a.order - b.order || a.preference - b.preference);
  return usable.map((r) => ({ proto: r.proto, replacement: r.replacement.replace(/\.$/, '') }));
}

/** SRV records by priority, each priority's by RFC 2782's weighted random selection. */
export function orderSrv(records: readonly SrvData[], random: () => number): SrvData[] {
  const byPriority = new Map<number, SrvData[]>();
  for (const r of records) {
    const p = r.priority ?? 0;
    byPriority.set(p, [...(byPriority.get(p) ?? []), r]);
  }
  const ordered: SrvData[] = [];
  for (const p of [...byPriority.keys()].sort((a, b) => a - b)) {
    // RFC 2782: zero weights first, then repeatedly a random number in [0, sum] picks the first record
    // whose running sum of weights reaches it.
    const left = [...byPriority.get(p)!].sort((a, b) => (a.weight ?? 0) - (b.weight ?? 0));
    while (left.length > 0) {
      const total = left.reduce((sum, r) => sum + (r.weight ?? 0), 0);
      const draw = Math.floor(random() * (total + 1));
      let running = 0;
      let pick = left.length - 1;
      for (let i = 0; i < left.length; i++) {
        running += left[i].weight ?? 0;
        if (running >= draw) {
          pick = i;
          break;
        }
      }
      ordered.push(left.splice(pick, 1)[0]);
    }
  }
  return ordered;
}

async function srvTargets(
  host: string,
  proto: Proto,
  lookup: LookupFn,
  options: TargetOptions,
  name = `${SRV_PREFIX[proto]}.${host}`,
): Promise<Result<DnsTarget[], string>> {
  const srv = await lookup(name, 'SRV');
  if (!srv.ok) return srv;
  const records = srv.value.flatMap((r) => (r.type === 'SRV' ? [r.data] : []));
  // A single target "." says the service is not offered here (RFC 2782).
  const offered = records.filter((r) => r.target !== '' && r.target !== '.');
  if (records.length > 0 && offered.length === 0)
    return err(`${name}: the service is not offered here (".")`);
  const targets: DnsTarget[] = [];
  for (const r of orderSrv(offered, options.random)) {
    if (targets.length >= options.maxTargets) break;
    const found = await addresses(r.target.replace(/\.$/, ''), proto, r.port, lookup, options);
    if (found.ok) targets.push(...found.value);
  }
  if (targets.length === 0 && offered.length > 0) return err(`${name}: no SRV target has an address`);
  return ok(targets);
}

async function addresses(
  host: string,
  proto: Proto,
  port: number,
  lookup: LookupFn,
  options: TargetOptions,
): Promise<Result<DnsTarget[], string>> {
  if (isIP(host) !== 0) return ok([{ proto, address: host, port, name: host }]);
  const targets: DnsTarget[] = [];
  const errors: string[] = [];
  for (const family of options.families) {
    const found = await lookup(host, family === 4 ? 'A' : 'AAAA');
    if (!found.ok) errors.push(found.error);
    else
      for (const r of found.value) {
        if ((r.type === 'A' || r.type === 'AAAA') && typeof r.data === 'string')
          targets.push({ proto, address: r.data, port, name: host });
      }
  }
  if (targets.length > 0) return ok(targets.slice(0, options.maxTargets));
  return err(
    errors.length > 0 ? errors.join('; ') : `'${host}' has no IPv${options.families.join('/IPv')} address`,
  );
}
