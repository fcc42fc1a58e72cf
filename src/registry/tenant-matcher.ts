// Which tenant owns a message: the first tenant (in configuration order) whose sockets include the one the
// message arrived on and whose domains include the request-URI host. An empty list matches anything.
import { SipRequest, type SipResponse } from '../sip/index.ts';
import type { Source } from '../transport/index.ts';
import type { TenantSpec } from './tenant-spec.ts';

/** A bound listener as the transport reports it (`Transport.localAddresses`). */
export interface BoundSocket {
  readonly proto: string;
  readonly address: string;
  readonly port: number;
  /** The listen spec as written in the configuration. */
  readonly spec: string;
}

interface SocketRule {
  readonly proto: string;
  readonly address: string;
  readonly port: number;
  /** A wildcard listener: TCP connections report the concrete local address, so match proto and port. */
  readonly wildcard: boolean;
}

interface Rule {
  readonly tenant: string;
  readonly sockets: readonly SocketRule[];
  readonly exact: ReadonlySet<string>;
  /** `.example.com` for `*.example.com`. */
  readonly suffixes: readonly string[];
  readonly anyDomain: boolean;
}

export class TenantMatcher {
  readonly #rules: readonly Rule[];
  /** The single catch-all tenant when it is the only rule: no per-message work. */
  readonly #only: string | undefined;

  constructor(tenants: readonly TenantSpec[], bound: readonly BoundSocket[]) {
    this.#rules = tenants.map((t) => ({
      tenant: t.name,
      sockets: t.sockets.flatMap((spec) =>
        bound
          .filter((b) => b.spec === spec)
          .map((b) => ({
            proto: b.proto,
            address: b.address,
            port: b.port,
            wildcard: b.address === '0.0.0.0' || b.address === '::',
          })),
      ),
      exact: new Set(t.domains.filter((d) => !d.startsWith('*.'))),
      suffixes: t.domains.filter((d) => d.startsWith('*.')).map((d) => d.slice(1)),
      anyDomain: t.domains.length === 0,
    }));
    const first = this.#rules[0];
    this.#only =
      this.#rules.length === 1 && first.anyDomain && tenants[0].sockets.length === 0
        ? first.tenant
        : undefined;
  }

  match(msg: SipRequest | SipResponse, source: Source): string | undefined {
    if (this.#only !== undefined) return this.#only;
    let host: string | undefined;
    for (const rule of this.#rules) {
      if (rule.sockets.length > 0 && !rule.sockets.some((s) => socketMatches(s, source))) continue;
      if (rule.anyDomain) return rule.tenant;
      host ??= requestHost(msg);
      if (host === undefined) continue;
      if (rule.exact.has(host) || rule.suffixes.some((suffix) => host!.endsWith(suffix))) return rule.tenant;
    }
    return undefined;
  }
}

function socketMatches(rule: SocketRule, source: Source): boolean {
  if (rule.proto !== source.proto || rule.port !== source.local.port) return false;
  return rule.wildcard || rule.address === source.local.address;
}

/** The request-URI host, lower case and without IPv6 brackets; undefined for replies. */
function requestHost(msg: SipRequest | SipResponse): string | undefined {
  if (!(msg instanceof SipRequest)) return undefined;
  const host = msg.parsedUri?.host;
  if (!host) return undefined;
  return (host.startsWith('[') ? host.slice(1, -1) : host).toLowerCase();
}
