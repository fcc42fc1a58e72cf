// Dispatcher health checks (Kamailio's ds_check_timer / ds_ping_set / ds_options_callback): every
// ds_ping_interval each tenant's destinations that ds_probing_mode selects get an OPTIONS (ds_ping_method,
// From ds_ping_from or the destination's ping_from attribute); a final reply 2xx or one of
// ds_ping_reply_codes counts as alive, any other, or none before the next round (a timeout, counted as
// 408), as a failure, and ds_probing_threshold / ds_inactive_threshold turn those into state changes.
// Bounded and sent as the NAT keepalive's pings are (src/router/nat-keepalive.ts, its PingTransport): at
// most max_pings_per_interval per tenant and round (the next round goes on where it stopped), over UDP from
// the server's own listeners, only where the tenant may relay (relay_allow) and never to the server itself.
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type { CallbackGuard } from '../callback-guard.ts';
import type { PingTransport } from '../router/nat-keepalive.ts';
import { parseMessage, parseUri, SipResponse } from '../sip/index.ts';
import type { Timer } from '../tm/clock.ts';
import { DS_PROBING, DS_TRYING } from './destination-set.ts';
import type { Dispatcher } from './dispatcher.ts';
import { DS_PROBE_NONE, type TenantDispatcher } from './tenant-dispatcher.ts';

export interface ProberSettings {
  /** ds_ping_interval in ms; 0: no probing. */
  readonly intervalMs: number;
  /** max_pings_per_interval. */
  readonly maxPerTenant: number;
}

interface Pending {
  readonly tenant: string;
  readonly set: number;
  readonly uri: string;
  readonly round: number;
}

export class DispatcherProber {
  readonly #dispatcher: Dispatcher;
  readonly #transport: PingTransport;
  readonly #settings: ProberSettings;
  /** What marks a reply as one to a probe. */
  readonly #callIdPrefix = `dsping-${randomBytes(6).toString('hex')}`;
  readonly #fromTag = randomBytes(6).toString('hex');
  #counter = 0;
  #round = 0;
  readonly #pending = new Map<string, Pending>();
  /** Where the next round of a tenant cut at the cap starts: the index over its destinations. */
  readonly #cursor = new Map<string, number>();

  constructor(dispatcher: Dispatcher, transport: PingTransport, settings: ProberSettings) {
    this.#dispatcher = dispatcher;
    this.#transport = transport;
    this.#settings = settings;
  }

  /** Starts the rounds; undefined when ds_ping_interval is 0. */
  start(timers: CallbackGuard): Timer | undefined {
    if (this.#settings.intervalMs <= 0) return undefined;
    return timers.interval('dispatcher-probe', this.#settings.intervalMs, () => this.round());
  }

  /** One round: unanswered probes of the last one time out, then every tenant gets its batch. */
  round(): void {
    this.#round++;
    for (const [callId, p] of this.#pending) {
      if (p.round >= this.#round) continue;
      this.#pending.delete(callId);
      this.#dispatcher.count(p.tenant, 'probe_timeout');
      this.#dispatcher.tenant(p.tenant).probeAnswered(p.set, p.uri, 408);
    }
    for (const t of this.#dispatcher.active) this.#probeTenant(t);
  }

  #probeTenant(t: TenantDispatcher): void {
    const due = [...t.sets.values()].flatMap((set) => set.list.filter((d) => t.wantsProbe(d)));
    const start = Math.min(this.#cursor.get(t.name) ?? 0, due.length);
    const batch = due.slice(start, start + this.#settings.maxPerTenant);
    if (start + batch.length < due.length) {
      this.#cursor.set(t.name, start + batch.length);
      this.#dispatcher.count(t.name, 'probe_capped');
    } else this.#cursor.delete(t.name);
    for (const d of batch) this.#probe(t, d.set, d.uri, d.attrs.pingFrom || t.settings.pingFrom);
  }

  #probe(t: TenantDispatcher, set: number, uri: string, from: string): void {
    const target = parseUri(uri);
    if (target === undefined || target.scheme === 'tel') return;
    const transport = target.params.get('transport')?.toLowerCase();
    if (transport !== undefined && transport !== 'udp') return;
    const host = target.host.replace(/^\[(.*)\]$/, '$1');
    // A host name would need a DNS lookup per probe; such destinations keep the state the script gives them.
    if (isIP(host) === 0) return;
    const port = target.port ?? (target.scheme === 'sips' ? 5061 : 5060);
    if (!this.#transport.allowed(t.name, host, port)) {
      this.#dispatcher.count(t.name, 'probe_refused');
      return;
    }
    const out = this.#transport.pick(host);
    if (out === undefined) {
      this.#sendFailed(t, set, uri);
      return;
    }
    const named = out.address.includes(':') ? `[${out.address}]` : out.address;
    const callId = `${this.#callIdPrefix}-${(this.#counter++).toString(16)}@${named}`;
    this.#pending.set(callId, { tenant: t.name, set, uri, round: this.#round });
    const bytes = Buffer.from(this.#options(t, uri, from, callId, `${named}:${out.port}`), 'latin1');
    this.#transport.send({ proto: 'udp', address: host, port, local: out.listener }, bytes, (sent) => {
      if (sent.ok) return this.#dispatcher.count(t.name, 'probe_sent');
      this.#pending.delete(callId);
      this.#sendFailed(t, set, uri);
    });
  }

  /** ds_ping_set when t_request fails: trying (and probing), as a 500. */
  #sendFailed(t: TenantDispatcher, set: number, uri: string): void {
    this.#dispatcher.count(t.name, 'probe_failed');
    const state = DS_TRYING | (t.settings.probingMode !== DS_PROBE_NONE ? DS_PROBING : 0);
    t.updateState(set, uri, state, 'sending the probe failed');
  }

  /**
   * True when `bytes` is a reply to one of our probes (our Call-ID): a final one settles the probe; the
   * reply goes no further, as tm keeps the replies of its own requests.
   */
  absorb(bytes: Buffer): boolean {
    if (this.#settings.intervalMs <= 0 || bytes.indexOf(this.#callIdPrefix) < 0) return false;
    const parsed = parseMessage(bytes.toString('latin1'), { datagram: true });
    if (!parsed.ok || !(parsed.value instanceof SipResponse)) return false;
    const reply = parsed.value;
    if (!reply.callId.startsWith(`${this.#callIdPrefix}-`)) return false;
    const pending = this.#pending.get(reply.callId);
    if (pending === undefined || reply.status < 200) return true;
    this.#pending.delete(reply.callId);
    this.#dispatcher.tenant(pending.tenant).probeAnswered(pending.set, pending.uri, reply.status);
    return true;
  }

  /** The probe, as tm's t_request writes an OPTIONS to the destination URI. */
  #options(t: TenantDispatcher, uri: string, from: string, callId: string, via: string): string {
    const method = t.settings.pingMethod;
    const branch = `z9hG4bK${randomBytes(6).toString('hex')}`;
    return [
      `${method} ${uri} SIP/2.0`,
      `Via: SIP/2.0/UDP ${via};branch=${branch}`,
      'Max-Forwards: 70',
      `From: <${from}>;tag=${this.#fromTag}`,
      `To: <${uri}>`,
      `Call-ID: ${callId}`,
      `CSeq: 10 ${method}`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
  }
}
