// The state one route invocation sees: the message, where it came from, the script it runs on,
// per-message variables and flags, and what the route decided. KSR functions (the tables in this folder)
// read and change it; the server reads the outcome after the route returns. Each part has one writer (see
// RouteContext). `host` is what the functions ask of the server.

import type { Level, Logger } from 'pino';
import type { Dispatcher } from '../dispatcher/dispatcher.ts';
import type { LogLimiter } from '../log-limit.ts';
import type { NgClient } from '../rtpengine/ng-client.ts';
import { type EditLimits, SipRequest, SipResponse } from '../sip/index.ts';
import type {
  AddressStore,
  HtableStore,
  LocationBackend,
  PikeStore,
  RegistrarSettings,
} from '../state/index.ts';
import type {
  DestinationBranch,
  NextHop,
  PretranEntry,
  PretranTable,
  ProxyTransaction,
  RecordRouteRequest,
} from '../tm/index.ts';
import type { Source } from '../transport/index.ts';
import type { AccHost } from './accounting.ts';
import { type DialogContext, type DialogHost, newDialogContext } from './dialog-tracking.ts';
import type { AuthHost } from './digest-auth.ts';
import type { PvNames } from './pseudo-variables.ts';
import type { ScriptRegexes } from './script-regex.ts';

export type RouteKind = 'request' | 'reply' | 'failure' | 'branch' | 'onreply' | 'event';

/** Why a route stopped early: `x.exit` or `x.drop`. */
export type Finish = 'exit' | 'drop';

/** What KSR functions need from the server around them. */
/** The message trace as the siptrace functions reach it (src/trace/message-trace.ts). */
export interface SipTraceHost {
  /**
   * Captures the received message being routed for `tenant` (and with "t" the rest of its transaction);
   * false when there is none, or no collector to send it to.
   */
  capture(tenant: string, mode: 'm' | 't'): boolean;
}

export interface RouteHost {
  /** Sends a stateless reply to the context's request; false when it could not be sent. */
  slReply(ctx: RouteContext, status: number, reason: string): boolean;
  /** Replies statefully when the request has a transaction, else statelessly. */
  sendReply(ctx: RouteContext, status: number, reason: string): boolean;
  /** True when host (and port, when given) name this server: a listen address or a configured domain. */
  isMyself(host: string, port: number | undefined): boolean;
  /** The transaction layer; absent on a server without one (the tm functions then fail). */
  readonly tm?: TmHost;
  /** Requests being processed before their transaction exists (tmx t-precheck-trans); -1 without it. */
  readonly pretran?: PretranTable;
  /** The message trace of the siptrace functions; they answer -1 without it. */
  readonly siptrace?: SipTraceHost;
  /** A configured define (Kamailio's `#!define`) for the script's tenant, or undefined. */
  getDefine?(ctx: RouteContext, name: string): string | undefined;
  /** Every tenant's htables; the htable functions only ever look up the context's tenant. */
  readonly htables?: HtableStore;
  /** The location service of the registrar functions; absent on a server without one (they then fail). */
  readonly location?: LocationHost;
  /** The permissions address tables; the permissions functions answer -1 without them. */
  readonly permissions?: PermissionsHost;
  /** The rtpengine client of the rtpengine functions; absent without `[rtpengine] instances` (they fail). */
  readonly rtpengine?: RtpengineHost;
  /** Every tenant's pike table; pike answers 1 (not flooding) without it, as Kamailio on an error. */
  readonly pike?: PikeStore;
  /** The accounting store and settings (acc); absent: nothing is accounted, acc-request fails. */
  readonly acc?: AccHost;
  /** Digest nonces and the subscribers of the auth functions; absent on a server without them (they fail). */
  readonly auth?: AuthHost;
  /** Every tenant's dialogs (KSR.dialog); the dialog functions fail without it. */
  readonly dialogs?: DialogHost;
  /** Every tenant's destination sets (dispatcher); absent: the dispatcher functions answer -1. */
  readonly dispatcher?: Dispatcher;
  /** Pseudo-variable names resolved so far: kept across messages, for the server's lifetime. */
  readonly pvNames: PvNames;
  /** Script regular expressions compiled so far: kept across messages, for the server's lifetime. */
  readonly regexes: ScriptRegexes;
  /** Rate limit of the lines the server writes for a script (host-log.ts); unlimited when absent. */
  readonly logLimit?: LogLimiter;
  /** Rate limit of the scripts' own lines (xlog, core log), per tenant; unlimited when absent. */
  readonly scriptLogLimit?: LogLimiter;
  /** Caps on the message a route edits and the reply it builds (message-budget.ts); defaults when absent. */
  readonly editLimits?: EditLimits;
  /** Edits refused by editLimits, by tenant (metrics); not counted when absent. */
  readonly editsRefused?: Record<string, number>;
  /** maxfwd's `max_limit`: the highest Max-Forwards process-maxfwd lets through; 70 when absent. */
  readonly maxfwdLimit?: number;
  /** sanity's `noreply`: a failed check keeps its reply for sanity-reply instead of sending it. */
  readonly sanityNoReply?: boolean;
}

/** The media relay client and the commands that came to nothing (no reply, an error), by tenant. */
export interface RtpengineHost {
  readonly client: NgClient;
  readonly failed: Record<string, number>;
}

/** The reply a failed sanity check asks for. */
export interface SanityFailure {
  readonly status: number;
  readonly reason: string;
  readonly headers: [string, string][];
}

/** The location store and each tenant's registrar settings. */
export interface LocationHost {
  readonly store: LocationBackend;
  settings(tenant: string): RegistrarSettings;
  /** REGISTERs refused by `save`, by tenant, then reply status (metrics). */
  readonly refused: Record<string, Record<string, number>>;
}

/** The address tables of the permissions functions and their denials. */
export interface PermissionsHost {
  readonly store: AddressStore;
  /** Checks answered -1, by tenant, then function (metrics). */
  readonly denied: Record<string, Record<string, number>>;
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

/**
 * The module version a route runs on, as the KSR functions see it: its tenant (whose htables, defines and
 * location they reach) and version. The server's Script (src/router/script.ts) is one.
 */
export interface RouteScript {
  readonly tenant: string;
  readonly version: number;
}

/** The flag words of `setflag` and `setbflag`. Written by the KSR functions. */
export interface RouteFlags {
  /** Message flags 0..31. */
  message: number;
  /** Flags of the current branch 0..31 (the R-URI's branch in a request route). */
  branch: number;
}

/**
 * How the request is to be relayed: the destination set and the settings t-relay takes over. Written by
 * the KSR functions (core, corex, rr, tm, registrar); the server reads it when the request is relayed.
 */
export interface RelayPlan {
  /** `$du`: where to send the request instead of its R-URI. */
  dstUri: string | undefined;
  /** q value of the R-URI's branch (append-branch-uri-q, t-next-contacts). */
  ruriQ: number | undefined;
  /** The R-URI branch's Path (Kamailio's path vector, set by registrar lookup): Route headers of the branch. */
  ruriPath: string | undefined;
  /** Branches added with append-branch (the destination set after the R-URI's branch). */
  appended: DestinationBranch[] | undefined;
  /** What t-load-contacts left for t-next-contacts, by falling q. */
  contacts: DestinationBranch[] | undefined;
  /** record-route and add-rr-param for this request, applied to every branch. */
  recordRoute: RecordRouteState | undefined;
  /** The URI parameters of our own Route entry that loose-route removed ("lr;ftag=..."). */
  localRouteParams: string | undefined;
  /** t-on-*, t-set-fr and t-drop-replies made before the transaction exists; t-relay copies them in. */
  settings: TmSettings | undefined;
}

/**
 * How the message is answered, or not forwarded. Written by the KSR functions, except `replied`, which the
 * server (the RouteHost) sets when it sent the reply a KSR function asked for.
 */
export interface Answer {
  /** Status of the reply sent for this request, if one was. */
  replied: number | undefined;
  /** Header fields to add to the reply the server generates (`hdr.append-to-reply`). */
  readonly replyHeaders: [name: string, value: string][];
  /** Octets of replyHeaders as written ("name: value" CRLF each); kept by pushReplyHeaders (message-budget.ts). */
  replyHeaderBytes: number;
  /** The body of the reply the server generates (`textops.set-reply-body`). */
  replyBody: { readonly body: string; readonly contentType: string } | undefined;
  /** Replies go to the source port (`force-rport`). */
  forceRport: boolean;
  /** Replies never open a TCP connection (`set-reply-no-connect`); a transaction takes it when made. */
  noConnect: boolean;
  /** The reply `sl-reply-error` sends: the last failure a KSR function found. */
  pendingError: { status: number; reason: string } | undefined;
  /** The message is not to be forwarded (`set-drop`, `x.drop`). */
  dropped: boolean;
  /** With sanity's noreply: the reply of the failed sanity check, for `sanity-reply`. */
  sanityFailure: SanityFailure | undefined;
  /** Set by `x.exit`/`x.drop`: every later KSR call of this route is ignored. */
  finished: Finish | undefined;
}

/**
 * The transaction side of the route. Written by the server (src/router: the request route's key and
 * Max-Forwards, the transaction a failure, branch or onreply route runs for, the transaction t-newtran or
 * t-relay made through the TmHost); the KSR functions read it.
 */
export interface TmState {
  /** The transaction: made by t-newtran/t-relay, or the one a failure, branch or onreply route runs for. */
  transaction: ProxyTransaction | undefined;
  /** A request route's: its request's transaction key (tm/transaction-key.ts); only it makes a transaction. */
  key: string | undefined;
  /** Max-Forwards as received (the proxy core applies 16.6 step 3 when the script did not). */
  receivedMaxForwards: number | undefined;
  /** The loop hash of the request as received (tm/loop-detection.ts): the branches of its transaction carry it. */
  loopTag: string | undefined;
  /**
   * Leaves loopTag to `compute`, run on its first read (only a request that gets a transaction needs it);
   * `compute` must read the request as received, not as the route changed it.
   */
  deferLoopTag(compute: () => string): void;
  /** The branch a branch or onreply route runs for ($T_branch_idx). */
  branchIndex: number | undefined;
  /** Sends that wait for the route to return (a stateless ACK): dropped with the route if it fails. */
  afterRoute: (() => void)[] | undefined;
  /** This request's entry in the host's pretran table (t-precheck-trans); left when the request is done. */
  pretran: PretranEntry | undefined;
  /**
   * Set when a transaction cap refused this request its transaction: the Retry-After (seconds) of the 503
   * it is answered with (by sl-reply-error, or by the server when the route leaves it unanswered).
   */
  overload: number | undefined;
}

/** TmState with its loop tag computed on first read. */
class TmFields implements TmState {
  transaction: ProxyTransaction | undefined = undefined;
  key: string | undefined = undefined;
  receivedMaxForwards: number | undefined = undefined;
  branchIndex: number | undefined = undefined;
  afterRoute: (() => void)[] | undefined = undefined;
  pretran: PretranEntry | undefined = undefined;
  overload: number | undefined = undefined;
  #loopTag: string | undefined = undefined;
  #computeLoopTag: (() => string) | undefined = undefined;

  get loopTag(): string | undefined {
    const compute = this.#computeLoopTag;
    if (compute !== undefined) {
      this.#computeLoopTag = undefined;
      this.#loopTag = compute();
    }
    return this.#loopTag;
  }

  set loopTag(tag: string | undefined) {
    this.#computeLoopTag = undefined;
    this.#loopTag = tag;
  }

  deferLoopTag(compute: () => string): void {
    this.#computeLoopTag = compute;
  }
}

/**
 * One route invocation's state, in parts each written by one layer: what the server gives it (read-only,
 * set when the context is made), `vars`, `flags`, `relay` and `answer` (written by the KSR functions) and
 * `tm` (written by the server's transaction layer).
 */
export class RouteContext {
  readonly kind: RouteKind;
  readonly msg: SipRequest | SipResponse;
  readonly source: Source;
  readonly host: RouteHost;
  /** The logger, once made (see `log`). Plain fields, not #private: copies of a context keep them. */
  private madeLog: Logger | undefined = undefined;
  /** Makes the logger on first use: most routes log nothing, and a pino child costs about a microsecond. */
  private makeLog: (() => Logger) | undefined = undefined;
  /**
   * The logger `makeLog` makes a child of, when the maker says so: its level is the child's, so a line
   * below the level is refused without making the child (a route's `xdbg` at level info, say).
   */
  private logParent: Logger | undefined = undefined;
  /** The module version the route runs on; undefined only for a context made outside the server (tests). */
  readonly script: RouteScript | undefined;
  /** `$ou`: the R-URI as received, before the route changed it. */
  readonly originalUri: string | undefined;
  /** Charged with the bytes of every script log line; set by whoever runs the route. */
  logMeter: LogMeter | undefined = undefined;
  /** The maps behind `vars` and `avps`, made on first use: most routes of a call touch neither. */
  private varsMap: Map<string, string | number> | undefined = undefined;
  private avpsMap: Map<string, string | number> | undefined = undefined;
  /** `$rc`: the code of the last KSR function that returned one (define.ts writes it). */
  lastCode = 0;
  readonly flags: RouteFlags = { message: 0, branch: 0 };
  /** The message's dialog and what dialog functions set before it exists (Kamailio's dlg_ctx). */
  readonly dlg: DialogContext = newDialogContext();
  readonly relay: RelayPlan = {
    dstUri: undefined,
    ruriQ: undefined,
    ruriPath: undefined,
    appended: undefined,
    contacts: undefined,
    recordRoute: undefined,
    localRouteParams: undefined,
    settings: undefined,
  };
  readonly answer: Answer = {
    replied: undefined,
    replyHeaders: [],
    replyHeaderBytes: 0,
    replyBody: undefined,
    forceRport: false,
    noConnect: false,
    pendingError: undefined,
    dropped: false,
    sanityFailure: undefined,
    finished: undefined,
  };
  readonly tm: TmState = new TmFields();

  constructor(
    kind: RouteKind,
    msg: SipRequest | SipResponse,
    source: Source,
    host: RouteHost,
    log: Logger | (() => Logger),
    script?: RouteScript,
    /** When `log` is a maker: the logger it makes a child of (same level). */
    logParent?: Logger,
  ) {
    this.kind = kind;
    this.msg = msg;
    this.source = source;
    this.host = host;
    if (typeof log === 'function') {
      this.makeLog = log;
      this.logParent = logParent;
    } else this.madeLog = log;
    this.script = script;
    this.originalUri = msg instanceof SipRequest ? msg.uri : undefined;
  }

  /** `$var(name)`: script variables that live for this message. */
  get vars(): Map<string, string | number> {
    this.varsMap ??= new Map();
    return this.varsMap;
  }

  /**
   * `$avp(name)`: attribute-value pairs. A request route's own until t-relay hands them to the transaction;
   * the transaction's branch, onreply and failure routes then share them (as Kamailio keeps AVPs with
   * the transaction).
   */
  get avps(): Map<string, string | number> {
    this.avpsMap ??= new Map();
    return this.avpsMap;
  }

  set avps(avps: Map<string, string | number>) {
    this.avpsMap = avps;
  }

  /** Carries tenant, version and Call-ID bindings. */
  get log(): Logger {
    this.madeLog ??= this.makeLog!();
    return this.madeLog;
  }

  set log(log: Logger) {
    this.madeLog = log;
  }

  /** Whether a line at `level` would be written, without making the logger for it. */
  logEnabled(level: Level): boolean {
    return (this.madeLog ?? this.logParent ?? this.log).isLevelEnabled(level);
  }

  /** The tenant whose script runs (its htables, defines, location), if known. */
  get tenant(): string | undefined {
    return this.script?.tenant;
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
