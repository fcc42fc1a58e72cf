// The ScriptSelector the router asks for every request: tenant by socket and domain, then the tenant's active
// version (or, for an in-dialog request whose own Route entry carries a verified pin of a version still in
// its grace period, that one: dialog-pin.ts). A message
// no tenant takes goes to the configured `unmatched` tenant or is refused statelessly; so is a message of a
// tenant that has no version yet (503), and one of a tenant whose circuit breaker left it fail-closed (the
// tenant's fail-closed reply, without running its script).
import type { Script, ScriptSelector } from '../router/script.ts';
import { SipRequest, type SipResponse } from '../sip/index.ts';
import type { Source } from '../transport/index.ts';
import type { DialogPins, IsOwnUri, PinRefusal } from './dialog-pin.ts';
import type { ManagedScript } from './managed-script.ts';
import type { Registry } from './registry.ts';
import type { TenantMatcher } from './tenant-matcher.ts';

/** Sends a stateless reply to a request the registry will not route (never called for ACK or replies). */
export type Refuse = (request: SipRequest, source: Source, status: number, reason: string) => void;

export interface SelectorCounters {
  /** Requests no tenant matched, answered per `unmatched` (or given to its tenant). */
  unmatched: number;
  /** Requests of a tenant without an active version, answered 503. */
  noVersion: number;
  /** In-dialog requests run on the version their Route named rather than the active one. */
  dialogPinned: number;
  /**
   * In-dialog requests whose pin was ignored (they ran on the active version): `unverified` (forged, or
   * minted for another dialog or tenant), `not-ours` (in a Route entry that does not name this server),
   * `revoked` (a version removed for failing).
   */
  dialogPinRefused: Record<PinRefusal, number>;
  /** Requests answered fail-closed because the tenant's circuit breaker tripped with no version left. */
  failClosed: number;
}

export interface SelectorOptions {
  /** Where versions come from: the registry, or a worker thread's copy of it (src/workers/worker-scripts.ts). */
  readonly registry: Pick<Registry, 'active' | 'dialogScript'>;
  readonly matcher: TenantMatcher;
  readonly unmatched: { readonly tenant: string } | { readonly reply: number };
  /** Tenants with dialog pinning on (dialog grace period above 0). */
  readonly dialogTenants: ReadonlySet<string>;
  /** Verifies the pins in Route entries (the key the Record-Route entries were signed with). */
  readonly pins: DialogPins;
  /** Whether a Route URI names this server: only our own entry carries our pin. */
  readonly isOwnUri: IsOwnUri;
  readonly refuse: Refuse;
}

export class RegistrySelector implements ScriptSelector {
  readonly counters: SelectorCounters = {
    unmatched: 0,
    noVersion: 0,
    dialogPinned: 0,
    dialogPinRefused: { unverified: 0, 'not-ours': 0, revoked: 0 },
    failClosed: 0,
  };
  readonly #registry: Pick<Registry, 'active' | 'dialogScript'>;
  readonly #matcher: TenantMatcher;
  readonly #unmatchedTenant: string | undefined;
  readonly #unmatchedReply: number;
  readonly #dialogTenants: ReadonlySet<string>;
  readonly #pins: DialogPins;
  readonly #isOwnUri: IsOwnUri;
  readonly #refuse: Refuse;

  constructor(options: SelectorOptions) {
    this.#registry = options.registry;
    this.#matcher = options.matcher;
    this.#unmatchedTenant = 'tenant' in options.unmatched ? options.unmatched.tenant : undefined;
    this.#unmatchedReply = 'reply' in options.unmatched ? options.unmatched.reply : 404;
    this.#dialogTenants = options.dialogTenants;
    this.#pins = options.pins;
    this.#isOwnUri = options.isOwnUri;
    this.#refuse = options.refuse;
  }

  select(msg: SipRequest | SipResponse, source: Source): Script | undefined {
    let tenant = this.#matcher.match(msg, source);
    if (tenant === undefined) {
      this.counters.unmatched++;
      tenant = this.#unmatchedTenant;
      if (tenant === undefined) {
        this.#refuseRequest(
          msg,
          source,
          this.#unmatchedReply,
          this.#unmatchedReply === 403 ? 'Forbidden' : 'Not Found',
        );
        return undefined;
      }
    }
    let script: ManagedScript | undefined;
    if (this.#dialogTenants.has(tenant) && msg instanceof SipRequest) script = this.#pinned(msg, tenant);
    script ??= this.#registry.active(tenant);
    if (!script) {
      this.counters.noVersion++;
      this.#refuseRequest(msg, source, 503, 'Service Unavailable');
      return undefined;
    }
    const blocked = script.blocked;
    if (blocked) {
      this.counters.failClosed++;
      this.#refuseRequest(msg, source, blocked.status, blocked.reason);
      return undefined;
    }
    return script;
  }

  /** The version a verified pin names, while it takes dialogs; undefined (counted when refused) else. */
  #pinned(request: SipRequest, tenant: string): ManagedScript | undefined {
    const claim = this.#pins.claim(request, tenant, this.#isOwnUri);
    if (claim.kind === 'none') return undefined;
    if (claim.kind === 'refused') {
      this.counters.dialogPinRefused[claim.reason]++;
      return undefined;
    }
    const script = this.#registry.dialogScript(tenant, claim.version);
    if (script === 'revoked') {
      this.counters.dialogPinRefused.revoked++;
      return undefined;
    }
    if (script) this.counters.dialogPinned++;
    return script;
  }

  #refuseRequest(msg: SipRequest | SipResponse, source: Source, status: number, reason: string): void {
    if (msg instanceof SipRequest && msg.method !== 'ACK') this.#refuse(msg, source, status, reason);
  }
}
