// KSR core functions (Kamailio's `KSR.*`): method tests, "is this me", flags, R-URI and $du setters, rport,
// logging.
import { isIPv4, isIPv6 } from 'node:net';
import { parseUri, type SipUri } from '../sip/index.ts';
import type { RouteContext, RouteFlags } from './context.ts';
import { defineModule } from './define.ts';
import { hostLog } from './host-log.ts';
import { writePv } from './pseudo-variables.ts';
import { scriptLog } from './script-log.ts';

const method = (ctx: RouteContext) => ctx.request?.method ?? ctx.msg.cseq.method;

// The methods Kamailio parses to an id (parse_methods: METHOD_INVITE ... METHOD_DELETE); any other is
// METHOD_OTHER, which only a literal `is_method` matches.
const STANDARD_METHODS = new Set([
  'INVITE',
  'CANCEL',
  'ACK',
  'BYE',
  'INFO',
  'REGISTER',
  'SUBSCRIBE',
  'NOTIFY',
  'MESSAGE',
  'OPTIONS',
  'PRACK',
  'UPDATE',
  'REFER',
  'PUBLISH',
  'KDMQ',
  'GET',
  'POST',
  'PUT',
  'DELETE',
]);

// is_method_in letters as Kamailio 5.6's sr_kemi_core_is_method_in (src/core/kemi.c) reads them, either
// case. INFO has no letter there.
const METHOD_LETTERS: Record<string, string> = {
  I: 'INVITE',
  A: 'ACK',
  B: 'BYE',
  C: 'CANCEL',
  M: 'MESSAGE',
  R: 'REGISTER',
  E: 'PRACK',
  P: 'PUBLISH',
  S: 'SUBSCRIBE',
  N: 'NOTIFY',
  O: 'OPTIONS',
  F: 'REFER',
  G: 'GET',
  U: 'UPDATE',
  K: 'KDMQ',
  D: 'DELETE',
  T: 'POST',
  V: 'PUT',
};

/** `is_method`: one name compared as written, or (Kamailio's sr_kemi_core_match_method_id) a `|` list of
 * standard methods, false as a whole when one of them is not standard. */
function isMethod(ctx: RouteContext, wanted: string): boolean {
  if (wanted === '') return false;
  const m = method(ctx).toUpperCase();
  if (!wanted.includes('|') || !STANDARD_METHODS.has(m)) return m === wanted.toUpperCase();
  const names = wanted.split('|').map((n) => n.trim().toUpperCase());
  if (names.some((n) => !STANDARD_METHODS.has(n))) {
    hostLog(
      ctx,
      'error',
      'is-method',
      { ksr: 'is-method' },
      `'${wanted}' names a method that is not standard`,
    );
    return false;
  }
  return names.includes(m);
}

/** `is_method_in`: a method Kamailio does not know (METHOD_OTHER) matches no letter. */
function isMethodIn(ctx: RouteContext, letters: string): boolean {
  const m = method(ctx).toUpperCase();
  if (!STANDARD_METHODS.has(m)) return false;
  for (const letter of letters) if (METHOD_LETTERS[letter.toUpperCase()] === m) return true;
  return false;
}

const isMethodType = (name: string) => (ctx: RouteContext) => method(ctx).toUpperCase() === name;

// The letters of is_proto (src/core/kemi.c sr_kemi_core_is_proto).
const PROTO_LETTERS: Record<string, string> = { U: 'udp', T: 'tcp', E: 'tls', S: 'sctp', V: 'ws', W: 'wss' };

const arrivedOver = (proto: string) => (ctx: RouteContext) => ctx.source.proto === proto;

/**
 * The transport the next hop's URI names (Kamailio's sr_kemi_core_to_proto_helper): a request's $du, else
 * its R-URI, by the transport parameter only (none without one: parse_uri sets no default), and only the
 * values parse_uri knows (udp, tcp, tls, sctp, ws: "wss" is not one); a reply's second Via.
 */
function nextHopProto(ctx: RouteContext): string | undefined {
  if (ctx.reply) return ctx.reply.vias?.[1]?.transport.toLowerCase();
  const uri = parseUri(ctx.relay.dstUri ?? ctx.request!.uri);
  const transport = uri?.params.get('transport')?.toLowerCase();
  return transport !== undefined && URI_TRANSPORTS.has(transport) ? transport : undefined;
}

const URI_TRANSPORTS = new Set(['udp', 'tcp', 'tls', 'sctp', 'ws']);

const goesOver =
  (...protos: string[]) =>
  (ctx: RouteContext) => {
    const proto = nextHopProto(ctx);
    return proto !== undefined && protos.includes(proto);
  };

/** The next hop's host (a reply: the second Via's received, else its host) as an address family. */
function nextHopFamily(ctx: RouteContext): 4 | 6 | 0 {
  let host: string | undefined;
  if (ctx.reply) {
    const via = ctx.reply.vias?.[1];
    host = via && (via.received ?? via.host);
  } else host = parseUri(ctx.relay.dstUri ?? ctx.request!.uri)?.host;
  if (host === undefined) return 0;
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return isIPv4(bare) ? 4 : isIPv6(bare) ? 6 : 0;
}

const isMyselfUri = (ctx: RouteContext, uri: SipUri | undefined) =>
  uri !== undefined && uri.scheme !== 'tel' && ctx.host.isMyself(uri.host, uri.port);

const uriOf = (value: string | undefined) => (value === undefined ? undefined : parseUri(value));

/** A flag index 0..31, or undefined (logged) when out of range. */
function flagBit(ctx: RouteContext, flag: number, fn: string): number | undefined {
  if (Number.isInteger(flag) && flag >= 0 && flag <= 31) return 1 << flag;
  hostLog(ctx, 'error', fn, { ksr: fn }, `flag ${flag} is out of range 0..31`);
  return undefined;
}

/** setflag/resetflag/isflagset over one of the context's flag words: `fn` names the function in logs. */
function setFlag(ctx: RouteContext, word: keyof RouteFlags, flag: number, fn: string): boolean {
  const bit = flagBit(ctx, flag, fn);
  if (bit !== undefined) ctx.flags[word] |= bit;
  return bit !== undefined;
}

function resetFlag(ctx: RouteContext, word: keyof RouteFlags, flag: number, fn: string): boolean {
  const bit = flagBit(ctx, flag, fn);
  if (bit !== undefined) ctx.flags[word] &= ~bit;
  return bit !== undefined;
}

function isFlagSet(ctx: RouteContext, word: keyof RouteFlags, flag: number, fn: string): boolean {
  const bit = flagBit(ctx, flag, fn);
  return bit !== undefined && (ctx.flags[word] & bit) !== 0;
}

function setPv(ctx: RouteContext, name: string, value: string | undefined): boolean {
  const found = ctx.host.pvNames.lookup(name);
  return found.ok && writePv(ctx, found.value, value).ok;
}

export const core = defineModule('core', {
  'is-method': isMethod,
  'is-method-in': isMethodIn,
  'is-INVITE': isMethodType('INVITE'),
  'is-ACK': isMethodType('ACK'),
  'is-BYE': isMethodType('BYE'),
  'is-CANCEL': isMethodType('CANCEL'),
  'is-REGISTER': isMethodType('REGISTER'),
  'is-OPTIONS': isMethodType('OPTIONS'),
  'is-SUBSCRIBE': isMethodType('SUBSCRIBE'),
  'is-PUBLISH': isMethodType('PUBLISH'),
  'is-NOTIFY': isMethodType('NOTIFY'),
  'is-REFER': isMethodType('REFER'),
  'is-INFO': isMethodType('INFO'),
  'is-UPDATE': isMethodType('UPDATE'),
  'is-PRACK': isMethodType('PRACK'),
  'is-MESSAGE': isMethodType('MESSAGE'),
  'is-KDMQ': isMethodType('KDMQ'),
  'is-GET': isMethodType('GET'),
  'is-POST': isMethodType('POST'),
  'is-PUT': isMethodType('PUT'),
  'is-DELETE': isMethodType('DELETE'),
  'is-UDP': arrivedOver('udp'),
  'is-TCP': arrivedOver('tcp'),
  'is-TLS': arrivedOver('tls'),
  'is-SCTP': arrivedOver('sctp'),
  'is-WS': arrivedOver('ws'),
  'is-WSS': arrivedOver('wss'),
  'is-WSX': (ctx) => arrivedOver('ws')(ctx) || arrivedOver('wss')(ctx),
  'is-proto': (ctx, protos) => {
    for (const letter of protos) if (PROTO_LETTERS[letter.toUpperCase()] === ctx.source.proto) return true;
    return false;
  },
  'is-ipv4': (ctx) => isIPv4(ctx.source.local.address),
  'is-ipv6': (ctx) => isIPv6(ctx.source.local.address),
  'is-src-port': (ctx, port) => ctx.source.remote.port === port,
  'is-dst-port': (ctx, port) => ctx.source.local.port === port,
  'to-UDP': goesOver('udp'),
  'to-TCP': goesOver('tcp'),
  'to-TLS': goesOver('tls'),
  'to-SCTP': goesOver('sctp'),
  'to-WS': goesOver('ws'),
  'to-WSS': goesOver('wss'),
  'to-WSX': goesOver('ws', 'wss'),
  'to-ipv4': (ctx) => nextHopFamily(ctx) === 4,
  'to-ipv6': (ctx) => nextHopFamily(ctx) === 6,
  'is-myself': (ctx, uri) => isMyselfUri(ctx, parseUri(uri)),
  'is-myself-ruri': (ctx) => isMyselfUri(ctx, ctx.request?.parsedUri),
  'is-myself-furi': (ctx) => isMyselfUri(ctx, uriOf(ctx.msg.from?.uri)),
  'is-myself-turi': (ctx) => isMyselfUri(ctx, uriOf(ctx.msg.to?.uri)),
  'is-myself-srcip': (ctx) => ctx.host.isMyself(ctx.source.remote.address, undefined),
  setflag: (ctx, flag) => setFlag(ctx, 'message', flag, 'setflag'),
  resetflag: (ctx, flag) => resetFlag(ctx, 'message', flag, 'resetflag'),
  isflagset: (ctx, flag) => isFlagSet(ctx, 'message', flag, 'isflagset'),
  setbflag: (ctx, flag) => setFlag(ctx, 'branch', flag, 'setbflag'),
  resetbflag: (ctx, flag) => resetFlag(ctx, 'branch', flag, 'resetbflag'),
  isbflagset: (ctx, flag) => isFlagSet(ctx, 'branch', flag, 'isbflagset'),
  seturi: (ctx, uri) => setPv(ctx, '$ru', uri),
  setuser: (ctx, user) => setPv(ctx, '$rU', user),
  sethost: (ctx, host) => setPv(ctx, '$rd', host),
  setdsturi: (ctx, uri) => uri !== '' && setPv(ctx, '$du', uri),
  resetdsturi: (ctx) => setPv(ctx, '$du', undefined),
  isdsturiset: (ctx) => ctx.relay.dstUri !== undefined,
  'force-rport': (ctx) => {
    if (!ctx.request) return false;
    ctx.answer.forceRport = true;
    return true;
  },
  // Kamailio sets SND_F_FORCE_CON_REUSE on the message's reply flags whatever the message: always true.
  'set-reply-no-connect': (ctx) => {
    ctx.answer.noConnect = true;
    return true;
  },
  'set-drop': (ctx) => {
    ctx.answer.dropped = true;
  },
  log: (ctx, level, msg) => scriptLog(ctx, level, msg),
  dbg: (ctx, msg) => scriptLog(ctx, 'dbg', msg),
  info: (ctx, msg) => scriptLog(ctx, 'info', msg),
  notice: (ctx, msg) => scriptLog(ctx, 'notice', msg),
  warn: (ctx, msg) => scriptLog(ctx, 'warn', msg),
  err: (ctx, msg) => scriptLog(ctx, 'err', msg),
  crit: (ctx, msg) => scriptLog(ctx, 'crit', msg),
});
