// The transaction layer on the message path (RFC 3261 16, 17): it matches incoming requests and responses
// to transactions before any route runs (retransmissions and ACKs of negative replies are absorbed there),
// makes transactions for the tm functions (it is their TmHost) on the script of the request route that
// asks (the context carries it), and runs each transaction's branch, onreply and failure routes on that
// script (transaction-routes.ts): it is pinned for the transaction's life, so a version activated
// meanwhile never sees it. Every relay destination (branches, failover, forking, stateless ACKs) passes
// authorizeDestination, the tenant's allow-list hook. Each transaction counts against the global and the
// tenant's cap (tm/transaction-caps.ts) from when it is made to when it ends; past a cap none is made and
// the tm function returns E_OUT_OF_MEM, leaving the request to a stateless 503 with Retry-After.

import { isIP } from 'node:net';
import type { Logger } from 'pino';
import type { DnsServer } from '../dns/dns-client.ts';
import { systemDnsServers } from '../dns/resolv-conf.ts';
import { hostLog } from '../kemi/host-log.ts';
import type { RouteContext, RouteHost, TmHost } from '../kemi/index.ts';
import type { LogLimiter } from '../log-limit.ts';
import { err, OK, ok, type Result } from '../result.ts';
import {
  addReceived,
  heldUntil,
  inheritHold,
  pushOwnVia,
  type SipRequest,
  type SipResponse,
} from '../sip/index.ts';
import {
  type Clock,
  createTmCounters,
  type DestinationBranch,
  E_ADM_PROHIBITED,
  E_OUT_OF_MEM,
  E_UNSPEC,
  forwardMaxForwards,
  hostPort,
  InviteServerTransaction,
  looksNumeric,
  type NextHop,
  newBranchId,
  nextHop,
  type ProxyClientEntry,
  type ProxyEnvironment,
  ProxyTransaction,
  statelessBranchId,
  statelessReplyTarget,
  type TimerValues,
  type TmCounters,
  type TransactionCapLimits,
  TransactionCaps,
  type TransactionRoutes,
  TransactionTable,
} from '../tm/index.ts';
import {
  type LocalAddress,
  normalizeAddress,
  type Proto,
  type Resolve,
  type Source,
  type Transport,
} from '../transport/index.ts';
import { countBy, countIn, type RouterCounters } from './counters.ts';
import { DestinationResolver, type ResolverLimits } from './destination-resolver.ts';
import { localToTag } from './local-tag.ts';
import type { Myself } from './myself.ts';
import { OutboundInterfaces } from './outbound-interface.ts';
import { OwnSockets } from './own-socket.ts';
import { type ReplyTargetOptions, replyTarget } from './reply-target.ts';
import { type RouteInvoker, scriptOf } from './route-invoker.ts';
import type { Script } from './script.ts';
import { scriptRoutes } from './transaction-routes.ts';

/**
 * The choke point of every relay destination: the sandbox's allow-list of hosts, CIDRs and ports. A
 * refusal's error is the reason, for the log.
 */
export type AuthorizeDestination = (script: Script, target: NextHop) => Result<void, string>;

export const allowAllDestinations: AuthorizeDestination = () => OK;

export interface TransactionHostOptions {
  readonly transport: Transport;
  /** A worker thread's private reply ports (src/router/outbound-interface.ts). */
  readonly replyPorts?: ReadonlyMap<string, LocalAddress>;
  /** The RouteHost the contexts of transaction routes get (the Router). */
  readonly host: RouteHost;
  readonly invoker: RouteInvoker;
  /** Where refused destinations are counted. */
  readonly counters: RouterCounters;
  readonly myself: Myself;
  readonly timers: TimerValues;
  /** The caps on live transactions, in all and per tenant, and the Retry-After of a refusal. */
  readonly caps: TransactionCapLimits;
  readonly clock: Clock;
  readonly authorizeDestination: AuthorizeDestination;
  /** The operator's relay_to_self: scripts may relay to the server's own sockets (off: refused). */
  readonly relayToSelf: boolean;
  /** Resolves the host names of relay destinations (A/AAAA only; tests): DNS `dnsServers` when absent. */
  readonly resolve?: Resolve;
  /** The DNS servers asked for relay destinations' names (RFC 3263); /etc/resolv.conf's when absent. */
  readonly dnsServers?: readonly DnsServer[];
  /** Cache, timeouts and bounds of that resolution. */
  readonly resolverLimits: ResolverLimits;
  /** A branch to a name fails over to its next target (Kamailio's use_dns_failover); default on. */
  readonly dnsFailover?: boolean;
  /** URI parameters added to the Record-Route entries of a script's transaction for `request` (";kwv=..."). */
  readonly recordRouteParams: (script: Script, request: SipRequest) => string;
  /** How replies are addressed (multicast maddr or not). */
  readonly replyOptions?: ReplyTargetOptions;
  readonly log: Logger;
  /** Rate limit of the lines a peer (or a script) can cause once per message. */
  readonly logLimit: LogLimiter;
}

export class TransactionHost implements TmHost {
  readonly counters: TmCounters = createTmCounters();
  readonly table = new TransactionTable<ProxyTransaction, ProxyClientEntry>();
  /** Live transactions against their caps, in all and by tenant. */
  readonly caps: TransactionCaps;
  readonly #options: TransactionHostOptions;
  readonly #env: ProxyEnvironment;
  /** Each script's transaction routes, made once: they only close over the script. */
  readonly #routes = new WeakMap<Script, TransactionRoutes>();
  readonly #resolver: DestinationResolver;
  readonly #ownSockets: OwnSockets;

  constructor(options: TransactionHostOptions) {
    this.#options = options;
    this.caps = new TransactionCaps(options.caps);
    this.#ownSockets = new OwnSockets(options.transport);
    this.#resolver = new DestinationResolver(
      options.resolve !== undefined
        ? { resolve: options.resolve }
        : { servers: options.dnsServers ?? systemDnsServers() },
      options.resolverLimits,
      options.clock,
    );
    const transport = options.transport;
    const interfaces = new OutboundInterfaces(transport, options.replyPorts);
    this.#env = {
      timing: { clock: options.clock, timers: options.timers },
      table: this.table,
      counters: this.counters,
      send: (target, bytes, done) => transport.send(target, bytes, done),
      listenerFor: (proto, host, near) => interfaces.pick(proto, host, near),
      localTag: localToTag,
      defer: (task) => options.invoker.defer(task),
      newBranch: newBranchId,
      logLimit: options.logLimit,
      dnsFailover: options.dnsFailover ?? true,
    };
  }

  /** The relay resolver's counts and its cache's size (metrics). */
  get dns(): { queries: number; cacheHits: number; failures: number; cached: number } {
    return { ...this.#resolver.counters, cached: this.#resolver.size };
  }

  /** The script a transaction runs its routes on. */
  scriptOf(tx: ProxyTransaction): Script {
    return tx.owner as Script;
  }

  /**
   * A request from the network, before any route: true when a transaction absorbed it (a retransmission,
   * an ACK for a negative reply). `key` is serverKey(request).
   */
  absorb(request: SipRequest, key: string): boolean {
    const tx = this.table.lookup(key, request);
    if (tx !== undefined && tx.server.receiveRequest(request) === 'absorbed') {
      this.counters.retransmissionsAbsorbed++;
      tx.log.debug({ method: request.method }, 'absorbed by its transaction');
      return true;
    }
    // The ACK of a 2xx made here (t-reply) is a new transaction (17.1.1.3) that ends at this server.
    const invite = request.method === 'ACK' && tx === undefined ? this.table.matchAck(request) : undefined;
    if (invite === undefined) return false;
    const server = invite.server;
    if (!(server instanceof InviteServerTransaction) || !server.ackLocal2xx(request)) return false;
    this.counters.retransmissionsAbsorbed++;
    invite.log.debug('ACK of the local 2xx absorbed');
    return true;
  }

  /** The client transaction a response belongs to, if any. */
  matchResponse(response: SipResponse): ProxyClientEntry | undefined {
    return this.table.matchResponse(response);
  }

  /** Hands a response to its client transaction (and so to its branch and transaction). */
  deliver(entry: ProxyClientEntry, response: SipResponse, source: Source): void {
    entry.receiveResponse(response, source);
  }

  /**
   * A response no transaction knows (a 2xx retransmitted after its transaction ended ...): forwarded by its
   * Via like a stateless proxy (16.11) when the top Via is ours and its branch was minted here for the hop
   * the next Via names (branch-ids.ts), over UDP or the request's own TCP connection, never a new one. Any
   * other response naming us is a forgery that would make the server a relay to any host and port (issue
   * 11): dropped, counted and logged. False when dropped.
   */
  forwardStateless(response: SipResponse): boolean {
    const via = response.via;
    if (!this.#options.myself.is(via.host, via.port)) return false;
    const branch = via.branch;
    if (response.popVia() === undefined) return false;
    const target = statelessReplyTarget(branch, response.via);
    if (target === undefined) {
      this.counters.statelessRepliesRefused++;
      this.#options.logLimit.warn(
        this.#options.log,
        'stateless-response-refused',
        { status: response.status, callId: response.callId },
        'stateless response not forwarded: its branch was not minted here for the next Via',
      );
      return false;
    }
    this.counters.statelessReplies++;
    this.#options.log.debug(
      { status: response.status, callId: response.callId },
      'response forwarded statelessly',
    );
    const held = heldUntil(response);
    if (held === undefined) void this.#options.transport.send(target, response.toBuffer());
    else void held.then(() => this.#options.transport.send(target, response.toBuffer()));
    return true;
  }

  /** Why `tenant`'s script may not send to `hop` (own sockets, allow-list), or undefined: dialog BYEs. */
  refuseFor(tenant: string, hop: NextHop): string | undefined {
    // A dialog outlives the script object that made it; the checks read only the script's tenant.
    return this.#refuse({ tenant } as Script, hop);
  }

  // ---- TmHost -------------------------------------------------------------------------------------------------

  newTransaction(ctx: RouteContext): number {
    if (ctx.tm.transaction) return 1;
    const opened = this.#open(ctx);
    return opened.ok ? 1 : opened.error;
  }

  relay(ctx: RouteContext, targets: readonly DestinationBranch[], forced?: NextHop): number {
    const request = ctx.request!;
    if (request.method === 'ACK') return this.#forwardAck(ctx, targets, forced);
    if (request.method === 'CANCEL' && ctx.kind === 'request' && !ctx.tm.transaction) {
      const invite = this.table.matchCancelled(request);
      if (invite !== undefined) return this.#cancel(ctx, invite);
    }
    let tx = ctx.tm.transaction;
    if (tx === undefined) {
      if (ctx.kind !== 'request') return E_UNSPEC;
      const opened = this.#open(ctx);
      if (!opened.ok) return opened.error;
      tx = opened.value;
    }
    if (ctx.kind === 'request') {
      tx.flags = ctx.flags.message;
      tx.avps = ctx.avps;
      tx.contacts = ctx.relay.contacts;
    }
    const rr = ctx.relay.recordRoute;
    tx.recordRoute = rr?.enabled ? { params: rr.params, preset: rr.preset } : undefined;
    const copy = request.clone();
    inheritHold(request, copy); // an SDP edit asked for before t-relay (rtpengine) lands on the branches
    const outcome = tx.relay(copy, targets, forced);
    return outcome.ok ? 1 : outcome.error.code;
  }

  reply(ctx: RouteContext, status: number, reason: string): number {
    const tx = ctx.tm.transaction;
    if (tx === undefined) {
      hostLog(
        ctx,
        'error',
        't-reply',
        { ksr: 't-reply' },
        'no transaction for this request: call t-newtran first',
      );
      return -1;
    }
    if (ctx.kind !== 'request' && ctx.kind !== 'failure') {
      hostLog(ctx, 'error', 't-reply', { ksr: 't-reply' }, `cannot reply from a ${ctx.kind} route`);
      return -1;
    }
    // The request route's flags as the reply leaves (acc reads them; t-relay keeps them so too).
    if (ctx.kind === 'request') tx.flags = ctx.flags.message;
    if (!tx.reply(status, reason, ctx.answer.replyHeaders, ctx.answer.replyBody)) {
      hostLog(
        ctx,
        'error',
        't-reply',
        { ksr: 't-reply', status },
        `the transaction was answered already (${tx.finalStatus})`,
      );
      return -1;
    }
    ctx.answer.replied = status;
    return 1;
  }

  checkTransaction(ctx: RouteContext): number {
    const request = ctx.request;
    if (!request) return ctx.tm.transaction ? 1 : -1;
    if (request.method === 'CANCEL') return this.table.matchCancelled(request) ? 1 : -1;
    if (request.method === 'ACK') {
      const status = this.table.matchAck(request)?.finalStatus;
      return status !== undefined && status >= 200 && status < 300 ? 1 : -1;
    }
    return -1; // retransmissions never reach a route: absorb() took them
  }

  // ---- internals ----------------------------------------------------------------------------------------------

  /**
   * Makes the transaction of a request route's request (t-newtran, or the first t-relay); the error is
   * the tm function's code. `force`: made past the caps (a CANCEL of a known INVITE).
   */
  #open(ctx: RouteContext, force = false): Result<ProxyTransaction, number> {
    const request = ctx.request;
    const script = requestRouteScript(ctx);
    if (request === undefined || script === undefined || ctx.tm.key === undefined) {
      hostLog(
        ctx,
        'error',
        't-newtran',
        { ksr: 't-newtran' },
        'a transaction is made only for a request in the request route',
      );
      return err(E_UNSPEC);
    }
    if (request.method === 'ACK') {
      hostLog(ctx, 'error', 't-newtran', { ksr: 't-newtran' }, 'an ACK has no transaction of its own');
      return err(E_UNSPEC);
    }
    const full = this.caps.acquire(script.tenant, force);
    if (full !== undefined) return err(this.#refuseOverCap(ctx, script, full));
    const received = request.clone();
    if (ctx.answer.forceRport) addReceived(received, ctx.source.remote, true);
    const tx = ProxyTransaction.open(this.#env, this.#routesFor(script), {
      owner: script,
      key: ctx.tm.key,
      request: received,
      source: ctx.source,
      upstream: replyTarget(received, ctx.source, {
        ...this.#options.replyOptions,
        noConnect: ctx.answer.noConnect,
      }),
      receivedMaxForwards: ctx.tm.receivedMaxForwards,
      loopTag: ctx.tm.loopTag,
      recordRouteParams: this.#options.recordRouteParams(script, received),
      log: transactionLog,
    });
    if (tx === undefined) {
      this.caps.release(script.tenant);
      hostLog(ctx, 'warn', 't-newtran', {}, 'a transaction for this request exists already');
      return err(E_UNSPEC);
    }
    script.pin();
    const s = ctx.relay.settings;
    if (s !== undefined) {
      tx.onFailure = s.onFailure;
      tx.onBranch = s.onBranch;
      tx.onReply = s.onReply;
      // Through setTimeouts: the configured maxima apply to what the script asked before t-relay too.
      tx.setTimeouts(s.frInv ?? 0, s.fr ?? 0);
      if (s.dropReplies !== undefined) tx.dropReplies = s.dropReplies;
    }
    ctx.tm.transaction = tx;
    if (tx.isInvite) tx.trying();
    return ok(tx);
  }

  /**
   * A cap is full: nothing is made; counted and logged (per tenant, rate-limited). The request is left to
   * a 503 with Retry-After: sl-reply-error sends it, or the server does once the route returns unanswered.
   */
  #refuseOverCap(ctx: RouteContext, script: Script, cap: 'global' | 'tenant'): number {
    const { caps } = this;
    countIn(this.#options.counters.transactionsRefused, script.tenant, cap);
    ctx.tm.overload = caps.limits.retryAfterS;
    ctx.answer.pendingError = { status: 503, reason: 'Service Unavailable' };
    const [live, limit] =
      cap === 'tenant'
        ? [caps.liveOf(script.tenant), caps.limits.perTenant]
        : [caps.total, caps.limits.global];
    hostLog(
      ctx,
      'warn',
      'transaction-cap',
      { cap, live, limit },
      `no transaction for ${ctx.request?.method}: ${cap === 'tenant' ? `tenant ${script.tenant}` : 'the server'} has ${live} live (max_transactions${cap === 'tenant' ? '_per_tenant' : ''} ${limit}); 503`,
    );
    return E_OUT_OF_MEM;
  }

  /** A CANCEL for a known INVITE (16.10): answered 200 in its own transaction, the branches cancelled. */
  #cancel(ctx: RouteContext, invite: ProxyTransaction): number {
    // Past the caps: one CANCEL per INVITE (it carries the INVITE's branch), and it frees the INVITE's.
    const opened = this.#open(ctx, true);
    if (!opened.ok) return opened.error;
    const tx = opened.value;
    tx.reply(200, 'OK');
    ctx.answer.replied = 200;
    invite.cancel(ctx.request!.getFieldValues('Reason'));
    return 1;
  }

  /** An ACK for a 2xx goes on statelessly (it is a transaction of its own, end to end). */
  #forwardAck(ctx: RouteContext, targets: readonly DestinationBranch[], forced: NextHop | undefined): number {
    const script = requestRouteScript(ctx);
    const target = targets[0];
    if (script === undefined || target === undefined) return E_UNSPEC;
    const found = forced === undefined ? nextHop(target.dstUri ?? target.uri) : ok(forced);
    if (!found.ok) {
      hostLog(
        ctx,
        'warn',
        'ack-not-relayed',
        { code: found.error.code },
        `ACK not relayed: ${found.error.message}`,
      );
      return found.error.code;
    }
    const hop = found.value;
    const why = this.#refuse(script, hop);
    if (why !== undefined) {
      this.#options.logLimit.warn(
        ctx.log,
        'ack-not-relayed',
        { code: E_ADM_PROHIBITED },
        `ACK not relayed: ${why}`,
      );
      return E_ADM_PROHIBITED;
    }
    const local = this.#env.listenerFor(hop.proto, hop.host, ctx.source);
    if (local === undefined) return E_UNSPEC;
    const ack = ctx.request!.clone();
    if (target.uri !== ack.uri) ack.setUri(target.uri);
    if (!forwardMaxForwards(ack, ctx.tm.receivedMaxForwards)) return E_UNSPEC;
    const transport = (local.proto ?? hop.proto).toUpperCase();
    pushOwnVia(ack, transport, local.address, local.viaPort ?? local.port, statelessBranchId(ack));
    const proto: Proto = hop.proto;
    inheritHold(ctx.request!, ack);
    // Sent once the route returns: a route that fails after relaying sends nothing.
    ctx.tm.afterRoute ??= [];
    const send = (address: string, port = hop.port) =>
      void this.#options.transport.send(
        { proto, address, port, local: local.listener, ...(hop.secure ? { secure: true } : {}) },
        ack.toBuffer(),
      );
    const forward = () => {
      if (isIP(hop.host) !== 0) return send(hop.host);
      // A stateless ACK goes to the name's first target of the listener's family (no failover: no branch).
      void this.#resolveFor(script, { ...hop, proto }).then((found) => {
        const family = isIP(local.listener.address) === 6 ? 6 : 4;
        const to = found.ok
          ? found.value.find((t) => t.proto === proto && isIP(t.host) === family)
          : undefined;
        if (to !== undefined) send(to.host, to.port);
        // The route's logger is made here, when a line is written: made for every ACK, it was ~4 µs a call.
        else ctx.log.warn(`ACK not relayed: ${found.ok ? `no IPv${family} ${proto} target` : found.error}`);
      });
    };
    ctx.tm.afterRoute.push(() => {
      // An ACK carrying the SDP answer waits for rtpengine's edit (sip/message-hold.ts).
      const held = heldUntil(ack);
      if (held === undefined) forward();
      else void held.then(forward);
    });
    return 1;
  }

  /**
   * The targets to send to for `hop`: an IP literal as it is (refuse() decided it), a name resolved once
   * (RFC 3263, cached) into targets over the transports and families the server listens on, each checked
   * again as an address against the server's own sockets and the tenant's relay_allow: a name is no way
   * around the allow-list (a tenant's DNS answering 127.0.0.1 is refused as 127.0.0.1 would be).
   */
  async #resolveFor(script: Script, hop: NextHop): Promise<Result<NextHop[], string>> {
    if (isIP(hop.host) !== 0) return ok([hop]);
    if (looksNumeric(hop.host)) return err(`'${hop.host}' is an IP address in disguise, not a host name`);
    const listeners = this.#options.transport.localAddresses;
    // The transports listened on, in the order of the listen specs (tried in that order without NAPTR); a
    // sips: hop only over TLS (RFC 3263 4.1), and its targets stay `secure` (their certificate verified).
    const listened = [...new Set(listeners.map((l) => l.proto))];
    const protos = hop.secure ? listened.filter((p) => p === 'tls' || p === 'wss') : listened;
    const usable = hop.explicitProto ? [hop.proto] : protos;
    const families = ([4, 6] as const).filter((f) =>
      listeners.some((l) => l.family === f && usable.includes(l.proto)),
    );
    const query = {
      host: hop.host,
      port: hop.explicitPort ? hop.port : undefined,
      proto: hop.explicitProto ? hop.proto : undefined,
    };
    const found = await this.#resolver.resolve(query, families, protos);
    if (!found.ok) return found;
    const allowed: NextHop[] = [];
    const refused: string[] = [];
    for (const target of found.value) {
      const to: NextHop = {
        proto: target.proto,
        host: normalizeAddress(target.address),
        port: target.port,
        ...(hop.secure ? { secure: true } : {}),
      };
      const why = this.#refuse(script, to);
      if (why === undefined) allowed.push(to);
      else refused.push(why);
    }
    if (refused.length > 0) {
      this.#options.logLimit.warn(
        this.#options.log,
        'dns-target-refused',
        { tenant: script.tenant, host: hop.host, refused: refused.length },
        `${hop.host}: ${refused.length} of ${found.value.length} targets refused: ${refused[0]}`,
      );
    }
    if (allowed.length === 0) return err(`${hop.host} resolved to no allowed target: ${refused[0]}`);
    return ok(allowed);
  }

  #refuseOwn(script: Script, hop: NextHop): string | undefined {
    if (this.#options.relayToSelf || !this.#ownSockets.reaches(hop)) return undefined;
    countBy(this.#options.counters.destinationsRefused, script.tenant);
    countBy(this.#options.counters.selfRelaysRefused, script.tenant);
    return `${hop.proto}:${hostPort(hop.host, hop.port)} is one of this server's own sockets (relay_to_self is off)`;
  }

  #refuse(script: Script, hop: NextHop): string | undefined {
    const own = this.#refuseOwn(script, hop);
    if (own !== undefined) return own;
    const decision = this.#options.authorizeDestination(script, hop);
    if (decision.ok) return undefined;
    countBy(this.#options.counters.destinationsRefused, script.tenant);
    return `${hop.proto}:${hostPort(hop.host, hop.port)} is not allowed for tenant ${script.tenant}: ${decision.error}`;
  }

  /** The routes of a transaction, bound to the script that created it. */
  #routesFor(script: Script): TransactionRoutes {
    let routes = this.#routes.get(script);
    if (routes === undefined) {
      routes = this.#makeRoutes(script);
      this.#routes.set(script, routes);
    }
    return routes;
  }

  #makeRoutes(script: Script): TransactionRoutes {
    const { invoker, host } = this.#options;
    return {
      ...scriptRoutes(script, invoker, host),
      refuse: (hop) => this.#refuse(script, hop),
      resolve: (hop) => this.#resolveFor(script, hop),
      ended: () => {
        this.caps.release(script.tenant);
        script.unpin();
      },
    };
  }
}

/**
 * The script of a request route's context: the only context t-newtran and t-relay make a transaction
 * for (the server gives it the request's transaction key; branch, onreply and failure routes have none).
 */
function requestRouteScript(ctx: RouteContext): Script | undefined {
  return ctx.kind === 'request' && ctx.tm.key !== undefined ? scriptOf(ctx) : undefined;
}

/**
 * The log of a transaction made by #open: the request route's (script and Call-ID bindings), made when the
 * transaction first logs. One function for every transaction (ProxyTransactionInit.log).
 */
function transactionLog(tx: ProxyTransaction): Logger {
  return (tx.owner as Script).log.child({ callId: tx.request.callId });
}
