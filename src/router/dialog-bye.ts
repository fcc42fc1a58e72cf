// The BYEs the server sends to end a tracked dialog itself (dlg_bye, and the lifetime timeout with
// send_bye), built as Kamailio's dialog module builds them (dlg_req_within.c): from this proxy, in the
// dialog of the party addressed (From and To as that party's peer would send them, its peer's CSeq + 1),
// to the party's Contact over its route set. Each one is a non-INVITE client transaction (retransmitted
// over UDP, given up on timer F); its responses are absorbed here, before any route. A destination is
// checked as every relay is: the tenant's allow-list, never this server's own sockets; a host name is
// not resolved (an IP literal only), so a timer never waits on DNS.
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import type { LogLimiter } from '../log-limit.ts';
import { parseMessage, SipRequest, type SipResponse } from '../sip/index.ts';
import type { DialogLeg, DialogRecord } from '../state/dialog-store.ts';
import {
  hostPort,
  type NextHop,
  NonInviteClientTransaction,
  newBranchId,
  nextHop,
  type TransactionTiming,
} from '../tm/index.ts';
import type { LocalAddress, Source, Transport } from '../transport/index.ts';
import { OutboundInterfaces } from './outbound-interface.ts';

export interface DialogByeOptions {
  readonly transport: Transport;
  readonly timing: TransactionTiming;
  /** Why the tenant may not send to `hop`, or undefined when it may (allow-list, own sockets). */
  readonly refuse: (tenant: string, hop: NextHop) => string | undefined;
  readonly log: Logger;
  /** A worker thread's private reply ports (src/router/outbound-interface.ts). */
  readonly replyPorts?: ReadonlyMap<string, LocalAddress>;
  readonly logLimit: LogLimiter;
}

/** BYEs by outcome, by tenant (metrics). */
export interface ByeCounters {
  sent: Record<string, number>;
  refused: Record<string, number>;
}

export class DialogByes {
  readonly counters: ByeCounters = { sent: {}, refused: {} };
  readonly #options: DialogByeOptions;
  readonly #interfaces: OutboundInterfaces;
  /** Live BYE client transactions by Via branch. */
  readonly #pending = new Map<string, NonInviteClientTransaction>();

  constructor(options: DialogByeOptions) {
    this.#options = options;
    this.#interfaces = new OutboundInterfaces(options.transport, options.replyPorts);
  }

  /** BYE to one side or both; true when at least one was sent. */
  bye(dialog: DialogRecord, side: 'caller' | 'callee' | 'both'): boolean {
    let sent = false;
    if (side !== 'caller') sent = this.#send(dialog, 'callee') || sent;
    if (side !== 'callee') sent = this.#send(dialog, 'caller') || sent;
    return sent;
  }

  /** A response to one of our BYEs: handed to its transaction, true; anything else, false. */
  absorb(response: SipResponse, source: Source): boolean {
    if (response.cseq.method !== 'BYE') return false;
    const branch = response.via.branch;
    const tx = branch === undefined ? undefined : this.#pending.get(branch);
    if (tx === undefined) return false;
    tx.receiveResponse(response, source);
    return true;
  }

  get pending(): number {
    return this.#pending.size;
  }

  #send(dialog: DialogRecord, to: 'caller' | 'callee'): boolean {
    const { log, logLimit } = this.#options;
    const [target, peer] = to === 'callee' ? [dialog.callee, dialog.caller] : [dialog.caller, dialog.callee];
    const refused = (why: string) => {
      countIn(this.counters.refused, dialog.tenant);
      logLimit.warn(
        log,
        'dialog-bye-refused',
        { tenant: dialog.tenant, callId: dialog.callId, to },
        `BYE to the ${to} not sent: ${why}`,
      );
      return false;
    };
    if (target.contact === undefined || target.tag === undefined || peer.tag === undefined)
      return refused('the dialog has no Contact or tag for it yet');
    const hopUri = target.routeSet[0]?.slice(1, -1) ?? target.contact;
    const found = nextHop(hopUri);
    if (!found.ok) return refused(found.error.message);
    const hop = found.value;
    if (isIP(hop.host) === 0) return refused(`'${hop.host}' is not an IP address (names are not resolved)`);
    const why = this.#options.refuse(dialog.tenant, hop);
    if (why !== undefined) return refused(why);
    const near: Source = {
      proto: hop.proto,
      remote: { address: hop.host, port: hop.port },
      local: { address: '', port: 0 },
    };
    const local = this.#interfaces.pick(hop.proto, hop.host, near);
    if (local === undefined) return refused(`no ${hop.proto} listener reaches ${hop.host}`);
    const branch = newBranchId();
    peer.cseq += 1;
    const request = byeRequest(dialog, target, peer, to, {
      via: `SIP/2.0/${hop.proto.toUpperCase()} ${hostPort(local.address, local.viaPort ?? local.port)};branch=${branch}`,
      cseq: peer.cseq,
    });
    if (request === undefined) return refused('the BYE does not parse');
    const { transport } = this.#options;
    const sendTarget = { proto: hop.proto, address: hop.host, port: hop.port, local: local.listener };
    const tx = new NonInviteClientTransaction(
      request,
      { reliable: hop.proto !== 'udp', send: (bytes, done) => transport.send(sendTarget, bytes, done) },
      {
        receiveResponse: (response) =>
          log.debug({ callId: dialog.callId, to, status: response.status }, 'dialog BYE answered'),
        timeout: () => log.info({ callId: dialog.callId, to }, 'dialog BYE unanswered'),
        transportError: (error) =>
          logLimit.warn(log, 'dialog-bye-send', { callId: dialog.callId, to }, `BYE: ${error.message}`),
        terminated: () => this.#pending.delete(branch),
      },
      this.#options.timing,
    );
    this.#pending.set(branch, tx);
    countIn(this.counters.sent, dialog.tenant);
    log.info({ tenant: dialog.tenant, callId: dialog.callId, to }, `dialog ${dialog.id}: BYE to the ${to}`);
    tx.start();
    return true;
  }
}

/** The BYE to `target` as its peer would send it. */
function byeRequest(
  dialog: DialogRecord,
  target: DialogLeg,
  peer: DialogLeg,
  to: 'caller' | 'callee',
  line: { via: string; cseq: number },
): SipRequest | undefined {
  const [fromUri, toUri] = to === 'callee' ? [dialog.fromUri, dialog.toUri] : [dialog.toUri, dialog.fromUri];
  const lines = [
    `BYE ${target.contact} SIP/2.0`,
    `Via: ${line.via}`,
    'Max-Forwards: 70',
    `From: ${fromUri};tag=${peer.tag}`,
    `To: ${toUri};tag=${target.tag}`,
    `Call-ID: ${dialog.callId}`,
    `CSeq: ${line.cseq} BYE`,
    ...target.routeSet.map((route) => `Route: ${route}`),
    'Content-Length: 0',
    '',
    '',
  ];
  const parsed = parseMessage(Buffer.from(lines.join('\r\n'), 'latin1'), { datagram: true });
  return parsed.ok && parsed.value instanceof SipRequest ? parsed.value : undefined;
}

function countIn(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
