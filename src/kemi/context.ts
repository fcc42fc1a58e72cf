// The state one route invocation sees: the message, where it came from, per-message variables and flags,
// and what the route decided. KSR functions (the tables in this folder) read and change it; the server
// reads the outcome after the route returns. `host` is what the functions ask of the server.
import type { Logger } from 'pino';
import { SipRequest, SipResponse } from '../sip/index.ts';
import type { HtableStore, LocationStore, RegistrarSettings } from '../state/index.ts';
import type { DestinationBranch, NextHop, ProxyTransaction, RecordRouteRequest } from '../tm/index.ts';
import type { Source } from '../transport/index.ts';
import type { PvNames } from './pseudo-variables.ts';
import type { ScriptRegexes } from './script-regex.ts';

export type RouteKind = 'request' | 'reply' | 'failure' | 'branch' | 'onreply' | 'event';

/** Why a route stopped early: `x.exit` or `x.drop`. */
export type Finish = 'exit' | 'drop';

/** What KSR functions need from the server around them. */
export interface RouteHost {
  /** Sends a stateless reply to the context's request; false when it could not be sent. */
  slReply(ctx: RouteContext, status: number, reason: string): boolean;
  /** Replies statefully when the request has a transaction, else statelessly. */
  sendReply(ctx: RouteContext, status: number, reason: string): boolean;
  /** True when host (and port, when given) name this server: a listen address or a configured domain. */
  isMyself(host: string, port: number | undefined, secure: boolean): boolean;
  /** The transaction layer; absent on a server without one (the tm functions then fail). */
  readonly tm?: TmHost;
  /** A configured define (Kamailio's `#!define`) for the script's tenant, or undefined. */
  getDefine?(ctx: RouteContext, name: string): string | undefined;
  /** Every tenant's htables; the htable functions only ever look up the context's tenant. */
  readonly htables?: HtableStore;
  /** The location service of the registrar functions; absent on a server without one (they then fail). */
  readonly location?: LocationHost;
  /** Pseudo-variable names resolved so far: kept across messages, for the server's lifetime. */
  readonly pvNames: PvNames;
  /** Script regular expressions compiled so far: kept across messages, for the server's lifetime. */
  readonly regexes: ScriptRegexes;
}

/** The location store and each tenant's registrar settings. */
export interface LocationHost {
  readonly store: LocationStore;
  settings(tenant: string): RegistrarSettings;
  /** REGISTERs refused by `save`, by tenant, then reply status (metrics). */
  readonly refused: Record<string, Record<string, number>>;
}

/** What the tm functions need from the server; each returns a KEMI code (1, 0, or negative). */
export interface TmHost {
  /** t_newtran: the transaction of the request, made if there is none yet. */
  newTransaction(ctx: RouteContext): number;
  /** t_relay: forwards to `targets` statefully (ACK: statelessly; a CANCEL of a known INVITE: 16.10). */
  relay(ctx: RouteContext, targets: readonly DestinationBranch[], forced?: NextHop): number;
  /** t_reply: a reply through the request's transaction. */
  reply(ctx: RouteContext, status: number, reason: string): number;
  /** t_check_trans: whether the message belongs to a transaction (Kamailio's codes). */
  checkTransaction(ctx: RouteContext): number;
}

/** record-route, record-route-preset and add-rr-param so far; `enabled` once a Record-Route is wanted. */
export interface RecordRouteState extends RecordRouteRequest {
  readonly enabled: boolean;
}

/** What t-on-*, t-set-fr and t-drop-replies set before the transaction exists; t-relay copies it in. */
export interface TmSettings {
  onFailure?: string;
  onBranch?: string;
  onReply?: string;
  frInv?: number;
  fr?: number;
  dropReplies?: 'a' | 'l' | 'n';
}

/** Where log bytes written by the script are charged (the runtime's per-invocation log limit). */
export interface LogMeter {
  chargeLog(bytes: number): void;
}

/** A pseudo-variable value: `$null` is undefined. */
export type PvValue = string | number | undefined;

export class RouteContext {
  readonly kind: RouteKind;
  readonly msg: SipRequest | SipResponse;
  readonly source: Source;
  readonly host: RouteHost;
  /** Carries tenant, version and Call-ID bindings. */
  readonly log: Logger;
  /** The tenant whose script runs (its defines); set by the server. */
  tenant: string | undefined = undefined;
  /** `$var(name)`: script variables that live for this message. */
  readonly vars = new Map<string, string | number>();
  /** Message flags 0..31 (`setflag`). */
  flags = 0;
  /** Flags of the current branch 0..31 (`setbflag`). */
  branchFlags = 0;
  /** `$du`: where to send the request instead of its R-URI. */
  dstUri: string | undefined = undefined;
  /** Replies go to the source port (`force-rport`). */
  forceRport = false;
  /** Header fields to add to the reply the server generates (`hdr.append-to-reply`). */
  readonly replyHeaders: [name: string, value: string][] = [];
  /** Set by `x.exit`/`x.drop`: every later KSR call of this route is ignored. */
  finished: Finish | undefined = undefined;
  /** The message is not to be forwarded (`set-drop`, `x.drop`). */
  dropped = false;
  /** Status of the reply sent for this request, if one was. */
  replied: number | undefined = undefined;
  /** The reply `sl-reply-error` sends: the last failure a KSR function found. */
  pendingError: { status: number; reason: string } | undefined = undefined;
  /** Charged with the bytes of every script log line. */
  logMeter: LogMeter | undefined = undefined;
  /** `$ou`: the R-URI as received, before the route changed it. */
  readonly originalUri: string | undefined;
  /** The transaction: made by t-newtran/t-relay, or the one a failure, branch or onreply route runs for. */
  transaction: ProxyTransaction | undefined = undefined;
  /** Set by the server for a request route: the request's transaction key (tm/transaction-key.ts). */
  transactionKey: string | undefined = undefined;
  /** Max-Forwards as received (the proxy core applies 16.6 step 3 when the script did not). */
  receivedMaxForwards: number | undefined = undefined;
  /** tm settings made before the transaction exists. */
  tmSettings: TmSettings | undefined = undefined;
  /** Branches added with append-branch (the destination set after the R-URI's branch). */
  appendedBranches: DestinationBranch[] | undefined = undefined;
  /** q value of the R-URI's branch (append-branch-uri-q, t-next-contacts). */
  ruriQ: number | undefined = undefined;
  /** What t-load-contacts left for t-next-contacts, by falling q. */
  contacts: DestinationBranch[] | undefined = undefined;
  /** record-route and add-rr-param for this request, applied to every branch. */
  recordRoute: RecordRouteState | undefined = undefined;
  /** The URI parameters of our own Route entry that loose-route removed ("lr;ftag=..."). */
  localRouteParams: string | undefined = undefined;
  /** The branch a branch or onreply route runs for ($T_branch_idx). */
  branchIndex: number | undefined = undefined;
  /** Sends that wait for the route to return (a stateless ACK): dropped with the route if it fails. */
  afterRoute: (() => void)[] | undefined = undefined;

  constructor(kind: RouteKind, msg: SipRequest | SipResponse, source: Source, host: RouteHost, log: Logger) {
    this.kind = kind;
    this.msg = msg;
    this.source = source;
    this.host = host;
    this.log = log;
    this.originalUri = msg instanceof SipRequest ? msg.uri : undefined;
  }

  /** The message as a request, or undefined for a reply. */
  get request(): SipRequest | undefined {
    return this.msg instanceof SipRequest ? this.msg : undefined;
  }

  /** The message as a reply, or undefined for a request. */
  get reply(): SipResponse | undefined {
    return this.msg instanceof SipResponse ? this.msg : undefined;
  }
}
