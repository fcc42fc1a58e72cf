// NAT keepalive (Kamailio 5.6's nathelper natping timer): every natping_interval the server pings the
// registered contacts a NAT sits in front of, so the NAT keeps the binding's mapping open and requests
// reach the UA. A binding saved with sipping_bflag gets a SIP request (OPTIONS by default), the others four
// zero octets, as Kamailio's; only UDP contacts are pinged, at their received address when they have one.
// Replies to the SIP pings are recognised by their Call-ID, absorbed before any route runs, and counted;
// with keepalive_timeout a SIP-pinged binding that stops answering is removed (usrloc's keepalive). Each
// tenant gets at most max_pings_per_interval pings a round; the next round goes on where it stopped.
// Sent from the server's own UDP listeners, only where the tenant may relay (relay_allow) and never to the
// server itself; the timer runs under the callback guard.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { CallbackGuard } from '../callback-guard.ts';
import { parseMessage, parseUri, SipResponse } from '../sip/index.ts';
import { andThen, type LocationBackend, type PingEntry } from '../state/index.ts';
import type { Timer } from '../tm/clock.ts';
import type { OutboundInterface } from '../tm/index.ts';
import type { SendTarget } from '../transport/index.ts';
import type { SendDone } from '../transport/send-result.ts';

export interface NatPingSettings {
  /** Milliseconds between rounds; 0: no keepalive. */
  readonly intervalMs: number;
  /** ping_nated_only: only bindings whose flags hold natFlag. */
  readonly natOnly: boolean;
  /** nat_bflag, sipping_bflag and natping_disable_bflag as bit masks (0: unset). */
  readonly natFlag: number;
  readonly sipFlag: number;
  readonly disableFlag: number;
  /** sipping_from and sipping_method. */
  readonly from: string;
  readonly method: string;
  /** keepalive_timeout in milliseconds; 0 removes nothing. */
  readonly keepaliveTimeoutMs: number;
  /** max_pings_per_interval: pings per tenant and round. */
  readonly maxPerTenant: number;
}

/** What the keepalive needs of the transport: the UDP listener toward a host, and a send. */
export interface PingTransport {
  /** The UDP listener for `host` and the concrete address that names it (outbound-interface.ts). */
  pick(host: string): OutboundInterface | undefined;
  /** Whether `tenant` may send to host:port (its relay_allow; never the server itself). */
  allowed(tenant: string, host: string, port: number): boolean;
  send(target: SendTarget, bytes: Buffer, done: SendDone): void;
}

export type PingEvent = 'sent' | 'failed' | 'refused' | 'replied' | 'capped' | 'removed';

const SIP_PORT = 5060;
const ZEROES = Buffer.alloc(4);

interface Pending {
  readonly tenant: string;
  readonly key: string;
  readonly round: number;
}

export class NatKeepalive {
  /** Pings sent and failed, replies absorbed, rounds cut at the cap, bindings removed: by tenant. */
  readonly counts: Record<string, Record<PingEvent, number>> = {};
  readonly #settings: NatPingSettings;
  readonly #store: LocationBackend;
  readonly #transport: PingTransport;
  readonly #log: Logger;
  readonly #now: () => number;
  /** The fixed part of every ping's Call-ID: what marks a reply as one to a ping. */
  readonly #callIdPrefix = `natping-${randomBytes(6).toString('hex')}`;
  readonly #fromTag = randomBytes(6).toString('hex');
  #counter = 0;
  #round = 0;
  readonly #cursor = new Map<string, number>();
  /** Pings of this round and the last, by Call-ID: older ones are forgotten unanswered. */
  readonly #pending = new Map<string, Pending>();
  /** When a binding last answered a SIP ping (keepalive_timeout), by tenant/table/aor/contact. */
  readonly #answered = new Map<string, number>();

  constructor(settings: NatPingSettings, store: LocationBackend, transport: PingTransport, log: Logger) {
    this.#settings = settings;
    this.#store = store;
    this.#transport = transport;
    this.#log = log;
    this.#now = store.now;
  }

  /** Starts the rounds; undefined when natping_interval is 0. */
  start(timers: CallbackGuard): Timer | undefined {
    if (this.#settings.intervalMs <= 0) return undefined;
    return timers.interval('natping', this.#settings.intervalMs, () => this.round());
  }

  /** One round: every tenant with bindings gets its batch pinged. */
  round(): void {
    this.#round++;
    for (const [callId, p] of this.#pending) if (p.round < this.#round - 1) this.#pending.delete(callId);
    for (const tenant of Object.keys(this.#store.countsByTenant())) this.#pingTenant(tenant);
  }

  /**
   * True when `bytes` is a reply to one of our SIP pings (one Via, the ping's method in CSeq, our Call-ID):
   * it is counted and goes no further, as Kamailio's sipping_rpl_filter absorbs it.
   */
  absorb(bytes: Buffer): boolean {
    if (this.#settings.intervalMs <= 0 || bytes.indexOf(this.#callIdPrefix) < 0) return false;
    const parsed = parseMessage(bytes.toString('latin1'), { datagram: true });
    if (!parsed.ok || !(parsed.value instanceof SipResponse)) return false;
    const reply = parsed.value;
    if (reply.getAll('Via').length !== 1 || reply.cseq.method !== this.#settings.method) return false;
    const pending = this.#pending.get(reply.callId);
    if (pending === undefined) return reply.callId.startsWith(`${this.#callIdPrefix}-`);
    this.#pending.delete(reply.callId);
    this.#count(pending.tenant, 'replied');
    if (this.#settings.keepaliveTimeoutMs > 0) this.#answered.set(pending.key, this.#now());
    return true;
  }

  #count(tenant: string, event: PingEvent): void {
    this.counts[tenant] ??= { sent: 0, failed: 0, refused: 0, replied: 0, capped: 0, removed: 0 };
    this.counts[tenant][event]++;
  }

  #pingTenant(tenant: string): void {
    const s = this.#settings;
    // The embedded store answers at once, a Redis one later (it counts and logs its own failures).
    andThen(this.#store.pingBatch(tenant, this.#cursor.get(tenant) ?? 0, s.maxPerTenant), (batch) => {
      // A full batch: more may follow, the next round starts after it; a short one: start over next round.
      if (batch.length === s.maxPerTenant) {
        this.#cursor.set(tenant, batch[batch.length - 1].id);
        this.#count(tenant, 'capped');
      } else this.#cursor.delete(tenant);
      for (const entry of batch) this.#ping(tenant, entry);
    });
  }

  #ping(tenant: string, entry: PingEntry): void {
    const s = this.#settings;
    if (s.natOnly && (entry.flags & s.natFlag) === 0) return;
    if ((entry.flags & s.disableFlag) !== 0) return;
    const target = parseUri(entry.received ?? entry.contact);
    if (target === undefined || target.scheme === 'tel') return;
    const transport = target.params.get('transport')?.toLowerCase();
    if (transport !== undefined && transport !== 'udp') return;
    const host = target.host.replace(/^\[(.*)\]$/, '$1');
    const port = target.port ?? SIP_PORT;
    if (!this.#transport.allowed(tenant, host, port)) {
      this.#count(tenant, 'refused');
      return;
    }
    const out = this.#transport.pick(host);
    if (out === undefined) return;
    const sip = (entry.flags & s.sipFlag) !== 0 || (!s.natOnly && s.sipFlag !== 0);
    const key = `${tenant}\n${entry.table}\n${entry.aor}\n${entry.contact}`;
    if (sip && s.keepaliveTimeoutMs > 0) {
      const last = Math.max(this.#answered.get(key) ?? 0, entry.updatedAt);
      if (this.#now() - last > s.keepaliveTimeoutMs) {
        this.#answered.delete(key);
        andThen(
          this.#store.removeStale(tenant, entry.table, entry.aor, entry.contact, entry.updatedAt),
          (removed) => {
            if (!removed) return;
            this.#count(tenant, 'removed');
            this.#log.info(
              { tenant, aor: entry.aor, contact: entry.contact },
              'natping: binding removed, no reply within keepalive_timeout',
            );
          },
        );
        return;
      }
    }
    let bytes = ZEROES;
    if (sip) {
      const named = out.address.includes(':') ? `[${out.address}]` : out.address;
      const callId = `${this.#callIdPrefix}-${(this.#counter++).toString(16)}@${named}`;
      bytes = Buffer.from(this.#options(entry.contact, callId, `${named}:${out.port}`), 'latin1');
      this.#pending.set(callId, { tenant, key, round: this.#round });
    }
    this.#transport.send({ proto: 'udp', address: host, port, local: out.listener }, bytes, (result) =>
      this.#count(tenant, result.ok ? 'sent' : 'failed'),
    );
  }

  /** The SIP ping, as Kamailio's build_sipping writes it. */
  #options(contact: string, callId: string, via: string): string {
    const s = this.#settings;
    const branch = `z9hG4bK${randomBytes(6).toString('hex')}`;
    const from = s.from.includes('<') ? s.from : `<${s.from}>`;
    return [
      `${s.method} ${contact} SIP/2.0`,
      `Via: SIP/2.0/UDP ${via};branch=${branch}`,
      `From: ${from};tag=${this.#fromTag}`,
      `To: <${contact}>`,
      `Call-ID: ${callId}`,
      `CSeq: 1 ${s.method}`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
  }
}
