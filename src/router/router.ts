// The path of a message from socket to route and back (DESIGN.md): parse, answer what cannot be parsed,
// stamp received/rport, let the transaction layer take retransmissions, ACKs and responses of known
// transactions, pick the script, run its request (or reply) route with a fresh context, and carry out
// what the route decided, or, when the route failed, the tenant's failure policy on the message as it was
// received. It is the RouteHost the KSR functions call for replies, relays and "is this me".
import type { Logger } from 'pino';
import type { Dispatcher } from '../dispatcher/dispatcher.ts';
import type { DnsServer } from '../dns/dns-client.ts';
import {
  type AccHost,
  type AuthHost,
  type DialogHost,
  type LocationHost,
  leavePretranWhenDone,
  type PermissionsHost,
  PvNames,
  type RouteContext,
  type RouteHost,
  type RtpengineHost,
  ScriptRegexes,
  settleDialog,
} from '../kemi/index.ts';
import { LogLimiter } from '../log-limit.ts';
import {
  addReceived,
  createResponse,
  DEFAULT_EDIT_LIMITS,
  type EditLimits,
  type ParseLimits,
  parseMessage,
  rejectionReply,
  responseBytes,
  SipRequest,
  type SipResponse,
  utf8ToByteString,
} from '../sip/index.ts';
import type { DialogStore } from '../state/dialog-store.ts';
import type { HtableStore, PikeStore } from '../state/index.ts';
import {
  type Clock,
  DEFAULT_TIMER_VALUES,
  DEFAULT_TRANSACTION_CAPS,
  hasLooped,
  loopTag,
  PretranTable,
  type ProxyClientEntry,
  type ProxyTransaction,
  serverKey,
  systemClock,
  type TimerValues,
  type TransactionCapLimits,
} from '../tm/index.ts';
import type { MessageTrace } from '../trace/index.ts';
import type {
  FramingError,
  LocalAddress,
  Resolve,
  SendTarget,
  Source,
  Transport,
} from '../transport/index.ts';
import { countBy, createRouterCounters, type RouterCounters } from './counters.ts';
import { DEFAULT_RESOLVER_LIMITS, type ResolverLimits } from './destination-resolver.ts';
import { DialogByes } from './dialog-bye.ts';
import { defaultGuard, type FailurePolicy, type PolicyOutcome, type ScriptGuard } from './failure-policy.ts';
import { isLocalTag, localToTag } from './local-tag.ts';
import type { Myself } from './myself.ts';
import { type ReplyTargetOptions, replyTarget } from './reply-target.ts';
import { type PolicedRoute, RouteInvoker, scriptContext, scriptOf } from './route-invoker.ts';
import type { Script, ScriptSelector } from './script.ts';
import { ScriptStats } from './script-stats.ts';
import { type AuthorizeDestination, allowAllDestinations, TransactionHost } from './transaction-host.ts';

export interface RouterOptions {
  readonly transport: Transport;
  /** A worker thread's private reply ports, by shared listener (src/router/outbound-interface.ts). */
  readonly replyPorts?: ReadonlyMap<string, LocalAddress>;
  readonly myself: Myself;
  readonly selector: ScriptSelector;
  readonly log: Logger;
  readonly parseLimits?: Partial<ParseLimits>;
  /** Caps on the message a route edits and the reply it builds (config `message_limits`); defaults when absent. */
  readonly editLimits?: Partial<EditLimits>;
  /** Transaction timers (T1, T2, T4, fr, fr_inv, wait ...); the defaults for those absent. */
  readonly timers?: Partial<TimerValues>;
  /** Caps on live transactions and the Retry-After of a refusal (config tm.max_transactions ...). */
  readonly transactionCaps?: Partial<TransactionCapLimits>;
  /** The clock of the transaction timers (virtual time in tests). */
  readonly clock?: Clock;
  /** Kamailio's `#!define` values, read by scripts with kx.get-def: every tenant's. */
  readonly defines?: Readonly<Record<string, string>>;
  /** Defines of one tenant (over `defines`), by tenant. */
  readonly tenantDefines?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Every tenant's htables (KSR.htable); scripts of a tenant reach only its own. None when absent. */
  readonly htables?: HtableStore;
  /** Failure policies, the fail-open version and the circuit breaker; fail-closed 500 when absent. */
  readonly guard?: ScriptGuard;
  /** Decides every relay destination of a tenant's script; all allowed when absent. */
  readonly authorizeDestination?: AuthorizeDestination;
  /** Scripts may relay to the server's own sockets (config relay_to_self); refused when absent. */
  readonly relayToSelf?: boolean;
  /**
   * Resolution of relay destinations' host names: RFC 3263 against `dnsServers` (/etc/resolv.conf's when
   * absent), or A/AAAA from `resolve` (tests); its cache, timeouts and bounds (defaults), and failover.
   */
  readonly resolve?: Resolve;
  readonly dnsServers?: readonly DnsServer[];
  readonly resolverLimits?: Partial<ResolverLimits>;
  readonly dnsFailover?: boolean;
  /** URI parameters for the Record-Route entries of a script's transaction for a request (the registry's
   *  dialog pinning: ";kwv=7.<mac>", signed for the tenant, version and Call-ID). */
  readonly recordRouteParams?: (script: Script, request: SipRequest) => string;
  /** The registrar's location store and per-tenant settings; the registrar functions fail without it. */
  readonly location?: LocationHost;
  /** The permissions address tables (KSR.permissions); the functions answer -1 without them. */
  readonly permissions?: PermissionsHost;
  /** Every tenant's pike table (KSR.pike); pike answers 1 without it. */
  readonly pike?: PikeStore;
  /** Nonces and subscribers of the auth functions; they fail without it. */
  readonly auth?: AuthHost;
  /** The media relay client of the rtpengine functions; they fail without it. */
  readonly rtpengine?: RtpengineHost;
  /** Accounting records and settings (acc); nothing is accounted without it. */
  readonly acc?: AccHost;
  /** Every tenant's dialogs (KSR.dialog); the dialog functions fail without it. */
  readonly dialogs?: DialogStore;
  /** Every tenant's destination sets (KSR.dispatcher); the functions answer -1 without them. */
  readonly dispatcher?: Dispatcher;
  /** Replies follow a Via maddr naming a multicast group (config `multicast_replies`); off when absent. */
  readonly multicastReplies?: boolean;
  /** Rate limit of the lines a peer can cause once per message; default limits when absent. */
  readonly logLimit?: LogLimiter;
  /** Rate limit of the scripts' own log lines, per tenant; unlimited when absent. */
  readonly scriptLogLimit?: LogLimiter;
  /** maxfwd's `max_limit` (config `maxfwd.max_limit`); 70 when absent. */
  readonly maxfwdLimit?: number;
  /** sanity's `noreply` (config `sanity.noreply`); off when absent. */
  readonly sanityNoReply?: boolean;
  /** The message trace: told of every received message and of the script it runs on. None when absent. */
  readonly trace?: MessageTrace;
}

export class Router implements RouteHost {
  readonly counters: RouterCounters = createRouterCounters();
  /** Per tenant and version: requests, replies, route invocations, durations, fuel, failures. */
  readonly scriptStats = new ScriptStats();
  /** The transaction layer: the tm functions' host, its counters and table. */
  readonly tm: TransactionHost;
  /** The htables the KSR functions reach, by the route context's tenant. */
  readonly htables: HtableStore | undefined;
  readonly location: LocationHost | undefined;
  readonly permissions: PermissionsHost | undefined;
  readonly pike: PikeStore | undefined;
  readonly auth: AuthHost | undefined;
  readonly rtpengine: RtpengineHost | undefined;
  readonly acc: AccHost | undefined;
  readonly dialogs: DialogHost | undefined;
  /** The BYEs the server sends for dialogs (dlg_bye, timeouts with send_bye); absent without dialogs. */
  readonly dialogByes: DialogByes | undefined;
  readonly dispatcher: Dispatcher | undefined;
  readonly maxfwdLimit: number | undefined;
  readonly sanityNoReply: boolean;
  readonly pvNames = new PvNames();
  readonly editLimits: EditLimits;
  /** Edits refused by editLimits, by tenant: the counters' table, which the KSR functions count into. */
  readonly editsRefused: Record<string, number>;
  readonly regexes = new ScriptRegexes();
  /** Requests whose route called t-precheck-trans, until they are done with (tmx). */
  readonly pretran = new PretranTable();
  /** The message trace, for KSR siptrace. */
  readonly siptrace: MessageTrace | undefined;
  readonly #transport: Transport;
  readonly #myself: Myself;
  readonly #selector: ScriptSelector;
  readonly #log: Logger;
  /** Rate limit of per-message lines, the peers' and the scripts' (per tenant). */
  readonly logLimit: LogLimiter;
  readonly scriptLogLimit: LogLimiter | undefined;
  readonly #parseLimits: Partial<ParseLimits> | undefined;
  readonly #invoker: RouteInvoker;
  readonly #defines: ReadonlyMap<string, string>;
  readonly #tenantDefines: ReadonlyMap<string, ReadonlyMap<string, string>>;
  readonly #replyOptions: ReplyTargetOptions;
  readonly #trace: MessageTrace | undefined;

  constructor(options: RouterOptions) {
    this.#transport = options.transport;
    this.#trace = options.trace;
    this.siptrace = options.trace;
    this.#myself = options.myself;
    this.#selector = options.selector;
    this.#log = options.log;
    this.logLimit = options.logLimit ?? new LogLimiter();
    this.scriptLogLimit = options.scriptLogLimit;
    this.#parseLimits = options.parseLimits;
    this.editLimits = { ...DEFAULT_EDIT_LIMITS, ...options.editLimits };
    this.editsRefused = this.counters.editsRefused;
    this.#replyOptions = { multicast: options.multicastReplies ?? false };
    this.htables = options.htables;
    this.location = options.location;
    this.permissions = options.permissions;
    this.pike = options.pike;
    this.auth = options.auth;
    this.rtpengine = options.rtpengine;
    this.acc = options.acc;
    this.dispatcher = options.dispatcher;
    this.maxfwdLimit = options.maxfwdLimit;
    this.sanityNoReply = options.sanityNoReply ?? false;
    this.#invoker = new RouteInvoker(this.counters, options.guard ?? defaultGuard, this.scriptStats);
    this.#defines = defineMap(options.defines ?? {});
    this.#tenantDefines = new Map(
      Object.entries(options.tenantDefines ?? {}).map(([tenant, defines]) => [
        tenant,
        new Map([...this.#defines, ...defineMap(defines)]),
      ]),
    );
    this.tm = new TransactionHost({
      transport: options.transport,
      replyPorts: options.replyPorts,
      host: this,
      invoker: this.#invoker,
      counters: this.counters,
      myself: options.myself,
      timers: { ...DEFAULT_TIMER_VALUES, ...options.timers },
      caps: { ...DEFAULT_TRANSACTION_CAPS, ...options.transactionCaps },
      clock: options.clock ?? systemClock,
      authorizeDestination: options.authorizeDestination ?? allowAllDestinations,
      relayToSelf: options.relayToSelf ?? false,
      resolve: options.resolve,
      dnsServers: options.dnsServers,
      dnsFailover: options.dnsFailover,
      resolverLimits: { ...DEFAULT_RESOLVER_LIMITS, ...options.resolverLimits },
      recordRouteParams: options.recordRouteParams ?? (() => ''),
      replyOptions: this.#replyOptions,
      log: options.log,
      logLimit: this.logLimit,
    });
    const store = options.dialogs;
    if (store !== undefined) {
      const byes = new DialogByes({
        transport: options.transport,
        replyPorts: options.replyPorts,
        timing: {
          clock: options.clock ?? systemClock,
          timers: { ...DEFAULT_TIMER_VALUES, ...options.timers },
        },
        refuse: (tenant, hop) => this.tm.refuseFor(tenant, hop),
        log: options.log.child({ layer: 'dialog' }),
        logLimit: this.logLimit,
      });
      this.dialogByes = byes;
      this.dialogs = { store, pin: pinScript, bye: (dialog, side) => byes.bye(dialog, side) };
      // A confirmed dialog whose lifetime ran out: BYE both ways first when the tenant's send_bye asks.
      store.onExpired((dialog) => {
        if (store.settings(dialog.tenant).sendBye) byes.bye(dialog, 'both');
      });
    } else {
      this.dialogByes = undefined;
      this.dialogs = undefined;
    }
  }

  /** Every message the transport hands over. */
  receive(bytes: Buffer, source: Source): void {
    const trace = this.#trace;
    if (trace === undefined || !trace.on) {
      this.#receive(bytes, source, undefined);
      return;
    }
    try {
      this.#receive(bytes, source, trace);
    } finally {
      trace.close();
    }
  }

  #receive(bytes: Buffer, source: Source, trace: MessageTrace | undefined): void {
    const parsed = parseMessage(bytes, {
      datagram: source.proto === 'udp' || source.proto === 'ws' || source.proto === 'wss',
      limits: this.#parseLimits,
    });
    if (trace !== undefined) trace.received(bytes, source, parsed.ok ? parsed.value : undefined);
    if (!parsed.ok) {
      const { error } = parsed;
      countBy(this.counters.parseErrors, error.reason);
      const reply = rejectionReply(error);
      this.logLimit.warn(
        this.#log,
        'unparseable',
        {
          source: `${source.proto}:${source.remote.address}:${source.remote.port}`,
          offset: error.offset,
          header: error.header,
        },
        `unparseable ${error.kind ?? 'message'}: ${error.detail}${reply ? `; answered ${error.status}` : '; dropped'}`,
      );
      if (reply) {
        this.counters.rejected++;
        this.#send(this.#backToSource(source), reply);
      }
      return;
    }
    const msg = parsed.value;
    if (msg instanceof SipRequest) {
      this.counters.requests++;
      addReceived(msg, source.remote);
      this.#onRequest(msg, source, bytes);
    } else {
      this.counters.replies++;
      this.#onReply(msg, source, bytes);
    }
  }

  /** A TCP stream that could not be framed: answer 400 before the transport closes it, when we can. */
  framingError(error: FramingError, source: Source): void {
    countBy(this.counters.parseErrors, error.code);
    const head = error.head && parseMessage(error.head, { datagram: true, limits: this.#parseLimits });
    const request = head?.ok && head.value instanceof SipRequest ? head.value : undefined;
    this.logLimit.warn(
      this.#log,
      'framing-error',
      { connection: source.connectionId },
      `TCP framing error: ${error.message}`,
    );
    if (!request || request.method === 'ACK') return;
    this.counters.rejected++;
    const reply = createResponse(request, 400, error.message.replace(/[\r\n]/g, ' '), {
      toTag: localToTag(request),
    });
    this.#send({ connectionId: source.connectionId! }, reply.toBuffer());
  }

  // ---- RouteHost ------------------------------------------------------------------------------------------

  slReply(ctx: RouteContext, status: number, reason: string): boolean {
    // A failure route answers through its transaction: a stateless reply would race the best response.
    if (ctx.kind === 'failure' && ctx.tm.transaction) return this.tm.reply(ctx, status, reason) > 0;
    const request = ctx.request!;
    if (ctx.answer.forceRport) addReceived(request, ctx.source.remote, true);
    const response = responseBytes(request, status, reason, {
      toTag: status > 100 ? localToTag(request) : undefined,
      headers: overloadHeaders(ctx, status),
      body: ctx.answer.replyBody?.body,
      contentType: ctx.answer.replyBody?.contentType,
    });
    this.counters.localReplies++;
    ctx.answer.replied = status;
    const options = { ...this.#replyOptions, noConnect: ctx.answer.noConnect };
    this.#send(replyTarget(request, ctx.source, options), response, ctx);
    return true;
  }

  sendReply(ctx: RouteContext, status: number, reason: string): boolean {
    return ctx.tm.transaction ? this.tm.reply(ctx, status, reason) > 0 : this.slReply(ctx, status, reason);
  }

  isMyself(host: string, port: number | undefined): boolean {
    return this.#myself.is(host, port);
  }

  getDefine(ctx: RouteContext, name: string): string | undefined {
    const defines = (ctx.tenant !== undefined && this.#tenantDefines.get(ctx.tenant)) || this.#defines;
    return defines.get(name);
  }

  // ---- routing --------------------------------------------------------------------------------------------

  #onRequest(request: SipRequest, source: Source, bytes: Buffer): void {
    const key = serverKey(request);
    if (this.tm.absorb(request, key)) return;
    if (request.method !== 'ACK' && this.#looped(request)) {
      this.#refuseLoop(request, source);
      return;
    }
    if (request.method === 'ACK' && isLocalTag(request.to?.tag)) {
      this.counters.acksAbsorbed++;
      return;
    }
    const script = this.#selector.select(request, source);
    if (script !== undefined) this.#attribute(script);
    if (!script) {
      this.logLimit.warn(
        this.#log,
        'no-tenant',
        { callId: request.callId },
        `no tenant takes ${request.method} ${request.uri}: dropped`,
      );
      return;
    }
    this.scriptStats.request(script);
    const routed = this.#invoker.route(script, this.#requestRoute(request, source, bytes, key));
    if (routed instanceof Promise) void routed.catch((e: unknown) => this.#afterRouteFailed(e, request));
  }

  /**
   * What is left to do after a route that waited (a KSR call answered by a remote store) threw: a bug of
   * the server's, logged; the message is left to its sender's retransmission. Never an unhandled rejection.
   */
  #afterRouteFailed(error: unknown, msg: SipRequest | SipResponse): void {
    this.logLimit.warn(
      this.#log,
      'route-completion-failed',
      { callId: msg.callId, err: error },
      `the work after a route that waited failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }

  /** Settles when the routes that wait for KSR answers now have settled (shutdown waits for them). */
  routesSettled(): Promise<void> {
    return this.#invoker.settled();
  }

  /**
   * The request route, and what is left to do when it returns. When it failed, what it queued (relays, a
   * stateless ACK, reply headers) is discarded with its context, then the tenant's policy applies to the
   * request as received. A route that answered before it failed keeps its answer; an ACK is never answered.
   */
  #requestRoute(request: SipRequest, source: Source, bytes: Buffer, key: string): PolicedRoute<void> {
    const answered = (ctx: RouteContext) =>
      ctx.answer.replied !== undefined || ctx.tm.transaction?.finalStatus !== undefined;
    return {
      route: 'request-route',
      context: (script, retry) => {
        const msg = retry ? (this.#asReceived(bytes, source) as SipRequest) : request;
        const ctx = scriptContext(script, 'request', msg, source, this, () =>
          script.log.child({ callId: msg.callId }),
        );
        ctx.tm.key = key;
        ctx.tm.receivedMaxForwards = msg.maxForwards;
        // A branch carries the hash of the request as received: of a copy taken before the route rewrites
        // anything (a clone shares the parsed text, nothing is copied), hashed only if a transaction is made.
        // An ACK never has a transaction, so no branch of its own to carry it.
        if (msg.method !== 'ACK') {
          const received = msg.clone();
          ctx.tm.deferLoopTag(() => loopTag(received));
        }
        return ctx;
      },
      returned: (ctx) => {
        leavePretranWhenDone(ctx);
        if (ctx.tm.afterRoute) for (const send of ctx.tm.afterRoute) send();
        const ran = scriptOf(ctx);
        if (ctx.answer.replied !== undefined && ran) this.scriptStats.reply(ran, 'local', ctx.answer.replied);
        const tx = ctx.tm.transaction;
        settleDialog(ctx, tx?.relayed ?? false);
        if (tx) {
          tx.startPending();
          // Made, then answered statelessly (t-relay refused, sl-reply-error): nothing will use it; left, it
          // would pin the version and answer 408 at the end of its lifetime.
          if (!tx.relayed && tx.finalStatus === undefined && ctx.answer.replied !== undefined) tx.abandon();
        } else if (ctx.answer.replied === undefined && !ctx.answer.dropped && request.method !== 'ACK') {
          // Refused a transaction by a cap and left unanswered: the 503 the caller must see, or it would
          // retransmit into the same full table (and each retransmission runs the route again).
          if (ctx.tm.overload !== undefined) this.slReply(ctx, 503, 'Service Unavailable');
          else this.counters.unhandled++;
        }
      },
      answered,
      retrying: (ctx) => {
        ctx.tm.pretran?.leave();
        settleDialog(ctx, false);
        ctx.tm.transaction?.abandon();
      },
      failed: (ctx, policy) => {
        ctx.tm.pretran?.leave();
        settleDialog(ctx, false);
        const left = answered(ctx) ? 'none' : policy.mode === 'drop' ? 'drop' : undefined;
        if (left === undefined)
          return { outcome: this.#failClosed(ctx, policy, bytes, source), value: undefined };
        ctx.tm.transaction?.abandon();
        return { outcome: left, value: undefined };
      },
    };
  }

  /** The configured reply: through the transaction the route made, else statelessly. Never to an ACK. */
  #failClosed(ctx: RouteContext, policy: FailurePolicy, bytes: Buffer, source: Source): PolicyOutcome {
    const { status, reason } = policy.reply;
    const tx = ctx.tm.transaction;
    if (tx) {
      tx.reply(status, reason); // drops what t-relay queued
      return 'reply';
    }
    if (ctx.request?.method === 'ACK') return 'none';
    const request = this.#asReceived(bytes, source) as SipRequest;
    const response = responseBytes(request, status, reason, { toTag: localToTag(request) });
    this.counters.localReplies++;
    const options = { ...this.#replyOptions, noConnect: ctx.answer.noConnect };
    this.#send(replyTarget(request, source, options), response, ctx);
    return 'reply';
  }

  /**
   * A response: the reply route runs first (on the transaction's script when the response matches a
   * transaction), as Kamailio's core reply_route does; unless it dropped the response, the transaction
   * takes it, or it is forwarded statelessly by its Via.
   */
  #onReply(received: SipResponse, source: Source, bytes: Buffer): void {
    if (this.dialogByes?.absorb(received, source)) return;
    const entry = this.tm.matchResponse(received);
    const tx = entry?.owner;
    const script = tx ? this.tm.scriptOf(tx) : this.#selector.select(received, source);
    if (script !== undefined) {
      this.#attribute(script);
      this.scriptStats.reply(script, 'received', received.status);
    }
    const response = script
      ? this.#invoker.route(script, this.#replyRoute(received, source, bytes, tx))
      : received;
    if (response instanceof Promise) {
      void response
        .then((r) => this.#afterReplyRoute(r, entry, source))
        .catch((e: unknown) => this.#afterRouteFailed(e, received));
    } else this.#afterReplyRoute(response, entry, source);
  }

  /** A response once the reply route ran: to its transaction, forwarded statelessly, or dropped. */
  #afterReplyRoute(
    response: SipResponse | undefined,
    entry: ProxyClientEntry | undefined,
    source: Source,
  ): void {
    if (response === undefined) this.counters.repliesDropped++;
    else if (entry) this.tm.deliver(entry, response, source);
    else if (!this.tm.forwardStateless(response)) this.counters.repliesDropped++;
  }

  /**
   * The reply route: the response to go on with, or undefined when it is dropped. When the route fails,
   * the response goes on only if fail-open ran the route on the previous version and that kept it (a
   * response is never answered).
   */
  #replyRoute(
    received: SipResponse,
    source: Source,
    bytes: Buffer,
    tx: ProxyTransaction | undefined,
  ): PolicedRoute<SipResponse | undefined> {
    return {
      route: 'reply-route',
      context: (script, retry) => {
        const msg = retry ? (this.#asReceived(bytes, source) as SipResponse) : received;
        const log =
          tx !== undefined && !retry ? () => tx.log : () => script.log.child({ callId: msg.callId });
        const ctx = scriptContext(script, 'reply', msg, source, this, log);
        ctx.tm.transaction = tx;
        return ctx;
      },
      returned: (ctx) => (ctx.answer.dropped ? undefined : ctx.reply),
      failed: () => ({ outcome: 'drop', value: undefined }),
    };
  }

  /** Names the tenant and version of the message being traced. */
  #attribute(script: Script): void {
    const trace = this.#trace;
    if (trace?.on) trace.attribute(script.tenant, script.version);
  }

  /** The message as received, parsed again: what a failed route changed on its copy is not there. */
  #asReceived(bytes: Buffer, source: Source): SipRequest | SipResponse {
    const parsed = parseMessage(bytes, {
      datagram: source.proto === 'udp' || source.proto === 'ws' || source.proto === 'wss',
      limits: this.#parseLimits,
    });
    if (!parsed.ok)
      throw new Error(`a message that parsed once does not parse again: ${parsed.error.detail}`);
    if (parsed.value instanceof SipRequest) addReceived(parsed.value, source.remote);
    return parsed.value;
  }

  /** RFC 3261 16.3 step 4: the request carries a branch of ours minted for this very request. */
  #looped(request: SipRequest): boolean {
    return hasLooped(request, (via) => this.#myself.is(via.host, via.port));
  }

  /** 482 Loop Detected, statelessly: no route runs, so no tenant sees the request a second time. */
  #refuseLoop(request: SipRequest, source: Source): void {
    this.counters.loopsDetected++;
    this.#log.warn(
      { callId: request.callId, source: `${source.proto}:${source.remote.address}:${source.remote.port}` },
      `${request.method} looped back to this server: answered 482`,
    );
    const reply = responseBytes(request, 482, 'Loop Detected', { toTag: localToTag(request) });
    this.counters.localReplies++;
    this.#send(replyTarget(request, source), reply);
  }

  // ---- sending --------------------------------------------------------------------------------------------

  #backToSource(source: Source): SendTarget {
    return { proto: source.proto, ...source.remote, connectionId: source.connectionId, local: source.local };
  }

  /** Sends a reply; a failure is counted and logged with the route's logger (`ctx`), made only then. */
  #send(target: SendTarget, bytes: Buffer, ctx?: RouteContext): void {
    this.#transport.send(target, bytes, (result) => {
      if (result.ok) return;
      this.counters.sendErrors++;
      this.logLimit.warn(
        ctx?.log ?? this.#log,
        'reply-send-failed',
        { kind: result.error.code },
        `send failed: ${result.error.message}`,
      );
    });
  }
}

/**
 * The headers of a stateless reply: the script's (append-to-reply), and for a 503 to a request a
 * transaction cap refused, Retry-After (RFC 3261 21.5.4) unless the script set one itself.
 */
function overloadHeaders(ctx: RouteContext, status: number): ReadonlyArray<readonly [string, string]> {
  const headers = ctx.answer.replyHeaders;
  if (status !== 503 || ctx.tm.overload === undefined) return headers;
  if (headers.some(([name]) => name.toLowerCase() === 'retry-after')) return headers;
  return [...headers, ['Retry-After', String(ctx.tm.overload)]];
}

/** The dialog's hold on the context's module version: released once, however often called. */
function pinScript(ctx: RouteContext): () => void {
  const script = scriptOf(ctx);
  if (script === undefined) return () => {};
  script.pin();
  let held = true;
  return () => {
    if (held) script.unpin();
    held = false;
  };
}

function defineMap(defines: Readonly<Record<string, string>>): Map<string, string> {
  return new Map(
    Object.entries(defines).map(([name, value]) => [utf8ToByteString(name), utf8ToByteString(value)]),
  );
}
