// The message trace: every SIP message received and sent, seen once. The router opens a record when it
// takes a message from the transport and names its tenant and version once it has picked the script; the
// transport reports every message it hands to a socket (its wire tap). What is recorded goes to three
// places: a log line (`debug`: who, where, what; `trace`: with the text), the recent-trace store of the
// tenant (admin API) and the HEP collector, the last two for the tenants in the trace scope.
//
// Off costs one boolean test per message: `on` is worked out when the log level changes, never per
// message, and no record, string or field object is built while it is false.
//
// Order: a message sent while a received one is being routed (a relay, a reply) is held until the router
// closes the received one, so the record of a request always comes before the records it caused. A
// message sent later (a retransmission, a relay after DNS) takes the tenant of its Call-ID as received;
// a Call-ID seen for two tenants is attributed to neither, so one tenant's caller cannot pull another
// tenant's messages into its own trace by reusing a Call-ID.
import type { Logger } from 'pino';
import type { SipTraceHost } from '../kemi/index.ts';
import type { SipRequest, SipResponse } from '../sip/index.ts';
import type { Endpoint, Proto, Source } from '../transport/index.ts';
import { endpointText, redactedText, type TraceRecord, traceRecord } from './trace-record.ts';
import type { TraceRing } from './trace-ring.ts';

/** Where traced messages of the tenants in scope are exported (the HEP client). */
export interface TraceExport {
  capture(record: TraceRecord, text: string): void;
}

export type TraceScope =
  | { readonly all: true }
  | { readonly all: false; readonly tenants: ReadonlySet<string> };

export interface MessageTraceOptions {
  readonly log: Logger;
  /** The logger of a tenant's trace lines (its level override, log-levels.ts); `log` when absent. */
  readonly tenantLog?: (tenant: string) => Logger;
  /** Whether some tenant's override turns `debug` on while `log` is not at debug. */
  readonly anyTenantDebug?: boolean;
  readonly scope: TraceScope;
  readonly ring: TraceRing;
  readonly export?: TraceExport;
  /** Replace bodies in the text of log lines, the store and the export (config trace.redact_bodies). */
  readonly redactBodies: boolean;
  /** Call-IDs remembered for the attribution of later sends. */
  readonly callIdMemory?: number;
}

interface Attribution {
  readonly tenant: string;
  readonly version: number;
}

/** A Call-ID seen for two tenants: attributed to none. */
const AMBIGUOUS = null;

/** Transactions a script asked to trace (sip-trace-mode "t"), remembered at most. */
const MAX_TRACED_TRANSACTIONS = 10_000;

export class MessageTrace implements SipTraceHost {
  /** True when anything would be recorded: tested before any work per message. */
  on = false;
  readonly #options: MessageTraceOptions;
  readonly #scopeOn: boolean;
  /** The received message being routed, and what was sent meanwhile. */
  #open: TraceRecord[] | undefined;
  readonly #callIds = new Map<string, Attribution | typeof AMBIGUOUS>();
  readonly #callIdMemory: number;
  /** "Call-ID CSeq-number" of the transactions a script traces, with their tenant. */
  readonly #tracedTransactions = new Map<string, string>();

  constructor(options: MessageTraceOptions) {
    this.#options = options;
    this.#scopeOn = options.scope.all || options.scope.tenants.size > 0;
    this.#callIdMemory = options.callIdMemory ?? 10_000;
    this.#update();
    options.log.on('level-change', () => this.#update());
  }

  #update(): void {
    // With a collector, scripts may capture (KSR siptrace) whatever the scope: records must exist.
    this.on =
      this.#scopeOn ||
      this.#options.export !== undefined ||
      this.#options.anyTenantDebug === true ||
      this.#options.log.isLevelEnabled('debug');
  }

  /** Whether messages of `tenant` go to the store and the export. */
  inScope(tenant: string | undefined): boolean {
    const { scope } = this.#options;
    return scope.all || (tenant !== undefined && scope.tenants.has(tenant));
  }

  // ---- the router's side ------------------------------------------------------------------------------------

  /** A message taken from the transport; `parsed` when it parsed. Only while `on`. */
  received(bytes: Buffer, source: Source, parsed: SipRequest | SipResponse | undefined): void {
    if (this.#open !== undefined) this.close();
    this.#open = [traceRecord('in', source.proto, source.local, source.remote, bytes, parsed)];
  }

  /** The script the received message runs on. */
  attribute(tenant: string, version: number): void {
    const record = this.#open?.[0];
    if (record === undefined) return;
    record.tenant = tenant;
    record.version = version;
  }

  /** The received message is routed: it and what it caused are written out. */
  close(): void {
    const open = this.#open;
    if (open === undefined) return;
    this.#open = undefined;
    const received = open[0];
    if (received.tenant === undefined) this.#fromCallId(received);
    else this.#remember(received.callId, received.tenant, received.version ?? 0);
    for (const record of open) {
      if (record.tenant === undefined && received.tenant !== undefined && record.callId === received.callId) {
        record.tenant = received.tenant;
        record.version = received.version;
      }
      if (record.tenant === undefined) this.#fromCallId(record);
      this.#emit(record);
    }
  }

  /** KSR siptrace: the received message being routed for `tenant`, and with "t" its transaction. */
  capture(tenant: string, mode: 'm' | 't'): boolean {
    const record = this.#open?.[0];
    if (this.#options.export === undefined || record === undefined || record.tenant !== tenant) return false;
    record.forced = true;
    if (mode === 't' && record.callId !== '') {
      if (this.#tracedTransactions.size >= MAX_TRACED_TRANSACTIONS) {
        const oldest = this.#tracedTransactions.keys().next();
        if (!oldest.done) this.#tracedTransactions.delete(oldest.value);
      }
      this.#tracedTransactions.set(transactionOf(record), tenant);
    }
    return true;
  }

  // ---- the transport's side ---------------------------------------------------------------------------------

  /** Bytes handed to a socket. */
  sent(bytes: Buffer, proto: Proto, local: Endpoint, remote: Endpoint): void {
    if (!this.on) return;
    const record = traceRecord('out', proto, local, remote, bytes);
    if (this.#open !== undefined) {
      this.#open.push(record);
      return;
    }
    this.#fromCallId(record);
    this.#emit(record);
  }

  // ---- recording --------------------------------------------------------------------------------------------

  #fromCallId(record: TraceRecord): void {
    const known = this.#callIds.get(record.callId);
    if (!known) return;
    record.tenant = known.tenant;
    record.version = known.version;
  }

  #remember(callId: string, tenant: string, version: number): void {
    if (callId === '') return;
    const known = this.#callIds.get(callId);
    if (known === AMBIGUOUS) return;
    if (known !== undefined) {
      if (known.tenant !== tenant) this.#callIds.set(callId, AMBIGUOUS);
      else if (known.version !== version) this.#callIds.set(callId, { tenant, version });
      return;
    }
    if (this.#callIds.size >= this.#callIdMemory) {
      const oldest = this.#callIds.keys().next();
      if (!oldest.done) this.#callIds.delete(oldest.value);
    }
    this.#callIds.set(callId, { tenant, version });
  }

  #emit(record: TraceRecord): void {
    const { tenant } = record;
    const log =
      tenant !== undefined && this.#options.tenantLog ? this.#options.tenantLog(tenant) : this.#options.log;
    const keep =
      this.inScope(tenant) ||
      record.forced ||
      (tenant !== undefined &&
        this.#tracedTransactions.size > 0 &&
        this.#tracedTransactions.get(transactionOf(record)) === tenant);
    const withText = log.isLevelEnabled('trace');
    if (!keep && !withText && !log.isLevelEnabled('debug')) return;
    const text = keep || withText ? redactedText(record.bytes, this.#options.redactBodies) : '';
    if (withText || log.isLevelEnabled('debug')) {
      const fields = {
        dir: record.direction,
        proto: record.proto,
        local: endpointText(record.proto, record.local),
        remote: endpointText(record.proto, record.remote),
        what: record.what,
        callId: record.callId,
        cseq: record.cseq,
        tenant,
        version: record.version,
        branch: record.branch,
      };
      const line = `${record.direction === 'in' ? 'received' : 'sent'} ${record.firstLine}`;
      if (withText) log.trace({ ...fields, text }, line);
      else log.debug(fields, line);
    }
    if (!keep) return;
    if (tenant !== undefined) this.#options.ring.push(tenant, record);
    this.#options.export?.capture(record, text);
  }
}

/** A transaction as siptrace's "t" mode follows it: Call-ID and CSeq number (its ACK and CANCEL share it). */
function transactionOf(record: TraceRecord): string {
  return `${record.callId} ${record.cseq.split(' ')[0]}`;
}
