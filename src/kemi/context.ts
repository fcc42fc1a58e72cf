// The state one route invocation sees: the message, where it came from, per-message variables and flags,
// and what the route decided. KSR functions (the tables in this folder) read and change it; the server
// reads the outcome after the route returns. `host` is what the functions ask of the server.
import type { Logger } from 'pino';
import { SipRequest, SipResponse } from '../sip/index.ts';
import type { Source } from '../transport/index.ts';

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
