// The path of a message from socket to route and back (DESIGN.md): parse, answer what cannot be parsed,
// stamp received/rport, let the transaction layer take retransmissions, ACKs and responses of known
// transactions, pick the script, run its request (or reply) route with a fresh context, and carry out
// what the route decided. It is the RouteHost the KSR functions call for replies, relays and "is this me".
import type { Logger } from 'pino';
import { RouteContext as Context, type RouteContext, type RouteHost } from '../kemi/index.ts';
import {
  addReceived,
  createResponse,
  type ParseLimits,
  parseMessage,
  rejectionReply,
  SipRequest,
  type SipResponse,
  utf8ToByteString,
} from '../sip/index.ts';
import { type Clock, DEFAULT_TIMER_VALUES, serverKey, systemClock, type TimerValues } from '../tm/index.ts';
import type { FramingError, SendTarget, Source, Transport } from '../transport/index.ts';
import { type CoreCounters, countBy, createCoreCounters } from './counters.ts';
import { isLocalTag, localToTag } from './local-tag.ts';
import type { Myself } from './myself.ts';
import { replyTarget } from './reply-target.ts';
import { RouteInvoker } from './route-invoker.ts';
import type { Script, ScriptSelector } from './script.ts';
import { type AuthorizeDestination, allowAllDestinations, TransactionHost } from './transaction-host.ts';

export interface SipCoreOptions {
  readonly transport: Transport;
  readonly myself: Myself;
  readonly selector: ScriptSelector;
  readonly log: Logger;
  readonly parseLimits?: Partial<ParseLimits>;
  /** Transaction timers (T1, T2, T4, fr, fr_inv, wait ...); the defaults for those absent. */
  readonly timers?: Partial<TimerValues>;
  /** The clock of the transaction timers (virtual time in tests). */
  readonly clock?: Clock;
  /** Kamailio's `#!define` values, read by scripts with kx.get-def. */
  readonly defines?: Readonly<Record<string, string>>;
  /** Decides every relay destination of a tenant's script; all allowed when absent. */
  readonly authorizeDestination?: AuthorizeDestination;
  /** URI parameters for a script's Record-Route entries (the registry's dialog pinning: ";kwv=7"). */
  readonly recordRouteParams?: (script: Script) => string;
}

export class SipCore implements RouteHost {
  readonly counters: CoreCounters = createCoreCounters();
  /** The transaction layer: the tm functions' host, its counters and table. */
  readonly tm: TransactionHost;
  readonly #transport: Transport;
  readonly #myself: Myself;
  readonly #selector: ScriptSelector;
  readonly #log: Logger;
  readonly #parseLimits: Partial<ParseLimits> | undefined;
  readonly #invoker: RouteInvoker;
  readonly #defines: ReadonlyMap<string, string>;

  constructor(options: SipCoreOptions) {
    this.#transport = options.transport;
    this.#myself = options.myself;
    this.#selector = options.selector;
    this.#log = options.log;
    this.#parseLimits = options.parseLimits;
    this.#invoker = new RouteInvoker(this.counters);
    this.#defines = new Map(
      Object.entries(options.defines ?? {}).map(([name, value]) => [
        utf8ToByteString(name),
        utf8ToByteString(value),
      ]),
    );
    this.tm = new TransactionHost({
      transport: options.transport,
      host: this,
      invoker: this.#invoker,
      myself: options.myself,
      timers: { ...DEFAULT_TIMER_VALUES, ...options.timers },
      clock: options.clock ?? systemClock,
      authorizeDestination: options.authorizeDestination ?? allowAllDestinations,
      recordRouteParams: options.recordRouteParams ?? (() => ''),
      log: options.log,
    });
  }

  /** Every message the transport hands over. */
  receive(bytes: Buffer, source: Source): void {
    const parsed = parseMessage(bytes, { datagram: source.proto === 'udp', limits: this.#parseLimits });
    if (!parsed.ok) {
      const { error } = parsed;
      countBy(this.counters.parseErrors, error.reason);
      const reply = rejectionReply(error);
      this.#log.warn(
        {
          source: `${source.proto}:${source.remote.address}:${source.remote.port}`,
          offset: error.offset,
          header: error.header,
        },
        `unparseable ${error.kind ?? 'message'}: ${error.detail}${reply ? `; answered ${error.status}` : '; dropped'}`,
      );
      if (reply) {
        this.counters.rejected++;
        this.#send(this.#backToSource(source), reply, this.#log);
      }
      return;
    }
    const msg = parsed.message;
    if (msg instanceof SipRequest) {
      this.counters.requests++;
      addReceived(msg, source.remote);
      this.#onRequest(msg, source);
    } else {
      this.counters.replies++;
      this.#onReply(msg, source);
    }
  }

  /** A TCP stream that could not be framed: answer 400 before the transport closes it, when we can. */
  framingError(error: FramingError, source: Source): void {
    countBy(this.counters.parseErrors, error.kind);
    const head = error.head && parseMessage(error.head, { datagram: true, limits: this.#parseLimits });
    const request = head?.ok && head.message instanceof SipRequest ? head.message : undefined;
    this.#log.warn({ connection: source.connectionId }, `TCP framing error: ${error.reason}`);
    if (!request || request.method === 'ACK') return;
    this.counters.rejected++;
    const reply = createResponse(request, 400, error.reason.replace(/[\r\n]/g, ' '), {
      toTag: localToTag(request),
    });
    this.#send({ connectionId: source.connectionId! }, reply.toBuffer(), this.#log);
  }

  // ---- RouteHost ------------------------------------------------------------------------------------------

  slReply(ctx: RouteContext, status: number, reason: string): boolean {
    // A failure route answers through its transaction: a stateless reply would race the best response.
    if (ctx.kind === 'failure' && ctx.transaction) return this.tm.reply(ctx, status, reason) > 0;
    const request = ctx.request!;
    if (ctx.forceRport) addReceived(request, ctx.source.remote, true);
    const response = createResponse(request, status, reason, {
      toTag: status > 100 ? localToTag(request) : undefined,
      headers: ctx.replyHeaders,
    });
    this.counters.localReplies++;
    ctx.replied = status;
    this.#send(replyTarget(request, ctx.source), response.toBuffer(), ctx.log);
    return true;
  }

  sendReply(ctx: RouteContext, status: number, reason: string): boolean {
    return ctx.transaction ? this.tm.reply(ctx, status, reason) > 0 : this.slReply(ctx, status, reason);
  }

  isMyself(host: string, port: number | undefined, secure: boolean): boolean {
    return this.#myself.is(host, port, secure);
  }

  getDefine(_ctx: RouteContext, name: string): string | undefined {
    return this.#defines.get(name);
  }

  // ---- routing --------------------------------------------------------------------------------------------

  #onRequest(request: SipRequest, source: Source): void {
    const key = serverKey(request);
    if (this.tm.absorb(request, key)) return;
    if (request.method === 'ACK' && isLocalTag(request.to?.tag)) {
      this.counters.acksAbsorbed++;
      return;
    }
    const script = this.#selector.select(request, source);
    if (!script) {
      this.#log.warn({ callId: request.callId }, `no tenant takes ${request.method} ${request.uri}: dropped`);
      return;
    }
    const ctx = new Context('request', request, source, this, script.log.child({ callId: request.callId }));
    ctx.transactionKey = key;
    ctx.receivedMaxForwards = request.maxForwards;
    this.tm.bind(ctx, script);
    const ok = this.#invoker.invoke(script, 'request-route', ctx);
    this.tm.bind(undefined, undefined);
    const tx = ctx.transaction;
    if (!ok) this.#routeFailed(ctx);
    else if (tx) tx.startPending();
    else if (ctx.replied === undefined && !ctx.dropped && request.method !== 'ACK') this.counters.unhandled++;
  }

  /**
   * A response: the reply route runs first (on the transaction's script when the response matches a
   * transaction), as Kamailio's core reply_route does; unless it dropped the response, the transaction
   * takes it, or it is forwarded statelessly by its Via.
   */
  #onReply(response: SipResponse, source: Source): void {
    const entry = this.tm.matchResponse(response);
    const tx = entry?.owner;
    const script = tx ? this.tm.scriptOf(tx) : this.#selector.select(response, source);
    if (script) {
      const ctx = new Context(
        'reply',
        response,
        source,
        this,
        tx?.log ?? script.log.child({ callId: response.callId }),
      );
      ctx.transaction = tx;
      this.#invoker.invoke(script, 'reply-route', ctx);
      if (ctx.dropped) {
        this.counters.repliesDropped++;
        return;
      }
    }
    if (entry) this.tm.deliver(entry, response, source);
    else if (!this.tm.forwardStateless(response)) this.counters.repliesDropped++;
  }

  /** A failed request route: the request is answered with 500 unless it was answered already. */
  #routeFailed(ctx: RouteContext): void {
    const request = ctx.request;
    if (!request || request.method === 'ACK' || ctx.replied !== undefined) return;
    ctx.replyHeaders.length = 0;
    const tx = ctx.transaction;
    if (tx === undefined) this.slReply(ctx, 500, 'Server Internal Error');
    else if (tx.finalStatus === undefined) tx.reply(500, 'Server Internal Error'); // drops what t-relay queued
  }

  // ---- sending --------------------------------------------------------------------------------------------

  #backToSource(source: Source): SendTarget {
    return { proto: source.proto, ...source.remote, connectionId: source.connectionId, local: source.local };
  }

  #send(target: SendTarget, bytes: Buffer, log: Logger): void {
    void this.#transport.send(target, bytes).then((result) => {
      if (result.ok) return;
      this.counters.sendErrors++;
      log.warn({ kind: result.error.kind }, `send failed: ${result.error.message}`);
    });
  }
}
