// The path of a message from socket to route and back (DESIGN.md): parse, answer what cannot be parsed,
// stamp received/rport, pick the script, run its request route with a fresh context, and carry out what
// the route decided. It is the RouteHost the KSR functions call for replies and "is this me".
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
} from '../sip/index.ts';
import type { FramingError, SendTarget, Source, Transport } from '../transport/index.ts';
import { type CoreCounters, countBy, createCoreCounters } from './counters.ts';
import { isLocalTag, localToTag } from './local-tag.ts';
import type { Myself } from './myself.ts';
import { replyTarget } from './reply-target.ts';
import type { Script, ScriptSelector } from './script.ts';

export interface SipCoreOptions {
  readonly transport: Transport;
  readonly myself: Myself;
  readonly selector: ScriptSelector;
  readonly log: Logger;
  readonly parseLimits?: Partial<ParseLimits>;
}

export class SipCore implements RouteHost {
  readonly counters: CoreCounters = createCoreCounters();
  readonly #transport: Transport;
  readonly #myself: Myself;
  readonly #selector: ScriptSelector;
  readonly #log: Logger;
  readonly #parseLimits: Partial<ParseLimits> | undefined;

  constructor(options: SipCoreOptions) {
    this.#transport = options.transport;
    this.#myself = options.myself;
    this.#selector = options.selector;
    this.#log = options.log;
    this.#parseLimits = options.parseLimits;
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
      this.#onReply(msg);
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
    return this.slReply(ctx, status, reason);
  }

  isMyself(host: string, port: number | undefined, secure: boolean): boolean {
    return this.#myself.is(host, port, secure);
  }

  // ---- routing --------------------------------------------------------------------------------------------

  #onRequest(request: SipRequest, source: Source): void {
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
    ctx.logMeter = script.runner.meter;
    const outcome = script.runner.invoke('request-route', ctx);
    if (!outcome.ok) {
      this.#routeFailed(script, ctx, outcome.cause, outcome.message);
      return;
    }
    if (ctx.replied === undefined && !ctx.dropped) this.counters.unhandled++;
  }

  #onReply(_reply: SipResponse): void {
    // A stateless core has no transaction a reply could belong to.
    this.counters.repliesDropped++;
  }

  /** A failed invocation: logged, counted, and the request answered with 500 unless already answered. */
  #routeFailed(script: Script, ctx: RouteContext, cause: string, message: string): void {
    countBy(this.counters.routeFailures, cause);
    ctx.log.error({ cause }, `route failed: ${message}`);
    const request = ctx.request;
    if (request && ctx.replied === undefined && request.method !== 'ACK') {
      ctx.replyHeaders.length = 0;
      this.slReply(ctx, 500, 'Server Internal Error');
    }
    void script;
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
